// Serving the web archive read-only: mapping a request path to a file of a profile's site.
// Used by `paperboy serve` and by the daemon's HTTP server.
#pragma once

#include "net/http_server.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace paperboy {

/// The answer for `path` (as sent, percent-encoded, query removed):
/// - "/" lists the profiles; "/<profile>/" is that profile's index.html;
/// - "/<profile>/<name>" serves <output_dir>/<profile>/site/<name> for names made of letters,
///   digits, '-', '_' and one '.', ending in .html, .css or .xml;
/// - a malformed percent-encoding, a NUL, a backslash or a "." / ".." segment (also encoded)
///   is 400; any other path, an unknown profile or a missing file is 404.
/// Nothing outside the sites is ever read.
net::served serve_archive(const std::filesystem::path& output_dir, const std::vector<std::string>& profiles, const std::string& path);

}  // namespace paperboy
