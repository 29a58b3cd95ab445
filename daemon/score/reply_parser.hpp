// Reading a model's answer into scores. Models answer in many shapes; none of them may crash
// a run or silently lose a paper.
#pragma once

#include "score/scorer.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

struct parsed_reply {
    std::map<std::string, paper_score> scores;  // by canonical id, only ids of the batch
    int ignored_ids = 0;                         // ids not in the batch (hallucinated)
    int invalid_entries = 0;                     // objects with missing or out-of-range scores
};

/// Accepts JSONL (one object per line), a JSON array, {"papers": [...]}, any of these inside
/// ``` fences or after/around prose, and pretty-printed objects. Each object needs ARXIVID,
/// RELEVANCE and NOVELTY (scores 1-10; numeric strings are coerced); COMMENT is optional.
/// Ids are normalised ("arXiv:2507.1v2" -> "2507.1"); ids outside `batch` are ignored.
/// Papers of the batch that are absent or invalid are simply not in `scores`.
parsed_reply parse_score_reply(std::string_view text, const std::set<std::string>& batch);

/// The ids of a title pre-filter answer: the first JSON array of strings in the text
/// (fenced or not), normalised and limited to `batch`. nullopt when no such array is found.
std::optional<std::vector<std::string>> parse_id_list_reply(std::string_view text, const std::set<std::string>& batch);

}  // namespace paperboy
