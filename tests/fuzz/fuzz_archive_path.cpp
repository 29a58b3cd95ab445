// Request paths against the archive server: only the files of the site, never anything else.
#include "site/archive_server.hpp"

#include "core/files.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace {
std::filesystem::path make_site() {
    const auto root = std::filesystem::temp_directory_path() / ("paperboy-fuzz-archive-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "lab/site");
    (void)paperboy::write_file_atomic(root / "lab/site/index.html", "INDEX");
    (void)paperboy::write_file_atomic(root / "lab/site/2025-07-23.html", "DAY");
    (void)paperboy::write_file_atomic(root / "lab/secret.json", "SECRET");
    (void)paperboy::write_file_atomic(root / "secret.db", "SECRET");
    return root;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto root = make_site();
    const std::string path(reinterpret_cast<const char*>(data), size);
    // The same bytes as the path and as the client's cache headers.
    const auto r = paperboy::serve_archive(root, {"lab"}, path, path, path);
    if (r.status != 200 && r.status != 304 && r.status != 400 && r.status != 404) std::abort();
    if (r.status == 304 && !r.body.empty()) std::abort();
    if (const auto t = paperboy::parse_http_date(path); t && paperboy::http_date(*t).size() != 29) std::abort();
    if (r.body.find("SECRET") != std::string::npos) std::abort();  // a file outside the site was read
    return 0;
}
