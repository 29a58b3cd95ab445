#include "schedule/schedule.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;

namespace {

paperboy::time_point utc(int y, unsigned m, unsigned d, int h, int min = 0) {
    return sys_days{year{y} / month{m} / std::chrono::day{d}} + hours{h} + minutes{min};
}

paperboy::day ymd(int y, unsigned m, unsigned d) { return year{y} / month{m} / std::chrono::day{d}; }

schedule_config new_york(const std::string& time = "00:30") {
    schedule_config s;
    s.time = time;
    s.timezone = "America/New_York";
    return s;
}

}  // namespace

TEST_CASE("schedule: a weekday night runs at 00:30 New York time for that day") {
    // Monday 22:00 EST.
    const auto r = next_run(utc(2026, 11, 24, 3), new_york());
    CHECK(r.date == ymd(2026, 11, 24));
    CHECK(r.at == utc(2026, 11, 24, 5, 30));  // EST is UTC-5
    // Exactly at the scheduled moment the next one is the following day's.
    CHECK(next_run(utc(2026, 11, 24, 5, 30), new_york()).date == ymd(2026, 11, 25));
    CHECK(last_due_run(utc(2026, 11, 24, 5, 30), new_york()).date == ymd(2026, 11, 24));
}

TEST_CASE("schedule: after Friday's run the next is Monday's, the weekend has none") {
    const auto r = next_run(utc(2026, 11, 27, 6), new_york());
    CHECK(r.date == ymd(2026, 11, 30));
    CHECK(r.at == utc(2026, 11, 30, 5, 30));
    // On Sunday the latest due run is still Friday's (its listing stays in the feed).
    CHECK(last_due_run(utc(2026, 11, 29, 18), new_york()).date == ymd(2026, 11, 27));
    CHECK_FALSE(is_announcement_weekday(ymd(2026, 11, 28)));
    CHECK(is_announcement_weekday(ymd(2026, 11, 27)));
}

TEST_CASE("schedule: right across daylight-saving changes in both directions") {
    // Spring forward (Sunday 2026-03-08): Friday 00:30 EST, Monday 00:30 EDT.
    CHECK(next_run(utc(2026, 3, 6, 1), new_york()).at == utc(2026, 3, 6, 5, 30));
    const auto monday = next_run(utc(2026, 3, 6, 6), new_york());
    CHECK(monday.date == ymd(2026, 3, 9));
    CHECK(monday.at == utc(2026, 3, 9, 4, 30));  // EDT is UTC-4
    // Fall back (Sunday 2026-11-01): Friday 00:30 EDT, Monday 00:30 EST.
    CHECK(next_run(utc(2026, 10, 30, 1), new_york()).at == utc(2026, 10, 30, 4, 30));
    CHECK(next_run(utc(2026, 10, 30, 5), new_york()).at == utc(2026, 11, 2, 5, 30));
    // A time inside the spring gap runs when the gap ends; a repeated time, the first time.
    CHECK(scheduled_time(ymd(2026, 3, 8), new_york("02:30")) == utc(2026, 3, 8, 7));
    CHECK(scheduled_time(ymd(2026, 11, 1), new_york("01:30")) == utc(2026, 11, 1, 5, 30));
    // A zone east of UTC whose run falls on the previous UTC date.
    schedule_config tokyo;
    tokyo.time = "08:00";
    tokyo.timezone = "Asia/Tokyo";
    const auto t = next_run(utc(2026, 11, 23, 12), tokyo);
    CHECK(t.date == ymd(2026, 11, 24));
    CHECK(t.at == utc(2026, 11, 23, 23));
}

