#include "plugin/retry_policy.hpp"

#include "paperboy/plugin_sdk.hpp"

#include <limits>

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

TEST_CASE("hostile retry hints and timeouts are clamped in one place, never undefined") {
    using namespace paperboy::sdk;
    CHECK(seconds_text_to_ms("2") == 2000);
    CHECK(seconds_text_to_ms(" 1.5 ") == 1500);
    CHECK(seconds_text_to_ms("6e95") == 86'400'000);    // a huge wait is capped, not a negative one
    CHECK(seconds_text_to_ms("1e400") == 86'400'000);   // out of double's range
    CHECK_FALSE(seconds_text_to_ms("-1"));
    CHECK_FALSE(seconds_text_to_ms("-1e400"));
    CHECK_FALSE(seconds_text_to_ms("inf"));
    CHECK_FALSE(seconds_text_to_ms("nan"));
    CHECK_FALSE(seconds_text_to_ms("Wed, 21 Oct 2015 07:28:00 GMT"));
    CHECK_FALSE(seconds_text_to_ms("2s"));
    CHECK_FALSE(seconds_text_to_ms(""));
    CHECK(clamp_ms(std::numeric_limits<double>::infinity()) == 86'400'000);
    CHECK_FALSE(clamp_ms(std::numeric_limits<double>::quiet_NaN()));
    CHECK_FALSE(clamp_ms(-0.5));
    CHECK(timeout_setting_ms(30) == 30'000u);
    CHECK_FALSE(timeout_setting_ms(1e300));
    CHECK_FALSE(timeout_setting_ms(0));
    CHECK_FALSE(timeout_setting_ms(-5));

    CHECK(retry_after_hint(nlohmann::json::parse(R"({"retry_after_ms": 6e95})")) == std::chrono::milliseconds(86'400'000));
    CHECK_FALSE(retry_after_hint(nlohmann::json::parse(R"({"retry_after_ms": -3})")));
}
