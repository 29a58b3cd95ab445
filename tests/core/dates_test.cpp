#include "core/dates.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using namespace std::chrono;

TEST_CASE("ISO days parse strictly and format back") {
    CHECK(format_iso_day(parse_iso_day("2025-07-23").value()) == "2025-07-23");
    CHECK_FALSE(parse_iso_day("2025-02-30"));
    CHECK_FALSE(parse_iso_day("2025-7-23"));
    CHECK_FALSE(parse_iso_day("2025-07-23x"));
    CHECK_FALSE(parse_iso_day("yesterday"));
}

TEST_CASE("arXiv's RFC 822 pubDate gives the announcement day as written") {
    CHECK(format_iso_day(parse_rfc822_day("Wed, 23 Jul 2025 00:00:00 -0400").value()) == "2025-07-23");
    CHECK(format_iso_day(parse_rfc822_day("Mon, 23 Nov 2026 00:00:00 -0500").value()) == "2026-11-23");
    CHECK(format_iso_day(parse_rfc822_day("3 Feb 2025 00:00:00 GMT").value()) == "2025-02-03");
    CHECK_FALSE(parse_rfc822_day("Wed, 23 Jly 2025 00:00:00 -0400"));
    CHECK_FALSE(parse_rfc822_day(""));
}

TEST_CASE("today is the civil date in the configured zone, across midnight UTC") {
    // 2025-07-24 03:30 UTC is still 2025-07-23 in New York (EDT, UTC-4).
    const auto t = sys_days{year{2025} / 7 / 24} + hours{3} + minutes{30};
    CHECK(format_iso_day(today_in("America/New_York", t)) == "2025-07-23");
    CHECK(format_iso_day(today_in("UTC", t)) == "2025-07-24");
    CHECK(is_known_time_zone("Europe/Berlin"));
    CHECK_FALSE(is_known_time_zone("Mars/Olympus"));
}

TEST_CASE("clock times read and write back, and days move across months") {
    CHECK(format_clock_time(*parse_clock_time("06:45")) == "06:45");
    CHECK(format_clock_time(*parse_clock_time("00:30:08")) == "00:30:08");
    CHECK(format_clock_time(std::chrono::hours(23) + std::chrono::minutes(59)) == "23:59");
    CHECK(format_iso_day(plus_days(*parse_iso_day("2025-03-01"), -1)) == "2025-02-28");
    CHECK(format_iso_day(plus_days(*parse_iso_day("2025-12-31"), 1)) == "2026-01-01");
}
