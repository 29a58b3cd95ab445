#include "job/daily_run.hpp"

#include "support/chat_days.hpp"
#include "support/fake_http_server.hpp"

#include <catch2/catch.hpp>

#include <mutex>

using namespace paperboy;
using nlohmann::json;
using test::recorded_request;
using test::scripted_response;
using test::temp_dir;

namespace {
constexpr const char* trigger = "/workflows/wf-1/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=flow-sig";

// A Teams Workflows trigger ("Post to a channel when a webhook request is received") as its
// documentation describes it: the sig parameter checked (401 without it), bodies over 28 KB
// refused (413), a message with one Adaptive Card attachment required (400), 202 Accepted.
// It can throttle the first request (429 with Retry-After), as Power Automate does.
struct fake_teams {
    std::mutex m;
    std::vector<json> cards;
    int requests = 0;
    bool throttle_first = false;
    test::fake_http_server server{[this](const recorded_request& r) { return answer(r); }};

    static scripted_response error(unsigned status, const std::string& code, const std::string& message) {
        return {status, json{{"error", {{"code", code}, {"message", message}}}}.dump(), {{"Content-Type", "application/json"}}};
    }

    scripted_response answer(const recorded_request& r) {
        std::lock_guard lock(m);
        if (throttle_first && ++requests == 1) return {429, R"({"error":{"code":"TooManyRequests","message":"Rate limit is exceeded."}})", {{"Retry-After", "1"}}};
        if (r.target != trigger) return error(401, "DirectApiAuthorizationRequired", "The request must be authenticated only by Shared Access scheme.");
        if (r.body.size() > 28 * 1024) return error(413, "MessageTooLarge", "The message is too large.");
        const auto body = json::parse(r.body, nullptr, false);
        if (!body.is_object() || body.value("type", "") != "message" || !body.contains("attachments") || body["attachments"].size() != 1 ||
            body["attachments"][0].value("contentType", "") != "application/vnd.microsoft.card.adaptive") {
            return error(400, "TriggerInputSchemaMismatch", "The input body for trigger 'manual' of type 'Request' did not match its schema definition.");
        }
        cards.push_back(body["attachments"][0]["content"]);
        return {202, "", {}};
    }

    // The first line of each paper's container: "rank. title".
    std::vector<std::string> titles() {
        std::lock_guard lock(m);
        std::vector<std::string> out;
        for (const auto& c : cards) {
            for (const auto& e : c["body"]) {
                if (e["type"] == "Container") out.push_back(e["items"][0]["inlines"][0]["text"]);
            }
        }
        return out;
    }

    // Text only in TextRuns (Teams renders Markdown in TextBlocks, never in TextRuns), no
    // mention entities, and every link one paperboy built.
    bool text_is_inert() {
        std::lock_guard lock(m);
        for (const auto& c : cards) {
            if (c.contains("msteams") && c["msteams"].contains("entities")) return false;
            for (const auto& block : c["body"]) {
                const auto items = block["type"] == "Container" ? block["items"] : json::array({block});
                for (const auto& e : items) {
                    if (e["type"] == "ActionSet") {
                        for (const auto& a : e["actions"]) {
                            if (!a["url"].get<std::string>().starts_with("https://arxiv.org/")) return false;
                        }
                    } else if (e["type"] != "RichTextBlock" || e["inlines"].size() != 1 || e["inlines"][0]["type"] != "TextRun" ||
                               e["inlines"][0].contains("selectAction")) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    bool any_text_contains(const std::string& needle) {
        std::lock_guard lock(m);
        for (const auto& c : cards) {
            if (c.dump().find(needle) != std::string::npos) return true;
        }
        return false;
    }
};

json teams_channel(const fake_teams& f, const std::string& path = trigger) { return {{"plugin", "teams"}, {"webhook_url", f.server.url(path)}}; }
}  // namespace

TEST_CASE("teams: the 48-paper day arrives complete and in order in Adaptive Cards under 28 KB, after a throttled first post") {
    fake_teams f;
    f.throttle_first = true;
    temp_dir dir;
    const auto cfg = test::day_config(dir, {{"lab-teams", teams_channel(f)}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    REQUIRE(summary.profiles[0].deliveries.size() == 1);
    CHECK(summary.profiles[0].deliveries[0].delivered);
    CHECK(f.titles() == test::expected_titles(summary));
    CHECK(f.cards.size() >= 3);
    CHECK(f.text_is_inert());
}

TEST_CASE("teams: hostile text stays in TextRuns and mentions no one, and a wrong address is a permanent failure naming the fix, never the sig") {
    fake_teams f;
    temp_dir dir;
    const auto summary = test::run_hostile_day(dir, {{"t", teams_channel(f)}});
    REQUIRE(summary.profiles[0].deliveries[0].delivered);
    CHECK(f.titles().size() == 4);
    CHECK(f.text_is_inert());
    CHECK(f.any_text_contains("<script>"));  // shown as the text it is, in a TextRun

    temp_dir other;
    const auto refused = run_day(test::day_config(other, {{"t", teams_channel(f, "/workflows/wf-1/triggers/manual/paths/invoke?sig=old-sig")}}),
                                 {.date = parse_iso_day("2025-07-08")});
    const auto& failure = refused.profiles[0].deliveries[0].failure;
    REQUIRE(failure.has_value());
    CHECK_FALSE(failure->transient());
    CHECK(failure->detail.find("HTTP 401") != std::string::npos);
    CHECK(failure->detail.find("check webhook_url") != std::string::npos);
    CHECK(failure->detail.find("old-sig") == std::string::npos);
}

TEST_CASE("teams: an address that is not a Workflows trigger is refused when the config is loaded") {
    fake_teams f;
    temp_dir dir;
    const json channel{{"plugin", "teams"}, {"webhook_url", "https://outlook.office.com/webhook/retired-connector"}};
    const auto summary = run_day(test::day_config(dir, {{"t", channel}}), {.date = parse_iso_day("2025-07-08")});
    const auto& failure = summary.profiles[0].deliveries.at(0).failure;
    REQUIRE(failure.has_value());
    CHECK(failure->detail.find("webhook_url: expected a Workflows trigger address") != std::string::npos);
}
