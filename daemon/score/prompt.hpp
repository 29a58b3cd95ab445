// The scoring prompt, laid out as it is sent: everything that stays the same between calls
// first (topics, criteria), the papers next, the instructions last.
#pragma once

#include "arxiv/paper.hpp"
#include "config/config.hpp"

#include <span>
#include <string>
#include <string_view>

namespace paperboy {

inline constexpr std::string_view paper_list_placeholder = "[PAPER LIST HERE]";

/// topics, criteria, "## Papers", the placeholder and the instructions, joined by blank lines.
std::string user_prompt_template(const prompt_config& prompts, std::string_view topics);

/// One paper as the model sees it: "ArXiv ID: ...\nTitle: ...\nAuthors: a, b\nAbstract: ..."
/// (abstract cut at 4,000 bytes on a UTF-8 boundary).
std::string prompt_paper_entry(const paper& p);

/// The template with the placeholder replaced by the papers' entries, blank-line separated.
std::string user_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers);

/// FNV-1a 64-bit hash as 16 hex digits; used for cache keys, not for security.
std::string stable_hash(std::string_view text);

}  // namespace paperboy
