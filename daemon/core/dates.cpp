#include "core/dates.hpp"

#include <cctype>

#include <date/tz.h>

#include <array>
#include <charconv>
#include <cstdio>

namespace paperboy {
namespace {

template <class Int>
bool parse_int(std::string_view s, Int& out) noexcept {
    if (s.empty()) return false;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && ptr == s.data() + s.size();
}

std::optional<day> make_day(int y, unsigned m, unsigned d) noexcept {
    const day result{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!result.ok()) return std::nullopt;
    return result;
}

}  // namespace

std::optional<day> parse_iso_day(std::string_view s) noexcept {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int y = 0;
    unsigned m = 0, d = 0;
    if (!parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), m) || !parse_int(s.substr(8, 2), d)) {
        return std::nullopt;
    }
    return make_day(y, m, d);
}

std::string format_iso_day(day d) {
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf.data();
}

day plus_days(day d, int n) { return day{std::chrono::sys_days{d} + std::chrono::days{n}}; }

std::optional<day> parse_rfc822_day(std::string_view s) noexcept {
    // "[Wkd, ]DD Mon YYYY ..."
    if (const auto comma = s.find(','); comma != std::string_view::npos) s.remove_prefix(comma + 1);
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    const auto sp1 = s.find(' ');
    if (sp1 == std::string_view::npos) return std::nullopt;
    const auto sp2 = s.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return std::nullopt;
    auto sp3 = s.find(' ', sp2 + 1);
    if (sp3 == std::string_view::npos) sp3 = s.size();
    unsigned d = 0;
    int y = 0;
    if (!parse_int(s.substr(0, sp1), d) || !parse_int(s.substr(sp2 + 1, sp3 - sp2 - 1), y)) return std::nullopt;
    static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto mon = s.substr(sp1 + 1, sp2 - sp1 - 1);
    for (unsigned i = 0; i < months.size(); ++i) {
        if (mon == months[i]) return make_day(y, i + 1, d);
    }
    return std::nullopt;
}

day today_in(std::string_view tz, std::chrono::system_clock::time_point now) {
    const auto* zone = date::locate_zone(tz);
    const auto local = zone->to_local(now);
    const auto local_days = date::floor<date::days>(local);
    return day{std::chrono::local_days{std::chrono::days{local_days.time_since_epoch().count()}}};
}

bool is_known_time_zone(std::string_view tz) noexcept {
    try {
        return date::locate_zone(tz) != nullptr;
    } catch (...) {
        return false;
    }
}

std::string format_clock_time(std::chrono::seconds since_midnight) {
    const auto t = static_cast<int>((since_midnight.count() % 86400 + 86400) % 86400);
    char out[16];
    if (t % 60) std::snprintf(out, sizeof out, "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    else std::snprintf(out, sizeof out, "%02d:%02d", t / 3600, t / 60 % 60);
    return out;
}

std::optional<std::chrono::seconds> parse_clock_time(std::string_view s) noexcept {
    const auto two = [&](std::size_t at, int max) -> std::optional<int> {
        if (at + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[at])) || !std::isdigit(static_cast<unsigned char>(s[at + 1]))) {
            return std::nullopt;
        }
        const int v = (s[at] - '0') * 10 + (s[at + 1] - '0');
        return v <= max ? std::optional<int>(v) : std::nullopt;
    };
    if (s.size() != 5 && s.size() != 8) return std::nullopt;
    const auto h = two(0, 23), m = two(3, 59);
    std::optional<int> sec = 0;
    if (s.size() == 8) sec = s[5] == ':' ? two(6, 59) : std::nullopt;
    if (!h || !m || !sec || s[2] != ':') return std::nullopt;
    return std::chrono::hours(*h) + std::chrono::minutes(*m) + std::chrono::seconds(*sec);
}

std::string format_utc(std::chrono::system_clock::time_point t) {
    return date::format("%Y-%m-%dT%H:%M:%SZ", date::floor<std::chrono::seconds>(t));
}

std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text) {
    if (text.size() != 20 || text[10] != 'T' || text[19] != 'Z') return std::nullopt;
    const auto d = parse_iso_day(text.substr(0, 10));
    const auto clock = parse_clock_time(text.substr(11, 8));
    if (!d || !clock) return std::nullopt;
    return std::chrono::sys_days{*d} + *clock;
}

std::int64_t unix_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_unix_ms(std::int64_t ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace paperboy
