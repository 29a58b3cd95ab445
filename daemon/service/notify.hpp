// systemd's notify protocol (sd_notify(3)): READY=1, STATUS=..., WATCHDOG=1, STOPPING=1.
// The protocol is one datagram to $NOTIFY_SOCKET; implemented here rather than linking
// libsystemd for it.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace paperboy {

/// Sends `message` to $NOTIFY_SOCKET; does nothing when it is unset (not under systemd).
/// Returns false when the socket is set but the message could not be sent.
bool notify_systemd(std::string_view message);

/// Half of $WATCHDOG_USEC when the watchdog is on for this process ($WATCHDOG_PID unset or
/// ours): how often to send WATCHDOG=1.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace paperboy
