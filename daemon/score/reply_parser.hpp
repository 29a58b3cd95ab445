// Reading a model's answer into scores. Models answer in many shapes, and a reply is untrusted
// input: none of them may crash a run, take more than linear time, or silently lose a paper.
#pragma once

#include "score/scorer.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

/// Replies larger than this are refused for their batch (the papers are retried or failed).
inline constexpr std::size_t max_reply_bytes = 1 << 20;
/// JSON nested deeper than this inside a reply is not parsed (a scoring answer needs 3 levels).
inline constexpr int max_reply_depth = 32;
/// A model's comment is cut to this many bytes before anything renders it.
inline constexpr std::size_t max_comment_bytes = 1000;

struct parsed_reply {
    std::map<std::string, paper_score> scores;  // by canonical id, only ids of the batch
    int ignored_ids = 0;                         // ids not in the batch (hallucinated)
    int invalid_entries = 0;                     // objects with a missing or unreadable RELEVANCE
    bool too_large = false;                      // over max_reply_bytes: nothing was read
};

/// Accepts JSONL (one object per line), a JSON array, {"papers": [...]}, any of these inside
/// ``` fences or after/around prose, and pretty-printed objects. Each object needs ARXIVID and
/// RELEVANCE; NOVELTY and COMMENT are optional (see read_score). Ids are normalised
/// ("arXiv:2507.1v2" -> "2507.1"); ids outside `batch` are ignored. Papers of the batch that
/// are absent or invalid are simply not in `scores`. Linear in the reply's size.
parsed_reply parse_score_reply(std::string_view text, const std::set<std::string>& batch);

/// The ids of a title pre-filter answer: the first JSON array of strings in the text
/// (fenced or not), normalised and limited to `batch`. nullopt when no such array is found
/// (or the reply is over max_reply_bytes).
std::optional<std::vector<std::string>> parse_id_list_reply(std::string_view text, const std::set<std::string>& batch);

/// A TL;DR is cut to this many bytes (two sentences fit; a model that writes an essay does not).
inline constexpr std::size_t max_tldr_bytes = 400;

/// The TL;DRs of a summary answer: objects {"ARXIVID", "TLDR"} in any of the shapes
/// parse_score_reply reads, limited to `batch`, each made one line without control characters
/// and cut to max_tldr_bytes.
std::map<std::string, std::string> parse_tldr_reply(std::string_view text, const std::set<std::string>& batch);

/// Every JSON object or array embedded in `text`, in order: the maximal balanced bracket spans
/// (outside strings) that parse, and inside a span that does not parse, its own spans. Only
/// spans at most max_reply_depth deep are considered (deeper nesting is read from its inner
/// end), so the work is O(n * max_reply_depth) and no recursion goes deeper than that.
std::vector<nlohmann::json> embedded_json_values(std::string_view text);

/// A score as models write it: 8, 8.0, "8", " 8 ", "8/10", "8 out of 10". Anything else, or a
/// value outside 1..10, is nullopt.
std::optional<int> read_score(const nlohmann::json& v);

/// One answer object: RELEVANCE is required; a NOVELTY that cannot be read is "not judged"
/// (the rest of the entry is kept); COMMENT is cleaned (text::clean_line, max_comment_bytes).
std::optional<paper_score> parse_answer(const nlohmann::json& answer);

}  // namespace paperboy
