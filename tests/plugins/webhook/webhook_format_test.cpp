#include "webhook_format.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("webhook: a whsec_ secret signs by Standard Webhooks, matching the specification's own test vector") {
    // The vector the Standard Webhooks libraries test against (secret, id, timestamp, payload).
    const auto s = webhook::parse_settings(R"({"url": "https://example.org/in", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})");
    REQUIRE(s.standard_key.size() == 24);
    CHECK(webhook::standard_signature(s.standard_key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})") ==
          "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");

    const nlohmann::json digest{{"date", "2025-07-23"}, {"profile", "lab"}, {"channel", "hook"}};
    const auto body = webhook::body(digest);
    const auto h = webhook::headers(s, digest, 1753250000, body);
    CHECK(h["webhook-id"] == webhook::delivery_id(digest));
    CHECK(h["webhook-id"].get<std::string>().find('.') == std::string::npos);  // the spec: no "." in the signed id
    CHECK(h["webhook-timestamp"] == "1753250000");
    CHECK(h["webhook-signature"] == webhook::standard_signature(s.standard_key, webhook::delivery_id(digest), 1753250000, body));
    CHECK_FALSE(h.contains("X-Paperboy-Signature-256"));
    // Another delivery id (a resend) signs differently: the id is signed too.
    CHECK(webhook::standard_signature(s.standard_key, "paperboy-0000000000000000", 1753250000, body) != h["webhook-signature"]);
}

TEST_CASE("webhook: a whsec_ secret that is not base64 of 24 to 64 bytes is refused, naming the key and the way to make one") {
    for (const auto* bad : {"whsec_", "whsec_not*base64*at*all", "whsec_c2hvcnQ=", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS"}) {
        INFO(bad);
        try {
            (void)webhook::parse_settings(std::string(R"({"url": "https://example.org/in", "secret": ")") + bad + "\"}");
            FAIL("accepted");
        } catch (const std::invalid_argument& e) {
            CHECK(std::string(e.what()).find("secret: a whsec_ secret is base64 of 24 to 64 random bytes") == 0);
        }
    }
    // Any other secret keeps paperboy's own scheme.
    const auto plain = webhook::parse_settings(R"({"url": "https://example.org/in", "secret": "a-long-shared-secret"})");
    CHECK(plain.standard_key.empty());
    const auto h = webhook::headers(plain, nlohmann::json::object(), 1, "{}");
    CHECK(h.contains("X-Paperboy-Signature-256"));
    CHECK_FALSE(h.contains("webhook-signature"));
}
