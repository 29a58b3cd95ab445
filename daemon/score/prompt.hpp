// The scoring prompts, laid out as they are sent: everything that stays the same between calls
// first (topics, criteria, instructions), so the provider's prompt cache serves it, and the
// papers last, each as compactly as the model can still judge it.
#pragma once

#include "arxiv/paper.hpp"
#include "config/config.hpp"
#include "core/hash.hpp"

#include <span>
#include <string>
#include <string_view>

namespace paperboy {

inline constexpr std::string_view paper_list_placeholder = "[PAPER LIST HERE]";
inline constexpr std::string_view papers_heading =
    "## Papers\n\nEach paper is its ArXiv ID in brackets and its title on one line, then its abstract.";
inline constexpr std::string_view title_papers_heading = "## Papers\n\nOne paper per line: its ArXiv ID in brackets and its title.";

/// topics, criteria, instructions, papers_heading and the placeholder, joined by blank lines.
/// Everything before the placeholder is the same for every call of a profile.
std::string user_prompt_template(const prompt_config& prompts, std::string_view topics);

/// The title pre-filter's template: topics, title instructions, title_papers_heading and the
/// placeholder. No criteria: ruling a paper out as surely irrelevant needs the topics only, and
/// the criteria (about 470 tokens) would be paid on every title call.
std::string title_prompt_template(const prompt_config& prompts, std::string_view topics);

/// "[2507.16110] The title": how the title pass sees a paper.
std::string prompt_title_entry(const paper& p);

/// One paper as the abstract pass sees it: "[id] title", a newline and the abstract (cut at
/// 4,000 bytes on a UTF-8 boundary; arXiv's own limit is 1,920 characters). No labels: the
/// heading says once what the lines are, which saves about 7 tokens a paper. With `authors` > 0
/// (llm.prompt_authors) a "By ..." line too, more than `authors` + 1 names becoming the first
/// ones and "et al.". By default the model sees no names: it judges relevance and novelty from
/// the text, paperboy itself matches the authors a profile follows, and the names were 3% of a
/// day's prompt tokens.
std::string prompt_paper_entry(const paper& p, int authors = 0);

/// The template with the placeholder replaced by the papers' entries, blank-line separated.
std::string user_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers);

/// The title template with the placeholder replaced by one prompt_title_entry per line.
std::string title_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers);

inline constexpr std::size_t min_auto_batch = 5, max_auto_batch = 50, max_auto_title_batch = 200;

/// Papers per abstract call: `configured` when set (llm.batch_size > 0). Otherwise it grows with
/// the day: the fewest rounds of `concurrency` calls that keep a call at max_auto_batch papers or
/// fewer, the papers spread evenly over those calls, and never fewer than min_auto_batch a call.
/// Whole rounds keep every worker busy to the end (wall time near the ideal); each call pays the
/// fixed part of the prompt (about 1,350 tokens, cached at half price after the first), so fewer
/// calls cost less; and 50 bounds the reply (about 1,350 tokens, 17 s at 80 tokens/s), since the
/// longer a reply the more papers a model leaves out or garbles (those go out again in a retry).
/// 783 papers and 8 workers: 2 rounds, 16 calls of 49; 100 papers: 8 calls of 13.
std::size_t batch_size_for(std::size_t papers, int concurrency, int configured);

/// Titles per pre-filter call: `configured` when set (llm.title_batch_size > 0); otherwise the
/// fewest calls that keep each at max_auto_title_batch titles or fewer, but never more calls
/// than workers, so the pass is one round (the abstract calls wait for it). A title costs about
/// 17 tokens and the pass's fixed part (topics and instructions, about 800 tokens, too short for
/// the provider's cache) is paid on every call, so fewer, longer calls are cheaper; 200 bounds the
/// reply, a list of the ids ruled out. 783 titles: 4 calls of 196; 100: one call.
std::size_t title_batch_size_for(std::size_t papers, int concurrency, int configured);

}  // namespace paperboy
