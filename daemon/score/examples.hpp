// Few-shot context (llm.examples): titles the reader liked and disliked, put in the fixed part
// of the prompt (after the topics) so that it stays in the provider's prompt cache.
#pragma once

#include "config/config.hpp"

#include <span>
#include <string>

namespace paperboy {

class state_store;

struct voted_title {
    std::string title;
    int value = 0;  // +1 liked, -1 disliked
};

/// Up to `n` of `newest_first`: half (rounded up) likes, the rest dislikes, a side that runs
/// short leaving its places to the other; newest first within each. Titles are cleaned to one
/// line of at most 200 bytes. Empty when `n` is 0 or there are no titles. The text:
///   "## Papers this reader liked\n- T1\n- T2\n\n## Papers this reader did not want\n- T3"
std::string few_shot_text(std::span<const voted_title> newest_first, int n);

/// `profile` with few_shot_text of its votes (their titles from the stored days) appended to
/// its topics; `profile` itself when n is 0 or there are none.
profile_config with_examples(const profile_config& profile, state_store& state, int n);

}  // namespace paperboy
