#include "site/archive_server.hpp"

#include "core/files.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>

namespace paperboy {
namespace {

bool safe_name(const std::string& n) {
    if (n.empty() || n.size() > 64 || std::count(n.begin(), n.end(), '.') != 1 || n.front() == '.') return false;
    return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; });
}

net::served not_found() { return {404, "text/plain; charset=utf-8", "not found\n"}; }


// Whether an If-None-Match list ("a", W/"b", or *) names `etag`.
bool matches(const std::string& if_none_match, const std::string& etag) {
    return if_none_match.find('*') != std::string::npos || if_none_match.find(etag) != std::string::npos;
}

}  // namespace

std::string http_date(std::int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
    return buf;
}

std::optional<std::int64_t> parse_http_date(const std::string& text) {
    static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char wday[4] = {}, mon[4] = {}, zone[4] = {};
    int d = 0, y = 0, h = 0, mi = 0, se = 0, used = 0;
    if (text.size() != 29 || std::sscanf(text.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d %3s%n", wday, &d, mon, &y, &h, &mi, &se, zone, &used) != 8 ||
        used != 29 || std::string_view(zone) != "GMT") {
        return std::nullopt;
    }
    const auto m = months.find(mon);
    if (m == std::string_view::npos || m % 3 != 0 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = static_cast<int>(m / 3);
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    return static_cast<std::int64_t>(::timegm(&tm));
}

net::served serve_archive(const std::filesystem::path& output_dir, const std::vector<std::string>& profiles, const std::string& raw,
                          const std::string& if_none_match, const std::string& if_modified_since) {
    const auto path = text::percent_decode(raw);
    if (!path || path->find('\0') != std::string::npos || path->find('\\') != std::string::npos) return {400, "text/plain; charset=utf-8", "bad request\n"};
    std::vector<std::string> segments;
    for (std::size_t pos = 1; pos <= path->size();) {
        auto end = path->find('/', pos);
        if (end == std::string::npos) end = path->size();
        segments.push_back(path->substr(pos, end - pos));
        pos = end + 1;
    }
    for (const auto& s : segments) {
        if (s == "." || s == "..") return {400, "text/plain; charset=utf-8", "bad request\n"};
    }
    if (*path == "/") {
        std::string body = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>paperboy</title></head><body><h1>paperboy</h1><ul>\n";
        for (const auto& p : profiles) body += "<li><a href=\"/" + p + "/\">" + p + "</a></li>\n";  // names are [A-Za-z0-9_-]
        return {200, "text/html; charset=utf-8", body + "</ul></body></html>\n"};
    }
    if (segments.size() != 2 || std::find(profiles.begin(), profiles.end(), segments[0]) == profiles.end()) return not_found();
    const auto name = segments[1].empty() ? std::string("index.html") : segments[1];
    if (!safe_name(name)) return not_found();
    const auto ext = name.substr(name.find('.'));
    const char* type = ext == ".html" ? "text/html; charset=utf-8" : ext == ".css" ? "text/css; charset=utf-8" : ext == ".xml" ? "application/atom+xml; charset=utf-8" : nullptr;
    if (!type) return not_found();
    const auto file = output_dir / segments[0] / "site" / name;
    auto content = read_file(file);
    if (!content) return not_found();
    net::served out{200, type, {}, "\"" + stable_hash(*content) + "\"", {}};
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(file, ec);
    std::int64_t modified = 0;
    if (!ec) {
        modified = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::file_clock::to_sys(mtime).time_since_epoch()).count();
        out.last_modified = http_date(modified);
    }
    const auto since = parse_http_date(if_modified_since);
    if ((!if_none_match.empty() && matches(if_none_match, out.etag)) || (if_none_match.empty() && since && !ec && *since >= modified)) {
        out.status = 304;
        return out;
    }
    out.body = std::move(*content);
    return out;
}

}  // namespace paperboy
