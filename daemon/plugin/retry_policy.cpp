#include "plugin/retry_policy.hpp"

#include "paperboy/plugin_sdk.hpp"

#include <algorithm>

namespace paperboy {
using std::chrono::milliseconds;

std::optional<milliseconds> plugin_retry_delay(pb_status status, int attempt, std::optional<milliseconds> retry_after,
                                               int max_attempts, milliseconds base, double jitter) {
    if ((status != PB_TRANSIENT && status != PB_TIMEOUT) || attempt >= max_attempts) return std::nullopt;
    auto delay = base * (1LL << std::min(attempt - 1, 16));
    delay = std::min<milliseconds>(delay, std::chrono::minutes(5));
    delay = milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * (0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0))));
    if (retry_after && *retry_after > delay) delay = *retry_after;
    return delay;
}

std::optional<milliseconds> retry_after_hint(const nlohmann::json& hints) {
    if (!hints.is_object() || !hints.contains("retry_after_ms") || !hints["retry_after_ms"].is_number()) return std::nullopt;
    const auto ms = sdk::clamp_ms(hints["retry_after_ms"].get<double>());
    if (!ms) return std::nullopt;
    return milliseconds(*ms);
}

}  // namespace paperboy
