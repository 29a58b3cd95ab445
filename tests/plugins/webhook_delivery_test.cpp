#include "job/daily_run.hpp"

#include "support/chat_days.hpp"
#include "support/fake_http_server.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>

using namespace paperboy;
using nlohmann::json;
using test::recorded_request;
using test::scripted_response;
using test::temp_dir;

namespace {
constexpr const char* secret = "a-long-shared-secret-for-tests";

// What a receiver does: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret.
std::string expected_signature(const recorded_request& r) {
    const auto message = r.headers.at("x-paperboy-timestamp") + "." + r.body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret, 30, reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
    std::string hex = "sha256=";
    for (unsigned i = 0; i < len; ++i) {
        static constexpr char d[] = "0123456789abcdef";
        hex += d[mac[i] >> 4];
        hex += d[mac[i] & 15];
    }
    return hex;
}
}  // namespace

TEST_CASE("webhook: the day's digest arrives as one signed JSON POST, retried under the same delivery id") {
    int calls = 0;
    std::mutex m;
    test::fake_http_server receiver([&](const recorded_request&) {
        std::lock_guard lock(m);
        return ++calls == 1 ? scripted_response{503, "busy", {{"Retry-After", "0"}}} : scripted_response{204, "", {}};
    });
    temp_dir dir;
    const auto cfg = test::day_config(dir, {{"hook", {{"plugin", "webhook"}, {"url", receiver.url("/paperboy?token=t0ps3cret")}, {"secret", secret}}}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    REQUIRE(summary.profiles[0].deliveries.size() == 1);
    CHECK(summary.profiles[0].deliveries[0].delivered);
    const auto reqs = receiver.requests();
    REQUIRE(reqs.size() == 2);
    for (const auto& r : reqs) {
        CHECK(r.method == "POST");
        CHECK(r.headers.at("content-type") == "application/json");
        CHECK(r.headers.at("x-paperboy-signature-256") == expected_signature(r));
    }
    CHECK(reqs[0].headers.at("x-paperboy-delivery") == reqs[1].headers.at("x-paperboy-delivery"));
    const auto body = json::parse(reqs[1].body);
    CHECK(body["schema"] == 1);
    CHECK(body["event"] == "paperboy.digest");
    CHECK(body["date"] == "2025-07-08");
    CHECK(body["delivery_id"] == reqs[1].headers.at("x-paperboy-delivery"));
    std::vector<std::string> titles;
    int rank = 0;
    for (const auto& p : body["papers"]) titles.push_back(std::to_string(++rank) + ". " + p["title"].get<std::string>());
    CHECK(titles == test::expected_titles(summary));
    CHECK_FALSE(body.contains("resume_from"));

    // An altered body no longer matches its signature: what the receiver checks.
    auto forged = reqs[1];
    forged.body[forged.body.size() / 2] ^= 1;
    CHECK(forged.headers.at("x-paperboy-signature-256") != expected_signature(forged));
}

TEST_CASE("webhook: a refusal is permanent and reported without the URL's token") {
    test::fake_http_server receiver([](const recorded_request&) { return scripted_response{400, "unknown event", {}}; });
    temp_dir dir;
    const auto cfg = test::day_config(dir, {{"hook", {{"plugin", "webhook"}, {"url", receiver.url("/p?token=t0ps3cret")}}}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    const auto& f = summary.profiles[0].deliveries[0].failure;
    REQUIRE(f.has_value());
    CHECK_FALSE(f->transient());
    CHECK(f->detail.find("HTTP 400: unknown event") != std::string::npos);
    CHECK(f->detail.find("t0ps3cret") == std::string::npos);
    CHECK(receiver.requests().size() == 1);
    CHECK(receiver.requests()[0].headers.count("x-paperboy-signature-256") == 0);  // no secret, no signature
}
