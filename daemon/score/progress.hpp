// Progress of a long scoring run, for the reader watching it: one log line per tenth of the
// papers, or, on a terminal, one line that updates in place. Pure text; the scorer decides
// when to show it.
#pragma once

#include "score/scorer.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace paperboy {

struct scoring_progress {
    std::size_t done = 0;   // papers scored, dropped by the title pre-filter, or failed
    std::size_t total = 0;
    int calls = 0;          // model calls answered so far
    token_usage usage;
    std::optional<double> usd;  // nullopt: the model has no known price
    std::chrono::milliseconds elapsed{0};
};

/// "scoring: 40% (313 of 783 papers), 19 calls, 140512 tokens, $0.41 so far, about 12 s left";
/// the time left is the elapsed time scaled by what remains, omitted before the first paper.
std::string progress_text(const scoring_progress& p);

/// The tenth of the work reached (0 to 10): a log line is due whenever it grows.
int progress_tenth(std::size_t done, std::size_t total);

}  // namespace paperboy
