#include "service/daemon_clock.hpp"

#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"

namespace paperboy {

daemon_clock daemon_clock::from_setting(std::string_view value) {
    daemon_clock c;
    if (value.empty()) return c;
    if (value.front() == '@') {
        c.file_ = std::filesystem::path(value.substr(1));
        const auto text = read_file(*c.file_);
        const auto at = text ? parse_utc(text::trim(*text)) : std::nullopt;
        if (!at) {
            throw failure(make_error(errc::usage, "PAPERBOY_FAKE_NOW: " + c.file_->string() + " must hold an instant as YYYY-MM-DDTHH:MM:SSZ"));
        }
        c.last_read_ = *at;
        return c;
    }
    const auto at = parse_utc(value);
    if (!at) {
        throw failure(make_error(errc::usage, "PAPERBOY_FAKE_NOW: expected YYYY-MM-DDTHH:MM:SSZ or @file, got '" + std::string(value) + "'"));
    }
    c.offset_ = *at - std::chrono::system_clock::now();
    return c;
}

daemon_clock::time_point daemon_clock::now() const {
    if (!file_) return std::chrono::system_clock::now() + offset_;
    // Read each time: the file is a test's, and a test moves time by rewriting it.
    if (const auto text = read_file(*file_)) {
        if (const auto at = parse_utc(text::trim(*text))) last_read_ = *at;
    }
    return last_read_;
}

std::chrono::system_clock::duration daemon_clock::offset() const { return now() - std::chrono::system_clock::now(); }

std::optional<std::chrono::milliseconds> daemon_clock::poll() const {
    if (!file_) return std::nullopt;
    return std::chrono::milliseconds(100);
}

}  // namespace paperboy
