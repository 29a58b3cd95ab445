#include "core/files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace paperboy {
namespace fs = std::filesystem;
namespace {

error io_error(const fs::path& path, std::string_view what, int err) {
    return make_error(errc::io, std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

// Closes a descriptor on every path out of write_file_atomic.
struct fd_guard {
    int fd = -1;
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

result<std::string> read_file(const fs::path& path, std::size_t max_bytes) {
    fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) return io_error(path, "cannot open", errno);
    std::string content;
    char buf[65536];
    while (true) {
        const auto n = ::read(f.fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error(path, "cannot read", errno);
        }
        if (n == 0) break;
        content.append(buf, static_cast<std::size_t>(n));
        if (content.size() > max_bytes) {
            return make_error(errc::io, path.string() + " is larger than " + std::to_string(max_bytes) + " bytes, the most paperboy reads from it");
        }
    }
    return content;
}

result<void> write_file_atomic(const fs::path& path, std::string_view content) {
    const auto dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return make_error(errc::io, "cannot create folder " + dir.string() + ": " + ec.message());

    auto tmp = dir / ("." + path.filename().string() + ".tmp-XXXXXX");
    std::string tmpl = tmp.string();
    fd_guard f{::mkstemp(tmpl.data())};
    if (f.fd < 0) return io_error(tmpl, "cannot create", errno);
    tmp = tmpl;
    auto fail = [&](std::string_view what) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return io_error(path, what, err);
    };
    for (std::size_t done = 0; done < content.size();) {
        const auto n = ::write(f.fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("cannot write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(f.fd, 0644) != 0 || ::fsync(f.fd) != 0) return fail("cannot flush");
    if (::close(f.fd) != 0) {
        f.fd = -1;
        return fail("cannot close");
    }
    f.fd = -1;
    if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot replace");
    fd_guard d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (d.fd >= 0) ::fsync(d.fd);
    return {};
}

}  // namespace paperboy
