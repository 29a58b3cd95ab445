// A profile's report for one day, as every renderer sees it.
#pragma once

#include "core/dates.hpp"
#include "score/pricing.hpp"
#include "score/scorer.hpp"
#include "select/selection.hpp"

#include <optional>
#include <string>
#include <vector>

namespace paperboy {

struct report_stats {
    long total = 0;      // distinct papers in the feed
    long scanned = 0;    // those kept by the announce-type filter
    long scored = 0;     // scanned papers that got a score (author matches are not scored)
    long failed = 0;     // scanned papers the scorer could not score
    long selected = 0;   // papers in the report
    token_usage usage;
    std::optional<run_cost> cost;  // nullopt: the model has no known price
};

/// Set when the digest is not what the configured scorer would have made: papers left
/// unscored, or scored by the offline fallback. Every channel shows it, with the count.
struct incomplete_notice {
    long unscored = 0;         // papers without a score
    long fallback_scored = 0;  // papers scored by the offline scorer because the model failed
    std::string reason;        // why (from the scorer), e.g. "The model provider failed: HTTP 503"
};

/// The notice as one sentence, the same in every channel: "Incomplete digest: 37 of 262
/// papers could not be scored (reason); relevant papers may be missing."
std::string describe(const incomplete_notice& n, long scanned);

struct report {
    day date{};
    std::string profile;
    std::string model;
    report_stats stats;
    std::vector<selected_paper> papers;  // points into the day's feed, which outlives the report
    prompt_disclosure prompt;
    std::vector<std::string> notes;      // what went wrong while scoring (cost cap, provider down)
    std::optional<incomplete_notice> incomplete;
    std::vector<selected_paper> near_misses;  // report.near_misses: the next papers under the cut-offs
};

}  // namespace paperboy
