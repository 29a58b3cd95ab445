// From scored papers to the report's list: cut-offs, order, top-N. Pure.
#pragma once

#include "arxiv/paper.hpp"
#include "config/config.hpp"
#include "score/scorer.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace paperboy {

struct selected_paper {
    const paper* item = nullptr;
    bool author_match = false;
    std::string matched_author;          // the followed name, when author_match
    std::optional<paper_score> score;    // nullopt for author matches (never sent to a scorer)
    std::string tldr;                    // a model's one- or two-sentence summary (report.tldr), or ""
};

/// Author matches first (in arXiv-id order), then scored papers whose relevance and novelty
/// meet the profile's cut-offs (a novelty the scorer could not judge is not held against the
/// paper), ordered by relevance+novelty, then relevance, then arXiv id; top_n (when > 0)
/// cuts the combined list.
std::vector<selected_paper> select_papers(const profile_config& profile, const std::vector<const paper*>& author_matches,
                                          const std::vector<std::string>& matched_names,
                                          const std::vector<const paper*>& scored,
                                          const std::map<std::string, paper_score>& scores);

/// The next `n` scored papers that did not make `selected` (under the cut-offs, or past top_n),
/// in the same order as the selection: what the reader almost got.
std::vector<selected_paper> near_misses(const std::vector<const paper*>& scored, const std::map<std::string, paper_score>& scores,
                                        const std::vector<selected_paper>& selected, int n);

}  // namespace paperboy
