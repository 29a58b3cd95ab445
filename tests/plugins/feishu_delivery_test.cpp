#include "job/daily_run.hpp"

#include "support/chat_days.hpp"
#include "support/fake_http_server.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>
#include <regex>

using namespace paperboy;
using nlohmann::json;
using test::recorded_request;
using test::scripted_response;
using test::temp_dir;

namespace {
constexpr const char* secret = "feishu-bot-secret";

// A Feishu custom bot as its documentation describes it: the hook's token in the path, the
// signature checked (base64 HMAC-SHA256 keyed by "timestamp\nsecret" over nothing), bodies
// over 20 KB refused, {"code": 0} on success.
struct fake_feishu {
    std::mutex m;
    std::vector<json> cards;
    test::fake_http_server server{[this](const recorded_request& r) { return answer(r); }};

    static std::string expected_sign(const std::string& timestamp) {
        const auto key = timestamp + "\n" + secret;
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), nullptr, 0, mac, &len);
        std::string out(64, '\0');
        out.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len))));
        return out;
    }

    scripted_response answer(const recorded_request& r) {
        const auto fail = [](long code, const std::string& msg) { return scripted_response{200, json{{"code", code}, {"msg", msg}, {"data", json::object()}}.dump(), {}}; };
        if (r.target != "/open-apis/bot/v2/hook/hook-token") return fail(19001, "param invalid: incoming webhook access token invalid");
        if (r.body.size() > 20 * 1024) return fail(9499, "Bad Request: body too large");
        const auto body = json::parse(r.body, nullptr, false);
        if (!body.is_object() || body.value("sign", "") != expected_sign(body.value("timestamp", ""))) return fail(19021, "sign match fail or timestamp is not within one hour from current time");
        if (body.value("msg_type", "") != "interactive" || !body.contains("card")) return fail(9499, "Bad Request");
        std::lock_guard lock(m);
        cards.push_back(body["card"]);
        return {200, R"({"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"})", {}};
    }

    std::vector<std::string> titles() {
        std::lock_guard lock(m);
        std::vector<std::string> out;
        static const std::regex first_line(R"(^(\d+\. [^\n]*))");
        for (const auto& c : cards) {
            for (const auto& e : c["elements"]) {
                if (!e.contains("text") || e["text"]["tag"] != "plain_text") continue;
                const std::string t = e["text"]["content"];
                std::smatch mm;
                if (std::regex_search(t, mm, first_line)) out.push_back(mm[1]);
            }
        }
        return out;
    }

    // Every lark_md (parsed by Feishu) holds only paperboy's own links, and nothing that mentions.
    bool markdown_is_ours() {
        std::lock_guard lock(m);
        static const std::regex ours(R"(^\[arXiv\]\(https://arxiv\.org/abs/[0-9.]+\) · \[PDF\]\(https://arxiv\.org/pdf/[0-9.]+\)$)");
        for (const auto& c : cards) {
            for (const auto& e : c["elements"]) {
                if (e.contains("text") && e["text"]["tag"] == "lark_md" && !std::regex_match(e["text"]["content"].get<std::string>(), ours)) return false;
            }
        }
        return true;
    }
};

json feishu_channel(const fake_feishu& f, const std::string& key = secret) {
    return {{"plugin", "feishu"}, {"webhook_url", f.server.url("/open-apis/bot/v2/hook/hook-token")}, {"secret", key}};
}
}  // namespace

TEST_CASE("feishu: the 48-paper day arrives complete and in order in signed cards under 20 KB, paper text never parsed") {
    fake_feishu f;
    temp_dir dir;
    const auto cfg = test::day_config(dir, {{"lab-feishu", feishu_channel(f)}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    REQUIRE(summary.profiles[0].deliveries.size() == 1);
    CHECK(summary.profiles[0].deliveries[0].delivered);
    CHECK(f.titles() == test::expected_titles(summary));
    CHECK(f.cards.size() >= 3);
    CHECK(f.markdown_is_ours());
}

TEST_CASE("feishu: hostile text stays plain text, and a wrong secret is a permanent failure naming the fix") {
    fake_feishu f;
    temp_dir dir;
    const auto summary = test::run_hostile_day(dir, {{"f", feishu_channel(f)}});
    REQUIRE(summary.profiles[0].deliveries[0].delivered);
    CHECK(f.titles().size() == 4);
    CHECK(f.markdown_is_ours());

    temp_dir other;
    const auto refused = run_day(test::day_config(other, {{"f", feishu_channel(f, "not-the-secret")}}), {.date = parse_iso_day("2025-07-08")});
    const auto& failure = refused.profiles[0].deliveries[0].failure;
    REQUIRE(failure.has_value());
    CHECK_FALSE(failure->transient());
    CHECK(failure->detail.find("code 19021") != std::string::npos);
    CHECK(failure->detail.find("does not match") != std::string::npos);
    CHECK(failure->detail.find("hook-token") == std::string::npos);
}