TEST_CASE("schedule: llm.batch_deadline is the first time of day after the day's scheduled run, in the schedule's zone") {
    llm_config llm;
    CHECK_FALSE(batch_deadline_after(utc(2026, 11, 24, 5, 30), llm, new_york()));
    llm.batch_deadline = hours{7};
    // Run at 00:30 EST, deadline 07:00 EST the same morning.
    CHECK(batch_deadline_after(utc(2026, 11, 24, 5, 30), llm, new_york()) == utc(2026, 11, 24, 12));
    // A run scheduled in the evening (22:00) gets the next morning's 07:00.
    CHECK(batch_deadline_after(utc(2026, 11, 25, 3), llm, new_york("22:00")) == utc(2026, 11, 25, 12));
    // Measured from the scheduled time, not from when a late catch-up run starts: the same deadline.
    CHECK(batch_deadline_after(last_due_run(utc(2026, 11, 24, 11, 59), new_york()).at, llm, new_york()) == utc(2026, 11, 24, 12));
    // Spring forward: 00:30 EST, 07:00 EDT the same night.
    CHECK(batch_deadline_after(utc(2026, 3, 8, 5, 30), llm, new_york()) == utc(2026, 3, 8, 11));
}

TEST_CASE("schedule: a holiday is an ordinary weekday to the schedule, its empty feed completes it") {
    // Thanksgiving 2026-11-26: the run happens, finds an empty feed and records it, and the
    // next start has nothing to catch up.
    const auto due = last_due_run(utc(2026, 11, 26, 12), new_york());
    CHECK(due.date == ymd(2026, 11, 26));
    const auto plan = plan_catch_up(utc(2026, 11, 26, 12), ymd(2026, 11, 26), new_york());
    CHECK_FALSE(plan.run_now);
    CHECK(plan.missed.empty());
    CHECK(next_run(utc(2026, 11, 26, 12), new_york()).date == ymd(2026, 11, 27));
}

TEST_CASE("schedule: a late feed is polled every retry_every, then the day is given up") {
    auto s = new_york();
    s.retry_every = minutes(15);
    s.give_up_after = hours(12);
    const scheduled_run run{ymd(2026, 11, 24), utc(2026, 11, 24, 5, 30)};
    const auto first = after_stale_feed(utc(2026, 11, 24, 5, 31), run, s);
    CHECK(first.retry);
    CHECK(first.at == utc(2026, 11, 24, 5, 46));
    const auto last = after_stale_feed(utc(2026, 11, 24, 17, 15), run, s);
    CHECK(last.retry);  // 17:30 is exactly the limit
    const auto gone = after_stale_feed(utc(2026, 11, 24, 17, 20), run, s);
    CHECK_FALSE(gone.retry);
    CHECK(gone.reason.find("710 min after the scheduled run") != std::string::npos);
    // Never past the next day's run, whatever give_up_after says.
    s.give_up_after = hours(48);
    CHECK_FALSE(after_stale_feed(utc(2026, 11, 25, 5, 20), run, s).retry);
}

TEST_CASE("schedule: catch-up after two days down runs the last due day and records the others as missed") {
    // Last completed Monday; the daemon was down Tuesday and Wednesday and starts Thursday 05:00 EST.
    const auto plan = plan_catch_up(utc(2026, 11, 26, 10), ymd(2026, 11, 23), new_york());
    REQUIRE(plan.run_now);
    CHECK(plan.run_now->date == ymd(2026, 11, 26));
    CHECK(plan.missed == std::vector<paperboy::day>{ymd(2026, 11, 24), ymd(2026, 11, 25)});
    // Started on Saturday after Thursday's run: Friday is still in the feed, run it now.
    const auto weekend = plan_catch_up(utc(2026, 11, 28, 12), ymd(2026, 11, 26), new_york());
    REQUIRE(weekend.run_now);
    CHECK(weekend.run_now->date == ymd(2026, 11, 27));
    CHECK(weekend.missed.empty());
    // A fresh installation runs the last due day and reports nothing as missed.
    const auto fresh = plan_catch_up(utc(2026, 11, 26, 10), std::nullopt, new_york());
    REQUIRE(fresh.run_now);
    CHECK(fresh.missed.empty());
}

TEST_CASE("schedule: a weekend day says arXiv does not announce and names the Friday before it") {
    CHECK(weekend_notice(parse_iso_day("2025-07-26").value()) ==
          "arXiv does not announce on Saturdays: 2025-07-26 is a Saturday; the last announcement day was Friday 2025-07-25");
    CHECK(weekend_notice(parse_iso_day("2025-07-27").value())->ends_with("is a Sunday; the last announcement day was Friday 2025-07-25"));
    CHECK_FALSE(weekend_notice(parse_iso_day("2025-07-25").value()));
}
