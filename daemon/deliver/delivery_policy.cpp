#include "deliver/delivery_policy.hpp"

#include <algorithm>

namespace paperboy {
using std::chrono::milliseconds;

namespace {
std::string seconds_text(milliseconds d) {
    const auto s = d.count() / 1000;
    if (s >= 3600 && s % 3600 == 0) return std::to_string(s / 3600) + " h";
    if (s >= 60 && s % 60 == 0) return std::to_string(s / 60) + " min";
    if (s > 0) return std::to_string(s) + " s";
    return std::to_string(d.count()) + " ms";
}
}  // namespace

delivery_step next_delivery_step(pb_status status, int attempts, std::optional<milliseconds> retry_after, milliseconds age,
                                 const delivery_config& policy, double jitter) {
    if (status != PB_TRANSIENT && status != PB_TIMEOUT) return {false, milliseconds(0), "permanent failure: not retried"};
    if (attempts >= policy.max_attempts) {
        return {false, milliseconds(0), "gave up after " + std::to_string(attempts) + " attempts (delivery.max_attempts)"};
    }
    // Doubling stops once past the cap, so the shift cannot overflow.
    milliseconds delay = policy.retry_delay;
    for (int i = 1; i < attempts && delay < policy.max_delay; ++i) delay *= 2;
    delay = std::min(delay, policy.max_delay);
    delay = milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * (0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0))));
    // The service knows when it will take the message again (429, 503 with Retry-After).
    if (retry_after) delay = *retry_after;
    if (age + delay > policy.give_up_after) {
        return {false, milliseconds(0), "gave up: still failing " + seconds_text(age) + " after the digest was made (delivery.give_up_after_seconds is " +
                                            seconds_text(policy.give_up_after) + ")"};
    }
    return {true, delay, {}};
}

}  // namespace paperboy
