// When the daemon runs, as pure functions of (now, settings): no clock is read here.
//
// arXiv announces Sunday to Thursday evenings and rebuilds its RSS feed shortly after midnight
// US Eastern (protocols.md 1.4), so the feed carries a new listing dated Monday to Friday and
// keeps Friday's through the weekend. A holiday shows up as an empty feed, which the run
// records as "no announcement"; the schedule itself only knows weekdays.
#pragma once

#include "config/config.hpp"
#include "core/dates.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace paperboy {

using time_point = std::chrono::system_clock::time_point;

struct scheduled_run {
    day date;       // the announcement day the run reports
    time_point at;  // when it is due
    friend bool operator==(const scheduled_run&, const scheduled_run&) = default;
};

/// Monday to Friday.
bool is_announcement_weekday(day d);

/// Why arXiv announces nothing on `d` when it is a Saturday or Sunday, naming the last
/// announcement day before it: "arXiv does not announce on Saturdays: 2025-07-26 is a Saturday;
/// the last announcement day was Friday 2025-07-25". nullopt on a weekday (holidays are only
/// known from the feed). Pure.
std::optional<std::string> weekend_notice(day d);

/// schedule.time on the civil date `d` in schedule.timezone. A time that does not exist that
/// night (inside a spring-forward gap) is taken as the end of the gap; a time that happens
/// twice (fall back) as its first occurrence. Throws std::runtime_error for an unknown zone.
time_point scheduled_time(day d, const schedule_config& s);

/// When llm.batch_deadline (a time of day in schedule.timezone) falls first after the run
/// scheduled at `scheduled`: a Batch API batch of that run must have ended by then. Nullopt
/// without a time-of-day deadline. Gaps and repeated hours are taken as in scheduled_time.
std::optional<time_point> batch_deadline_after(time_point scheduled, const llm_config& llm, const schedule_config& s);

/// The first scheduled run strictly after `now`.
scheduled_run next_run(time_point now, const schedule_config& s);

/// The latest scheduled run at or before `now`. Its day's listing is still in the feed until
/// the next scheduled run, so it can still be run late.
scheduled_run last_due_run(time_point now, const schedule_config& s);

struct catch_up_plan {
    std::optional<scheduled_run> run_now;  // the last due day, when it has no completed run
    std::vector<day> missed;               // earlier announcement days that can no longer be fetched
};

/// What to do on start. `last_completed` is the latest announcement day with a completed run
/// (a report or "no announcement"), nullopt on a fresh installation (then nothing counts as
/// missed). Days between it and the last due day were never run while the feed carried them:
/// they are missed (at most 31 are listed).
catch_up_plan plan_catch_up(time_point now, std::optional<day> last_completed, const schedule_config& s);

struct poll_step {
    bool retry = false;
    time_point at{};     // with retry: when to fetch again
    std::string reason;  // without retry: why the day is given up as missed
};

/// The feed still carried an earlier day at `now` for a run scheduled at `scheduled`: fetch
/// again after schedule.retry_every, unless that is past scheduled + schedule.give_up_after,
/// or past the next day's run; then the day is missed.
poll_step after_stale_feed(time_point now, const scheduled_run& scheduled, const schedule_config& s);

}  // namespace paperboy
