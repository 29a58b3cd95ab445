#include "schedule/schedule.hpp"

#include <date/tz.h>

#include <stdexcept>

namespace paperboy {
namespace {

day local_date(time_point t, const schedule_config& s) { return today_in(s.timezone, t); }

time_point clock_time_on(day d, std::chrono::seconds clock, const std::string& timezone) {
    const auto* zone = date::locate_zone(timezone);
    const auto days = std::chrono::sys_days{d}.time_since_epoch().count();
    const date::local_seconds local{date::days{days} + clock};
    const auto info = zone->get_info(local);
    if (info.result == date::local_info::nonexistent) return info.second.begin;
    return zone->to_sys(local, date::choose::earliest);
}

}  // namespace

bool is_announcement_weekday(day d) {
    const std::chrono::weekday w{std::chrono::sys_days{d}};
    return w != std::chrono::Saturday && w != std::chrono::Sunday;
}

std::optional<std::string> weekend_notice(day d) {
    const auto wd = std::chrono::weekday(std::chrono::sys_days(d));
    if (wd != std::chrono::Saturday && wd != std::chrono::Sunday) return std::nullopt;
    const auto friday = plus_days(d, wd == std::chrono::Saturday ? -1 : -2);
    const std::string name = wd == std::chrono::Saturday ? "Saturday" : "Sunday";
    return "arXiv does not announce on " + name + "s: " + format_iso_day(d) + " is a " + name + "; the last announcement day was Friday " +
           format_iso_day(friday);
}

time_point scheduled_time(day d, const schedule_config& s) {
    const auto clock = parse_clock_time(s.time);
    if (!clock) throw std::runtime_error("schedule.time '" + s.time + "' is not HH:MM[:SS]");
    return clock_time_on(d, *clock, s.timezone);
}

std::optional<time_point> batch_deadline_after(time_point scheduled, const llm_config& llm, const schedule_config& s) {
    if (!llm.batch_deadline) return std::nullopt;
    for (day d = local_date(scheduled, s);; d = plus_days(d, 1)) {
        if (const auto at = clock_time_on(d, *llm.batch_deadline, s.timezone); at > scheduled) return at;
    }
}

scheduled_run next_run(time_point now, const schedule_config& s) {
    // Starting the day before covers zones where the run falls on the previous UTC date.
    for (day d = plus_days(local_date(now, s), -1);; d = plus_days(d, 1)) {
        if (!is_announcement_weekday(d)) continue;
        const auto at = scheduled_time(d, s);
        if (at > now) return {d, at};
    }
}

scheduled_run last_due_run(time_point now, const schedule_config& s) {
    for (day d = plus_days(local_date(now, s), 1);; d = plus_days(d, -1)) {
        if (!is_announcement_weekday(d)) continue;
        const auto at = scheduled_time(d, s);
        if (at <= now) return {d, at};
    }
}

catch_up_plan plan_catch_up(time_point now, std::optional<day> last_completed, const schedule_config& s) {
    catch_up_plan plan;
    const auto due = last_due_run(now, s);
    if (last_completed && std::chrono::sys_days{*last_completed} >= std::chrono::sys_days{due.date}) return plan;
    plan.run_now = due;
    if (!last_completed) return plan;
    for (day d = plus_days(*last_completed, 1); std::chrono::sys_days{d} < std::chrono::sys_days{due.date}; d = plus_days(d, 1)) {
        if (is_announcement_weekday(d) && plan.missed.size() < 31) plan.missed.push_back(d);
    }
    return plan;
}

poll_step after_stale_feed(time_point now, const scheduled_run& scheduled, const schedule_config& s) {
    const auto at = now + s.retry_every;
    const auto limit = scheduled.at + s.give_up_after;
    if (at > limit) {
        return {false, {}, "arXiv's feed still carried an earlier day at " + format_utc(now) + ", " +
                               std::to_string(std::chrono::duration_cast<std::chrono::minutes>(now - scheduled.at).count()) +
                               " min after the scheduled run (schedule.give_up_after_minutes)"};
    }
    const auto next = next_run(scheduled.at, s);
    if (at >= next.at) return {false, {}, "the next announcement day's run is due before the feed was updated"};
    return {true, at, {}};
}

}  // namespace paperboy
