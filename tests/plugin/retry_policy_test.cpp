#include "plugin/retry_policy.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using namespace std::chrono_literals;

TEST_CASE("retry policy: backoff doubles with jitter, honours retry-after, stops on permanent errors") {
    CHECK(plugin_retry_delay(PB_TRANSIENT, 1, std::nullopt, 4, 1000ms, 0.999) <= 1000ms);
    CHECK(plugin_retry_delay(PB_TRANSIENT, 1, std::nullopt, 4, 1000ms, 0.0) == 500ms);
    CHECK(plugin_retry_delay(PB_TIMEOUT, 3, std::nullopt, 4, 1000ms, 0.0) == 2000ms);
    CHECK(plugin_retry_delay(PB_TRANSIENT, 1, 5000ms, 4, 1000ms, 0.5) == 5000ms);
    CHECK_FALSE(plugin_retry_delay(PB_TRANSIENT, 4, std::nullopt, 4, 1000ms, 0.5));
    CHECK_FALSE(plugin_retry_delay(PB_PERMANENT, 1, std::nullopt, 4, 1000ms, 0.5));
    CHECK_FALSE(plugin_retry_delay(PB_INVALID_CONFIG, 1, std::nullopt, 4, 1000ms, 0.5));
}

TEST_CASE("retry policy: a plugin's retry_after_ms hint is read, anything else ignored") {
    CHECK(retry_after_hint(nlohmann::json::parse(R"({"retry_after_ms": 1500})")) == 1500ms);
    CHECK_FALSE(retry_after_hint(nlohmann::json::parse(R"({"messages_sent": 2})")));
    CHECK_FALSE(retry_after_hint(nlohmann::json::parse(R"({"retry_after_ms": "soon"})")));
    CHECK_FALSE(retry_after_hint(nlohmann::json::parse("not json", nullptr, false)));
}
