// How the host retries a plugin call (LLM scoring, channel delivery). Pure.
#pragma once

#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

namespace paperboy {

/// The delay before the next try after failed attempt `attempt` (1-based), or nullopt to stop
/// (a status retrying cannot fix, or attempts used up). Exponential from `base`, scaled by
/// `jitter` in [0, 1) to between 50% and 100% so that parallel workers do not retry in
/// lockstep; a server's retry-after wins when longer.
std::optional<std::chrono::milliseconds> plugin_retry_delay(pb_status status, int attempt,
                                                            std::optional<std::chrono::milliseconds> retry_after,
                                                            int max_attempts, std::chrono::milliseconds base, double jitter);

/// The "retry_after_ms" hint a plugin wrote with a failure (plugin.h), if any. `hints` is the
/// parsed failure output; anything that is not an object with a number there gives nullopt.
std::optional<std::chrono::milliseconds> retry_after_hint(const nlohmann::json& hints);

}  // namespace paperboy
