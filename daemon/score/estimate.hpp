// What scoring a day would cost, before paying it (`paperboy run --estimate`). Pure.
#pragma once

#include "config/config.hpp"
#include "score/pricing.hpp"
#include "score/scorer.hpp"

#include <optional>
#include <span>

namespace paperboy {

/// A reply's tokens per scored paper (RELEVANCE, NOVELTY and a one-sentence comment): 29 on
/// average in the real gpt-4o answers of ../shared/fixtures/days (783 and 261 papers).
inline constexpr long estimated_completion_per_paper = 30;
/// A title pre-filter reply's tokens (a short list of ids, usually empty).
inline constexpr long estimated_completion_per_title_call = 12;

/// A TL;DR reply's tokens per paper (an id and two sentences).
inline constexpr long estimated_completion_per_tldr = 60;
struct scoring_estimate {
    long papers = 0;         // sent to the model
    long title_calls = 0;    // the title pre-filter's calls
    long calls = 0;          // the abstract calls
    long tldr_calls = 0;     // report.tldr's calls (ten selected papers each)
    token_usage usage;       // prompt (with cached), cached, completion
    std::optional<run_cost> cost;  // nullopt: the model has no price
};

/// The calls and tokens scoring `papers` with `llm` takes, from the very prompts the scorer
/// sends (llm.concurrency workers, batch_size_for the day, the title pre-filter assumed to keep
/// every paper, so an upper bound), at 4 characters a token (what the fake provider counts, and
/// close to real tokenizers on English prose). The provider's prefix cache is counted as
/// OpenAI's: the fixed start of every call but the first of its kind, when it is at least 1,024
/// tokens, in steps of 128. Completion tokens use the estimated_* constants above.
/// `tldr_papers`: how many selected papers get a TL;DR (report.tldr; profile.top_n, else 20,
/// as the selection is not known before scoring), priced at the day's average abstract.
scoring_estimate estimate_scoring(const llm_config& llm, const profile_config& model_profile, std::span<const paper* const> papers,
                                  std::size_t tldr_papers = 0);

}  // namespace paperboy
