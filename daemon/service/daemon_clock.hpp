// The daemon's clock: the system clock, or, for tests and benchmarks, a fake one named by
// PAPERBOY_FAKE_NOW:
// - "YYYY-MM-DDTHH:MM:SSZ": the clock starts at that instant and then advances normally;
// - "@/path/to/file": the clock is the instant the file holds (the same format), read again
//   at every look, so a test moves time by rewriting the file; timers look at it every
//   poll() (a jump ahead fires them at once, a jump back delays them).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string_view>

namespace paperboy {

class daemon_clock {
public:
    using time_point = std::chrono::system_clock::time_point;

    /// The system clock.
    daemon_clock() = default;
    /// From a PAPERBOY_FAKE_NOW value (empty: the system clock); errc::usage naming the
    /// expected format when it is malformed, or the file when it cannot be read.
    static daemon_clock from_setting(std::string_view value);

    time_point now() const;
    /// now() minus the system clock: what turns the ledger's real times into the daemon's.
    std::chrono::system_clock::duration offset() const;
    /// How long a timer may sleep before it looks at the clock again (file clock only).
    std::optional<std::chrono::milliseconds> poll() const;
    bool fake() const noexcept { return offset_.count() != 0 || file_.has_value(); }

private:
    std::chrono::system_clock::duration offset_{0};
    std::optional<std::filesystem::path> file_;
    mutable time_point last_read_{};  // the file's last good instant (a torn write keeps it)
};

}  // namespace paperboy
