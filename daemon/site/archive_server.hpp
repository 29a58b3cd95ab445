// Serving the web archive read-only: mapping a request path to a file of a profile's site.
// Used by `paperboy serve` and by the daemon's HTTP server.
#pragma once

#include "net/http_server.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace paperboy {

/// The answer for `path` (as sent, percent-encoded, query removed):
/// - "/" lists the profiles; "/<profile>/" is that profile's index.html;
/// - "/<profile>/<name>" serves <output_dir>/<profile>/site/<name> for names made of letters,
///   digits, '-', '_' and one '.', ending in .html, .css or .xml;
/// - a malformed percent-encoding, a NUL, a backslash or a "." / ".." segment (also encoded)
///   is 400; any other path, an unknown profile or a missing file is 404.
/// Nothing outside the sites is ever read. A served file carries an ETag (a hash of its bytes)
/// and Last-Modified (its mtime); a request whose If-None-Match names that ETag, or (without
/// If-None-Match) whose If-Modified-Since is not older than the file, gets 304 and no body.
net::served serve_archive(const std::filesystem::path& output_dir, const std::vector<std::string>& profiles, const std::string& path,
                          const std::string& if_none_match = {}, const std::string& if_modified_since = {});

/// "Tue, 01 Dec 2026 15:04:05 GMT" (RFC 9110 IMF-fixdate), and back (nullopt if malformed).
std::string http_date(std::int64_t unix_seconds);
std::optional<std::int64_t> parse_http_date(const std::string& text);

}  // namespace paperboy
