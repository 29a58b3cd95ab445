// Calendar dates as paperboy uses them: an announcement day is a civil date in US Eastern
// time, written YYYY-MM-DD everywhere (files, JSON, the CLI).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paperboy {

using day = std::chrono::year_month_day;

/// Parses "YYYY-MM-DD"; nullopt unless the text is exactly that and the date exists.
std::optional<day> parse_iso_day(std::string_view s) noexcept;

/// "YYYY-MM-DD".
std::string format_iso_day(day d);

/// `d` moved by `n` days (negative: back).
day plus_days(day d, int n);

/// The civil date written in an RFC 822 date such as "Wed, 23 Jul 2025 00:00:00 -0400",
/// taken as written (arXiv writes the announcement day at 00:00 US Eastern, so the written
/// date is the announcement date whatever the offset). nullopt when it does not parse.
std::optional<day> parse_rfc822_day(std::string_view s) noexcept;

/// The civil date of `now` in the IANA time zone `tz` (e.g. "America/New_York").
/// Throws std::runtime_error when the zone is unknown.
day today_in(std::string_view tz, std::chrono::system_clock::time_point now);

/// `t` in UTC as "YYYY-MM-DDTHH:MM:SSZ" (seconds truncated).
std::string format_utc(std::chrono::system_clock::time_point t);
/// format_utc's text ("YYYY-MM-DDTHH:MM:SSZ") back as an instant; nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text);

/// Milliseconds since the Unix epoch, and back: how the state stores instants.
std::int64_t unix_ms(std::chrono::system_clock::time_point t);
std::chrono::system_clock::time_point from_unix_ms(std::int64_t ms);

/// "HH:MM" or "HH:MM:SS" (24-hour clock) as the time since midnight; nullopt otherwise.
std::optional<std::chrono::seconds> parse_clock_time(std::string_view s) noexcept;

/// The other way: "HH:MM", or "HH:MM:SS" when there are seconds (taken modulo a day).
std::string format_clock_time(std::chrono::seconds since_midnight);

/// True when `tz` names a zone in the system's time zone database.
bool is_known_time_zone(std::string_view tz) noexcept;

}  // namespace paperboy
