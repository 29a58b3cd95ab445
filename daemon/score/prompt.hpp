// The scoring prompt, laid out as it is sent: everything that stays the same between calls
// first (topics, criteria), the papers next, the instructions last.
#pragma once

#include "arxiv/paper.hpp"
#include "config/config.hpp"
#include "core/hash.hpp"

#include <span>
#include <string>
#include <string_view>

namespace paperboy {

inline constexpr std::string_view paper_list_placeholder = "[PAPER LIST HERE]";

/// topics, criteria, "## Papers", the placeholder and the instructions, joined by blank lines.
std::string user_prompt_template(const prompt_config& prompts, std::string_view topics);

/// One paper as the model sees it: "ArXiv ID: ...\nTitle: ...\nAbstract: ..." (abstract cut at
/// 4,000 bytes on a UTF-8 boundary). With `authors` > 0 (llm.prompt_authors) an "Authors:" line
/// too, more than `authors` + 1 names becoming the first ones and "et al.". By default the model
/// sees no names: it judges relevance and novelty from the text, paperboy itself matches the
/// authors a profile follows, and the names were 3% of a day's prompt tokens.
std::string prompt_paper_entry(const paper& p, int authors = 0);

/// The title pre-filter's prompt: the topics and criteria (the same opening as the abstract
/// prompt, so the provider's prompt cache serves it to both passes), "## Papers",
/// "ArXiv ID: ...\nTitle: ..." entries and the title instructions.
std::string title_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers);

/// Papers per abstract call: `configured` when set (llm.batch_size > 0); otherwise it grows with
/// the day, ceil(papers / (4 x concurrency)) clamped to [5, 20]. Four rounds per worker keep the
/// workers evenly busy to the end (wall time near the ideal); the fixed part of the prompt (about
/// 1,500 tokens) is then paid a few dozen times a day, not once per 5 papers; and 20 bounds the
/// reply (about 1,500 tokens), beyond which models leave papers out more often.
std::size_t batch_size_for(std::size_t papers, int concurrency, int configured);

/// Titles per pre-filter call: `configured` when set (llm.title_batch_size > 0); otherwise
/// ceil(papers / concurrency) clamped to [20, 100]: one round of calls for most days, since
/// the abstract batches wait for it, and a title costs about 25 tokens, so 100 of them are a
/// short prompt whose fixed part is paid 8 times a day instead of 20.
std::size_t title_batch_size_for(std::size_t papers, int concurrency, int configured);

/// The template with the placeholder replaced by the papers' entries, blank-line separated.
std::string user_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers);


}  // namespace paperboy
