#include "service/daemon_clock.hpp"

#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("PAPERBOY_FAKE_NOW: an instant shifts the daemon's clock, a malformed one is a usage error naming the format") {
    CHECK(format_utc(*parse_utc("2025-07-23T04:30:05Z")) == format_utc(std::chrono::sys_days{*parse_iso_day("2025-07-23")} + std::chrono::seconds(4 * 3600 + 30 * 60 + 5)));
    CHECK_FALSE(parse_utc("2025-07-23 04:30:05Z"));
    CHECK_FALSE(parse_utc("2025-07-23T04:30:05"));
    CHECK_FALSE(parse_utc("2025-02-30T04:30:05Z"));

    const auto shifted = daemon_clock::from_setting("2025-07-23T04:30:05Z");
    CHECK(shifted.fake());
    CHECK_FALSE(shifted.poll());  // it advances on its own: timers sleep their whole wait
    const auto gap = shifted.now() - *parse_utc("2025-07-23T04:30:05Z");
    CHECK(gap >= std::chrono::seconds(0));
    CHECK(gap < std::chrono::seconds(5));

    CHECK_FALSE(daemon_clock::from_setting("").fake());
    try {
        (void)daemon_clock::from_setting("tomorrow");
        FAIL("accepted");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::usage);
        CHECK(f.err().message().find("YYYY-MM-DDTHH:MM:SSZ or @file") != std::string::npos);
    }
}

TEST_CASE("PAPERBOY_FAKE_NOW=@file: the clock is the file's instant, read again at each look, and keeps the last good one") {
    test::temp_dir dir;
    const auto file = dir / "clock";
    try {
        (void)daemon_clock::from_setting("@" + file.string());
        FAIL("accepted a missing file");
    } catch (const failure& f) {
        CHECK(f.err().message().find(file.string()) != std::string::npos);
    }
    write_file_atomic(file, "2024-01-01T06:01:00Z\n").value();
    const auto c = daemon_clock::from_setting("@" + file.string());
    CHECK(c.fake());
    REQUIRE(c.poll());
    CHECK(format_utc(c.now()) == format_utc(*parse_utc("2024-01-01T06:01:00Z")));
    write_file_atomic(file, "2024-01-02T06:01:00Z").value();
    CHECK(format_utc(c.now()) == format_utc(*parse_utc("2024-01-02T06:01:00Z")));
    write_file_atomic(file, "2024-01-0").value();  // a writer caught halfway
    CHECK(format_utc(c.now()) == format_utc(*parse_utc("2024-01-02T06:01:00Z")));
}
