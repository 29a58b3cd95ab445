#include "site/archive_server.hpp"

#include "core/files.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <optional>

namespace paperboy {
namespace {

bool safe_name(const std::string& n) {
    if (n.empty() || n.size() > 64 || std::count(n.begin(), n.end(), '.') != 1 || n.front() == '.') return false;
    return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; });
}

net::served not_found() { return {404, "text/plain; charset=utf-8", "not found\n"}; }

}  // namespace

net::served serve_archive(const std::filesystem::path& output_dir, const std::vector<std::string>& profiles, const std::string& raw) {
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
    auto content = read_file(output_dir / segments[0] / "site" / name);
    if (!content) return not_found();
    return {200, type, std::move(*content)};
}

}  // namespace paperboy
