#include "deliver/delivery_policy.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using namespace std::chrono_literals;

namespace {
delivery_config policy() {
    delivery_config p;
    p.max_attempts = 6;
    p.retry_delay = 30s;
    p.max_delay = 5min;
    p.give_up_after = 1h;
    return p;
}
}  // namespace

TEST_CASE("delivery policy: transient failures back off exponentially with jitter, capped") {
    const auto p = policy();
    // jitter 0.999.. gives (almost) the full delay, 0 gives half of it.
    CHECK(next_delivery_step(PB_TRANSIENT, 1, std::nullopt, 0ms, p, 0.0).delay == 15s);
    CHECK(next_delivery_step(PB_TRANSIENT, 1, std::nullopt, 0ms, p, 1.0).delay == 30s);
    CHECK(next_delivery_step(PB_TRANSIENT, 2, std::nullopt, 0ms, p, 1.0).delay == 60s);
    CHECK(next_delivery_step(PB_TIMEOUT, 3, std::nullopt, 0ms, p, 1.0).delay == 120s);
    CHECK(next_delivery_step(PB_TRANSIENT, 4, std::nullopt, 0ms, p, 1.0).delay == 240s);
    CHECK(next_delivery_step(PB_TRANSIENT, 5, std::nullopt, 0ms, p, 1.0).delay == 300s);  // the cap
    const auto mid = next_delivery_step(PB_TRANSIENT, 2, std::nullopt, 0ms, p, 0.5);
    CHECK(mid.retry);
    CHECK(mid.delay == 45s);
}

TEST_CASE("delivery policy: a server's retry-after replaces the backoff") {
    const auto p = policy();
    CHECK(next_delivery_step(PB_TRANSIENT, 1, 90s, 0ms, p, 1.0).delay == 90s);
    CHECK(next_delivery_step(PB_TRANSIENT, 3, 1s, 0ms, p, 1.0).delay == 1s);
    // ... but not the give-up bound.
    CHECK_FALSE(next_delivery_step(PB_TRANSIENT, 1, 2h, 0ms, p, 1.0).retry);
}

TEST_CASE("delivery policy: permanent failures stop at once, attempts and age are bounded") {
    const auto p = policy();
    for (const auto s : {PB_PERMANENT, PB_INVALID_CONFIG, PB_INTERNAL}) {
        const auto step = next_delivery_step(s, 1, std::nullopt, 0ms, p, 0.5);
        CHECK_FALSE(step.retry);
        CHECK(step.reason == "permanent failure: not retried");
    }
    const auto spent = next_delivery_step(PB_TRANSIENT, 6, std::nullopt, 0ms, p, 0.5);
    CHECK_FALSE(spent.retry);
    CHECK(spent.reason == "gave up after 6 attempts (delivery.max_attempts)");
    // 58 minutes in, the next try (>= 2.5 min away) would come after give_up_after (1 h).
    const auto late = next_delivery_step(PB_TRANSIENT, 5, std::nullopt, 58min, p, 0.0);
    CHECK_FALSE(late.retry);
    CHECK(late.reason.find("give_up_after_seconds is 1 h") != std::string::npos);
    CHECK(next_delivery_step(PB_TRANSIENT, 5, std::nullopt, 50min, p, 0.0).retry);
}
