// When a failed delivery is tried again, as a pure function of what happened.
#pragma once

#include "config/config.hpp"
#include "paperboy/plugin.h"

#include <chrono>
#include <optional>
#include <string>

namespace paperboy {

struct delivery_step {
    bool retry = false;
    std::chrono::milliseconds delay{0};  // with retry: wait this long before the next attempt
    std::string reason;                  // without retry: why the ledger gives up
};

/// After failed attempt number `attempts` (1-based) with plugin status `status`:
/// - PB_PERMANENT, PB_INVALID_CONFIG and PB_INTERNAL stop at once (retrying cannot help);
/// - otherwise the delay is retry_delay * 2^(attempts-1), capped at max_delay, scaled by
///   `jitter` in [0, 1) to between 50% and 100% of that; a server's retry-after hint (429,
///   Retry-After) replaces it, since the service knows when it will accept the message;
/// - the ledger gives up when `attempts` reaches max_attempts, or when the next attempt would
///   come later than give_up_after after the digest was made (`age` is the time since then).
delivery_step next_delivery_step(pb_status status, int attempts, std::optional<std::chrono::milliseconds> retry_after,
                                 std::chrono::milliseconds age, const delivery_config& policy, double jitter);

}  // namespace paperboy
