// llm.prefilter: the built-in ranker ranks the day's papers and only its top ones go to the
// language model; the others are held back with the ranker's score. Pure (given a ranker).
#pragma once

#include "config/config.hpp"
#include "rank/ranker.hpp"
#include "score/scorer.hpp"

#include <map>
#include <span>
#include <string>
#include <vector>

namespace paperboy {

struct prefilter_split {
    std::vector<const paper*> to_model;             // the ranker's top papers, in their order of `papers`
    std::map<std::string, paper_score> held_back;   // relevance 1, the ranker's score and a comment saying why
    std::map<std::string, double> ranker_scores;    // every paper's day-relative ranker score
};

/// Keeps keep_top papers, or ceil(keep_fraction * n), by the ranker's score (ties by id).
prefilter_split apply_prefilter(const rank::ranker& ranker, const profile_config& profile, std::span<const paper* const> papers,
                                const prefilter_config& cfg);

}  // namespace paperboy
