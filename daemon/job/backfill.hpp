// A missed announcement day rebuilt from arXiv's search API and then run like any day:
// scored, reported, archived and delivered once, its reports marked as backfilled. Shared by
// `paperboy backfill` and the daemon (schedule.backfill).
#pragma once

#include "config/config.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "job/daily_run.hpp"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace paperboy {

struct backfill_result {
    enum class outcome { already_stored, no_papers, failed, ran } what = outcome::failed;
    std::optional<run_summary> summary;  // ran
    std::optional<error> failure;        // failed: the API could not be read (the day stays missed)
};

/// The note that heads a backfilled day's reports: the submission window it was rebuilt from,
/// and what may differ from the feed it replaces.
std::string backfill_note(day d, const std::vector<std::string>& categories);

/// Rebuilds `d` (fetch_day_from_api), stores it and runs it (run_day on the stored day, with
/// backfill_note). A day already in the state is left alone; a window without papers (an
/// arXiv holiday) stores nothing. Blocks; `before_fetch()` once before the first request to the
/// API (not for a day already stored), `progress(done, total)` per page of it.
backfill_result backfill_day(const config& cfg, day d, const std::function<void(std::size_t, std::size_t)>& progress = {},
                             const std::function<void()>& before_fetch = {});

/// schedule.backfill: the days of the last 31 before `today` the state records as missed,
/// rebuilt oldest first, at most schedule.backfill_max_days of them. Blocks; never throws
/// (a day that cannot be rebuilt is a failed result; a state that cannot be read, none).
std::vector<std::pair<std::string, backfill_result>> backfill_missed(const config& cfg, day today);

/// What failed backfills mean for /healthz: "2 missed days not backfilled (2025-07-21: why;
/// ...)", or empty when none failed. Pure.
std::string backfill_problem(const std::vector<std::pair<std::string, backfill_result>>& results);

}  // namespace paperboy
