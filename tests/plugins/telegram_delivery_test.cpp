#include "job/daily_run.hpp"

#include "support/chat_days.hpp"
#include "support/fake_telegram.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using nlohmann::json;
using test::fake_telegram;
using test::scripted_response;
using test::temp_dir;

namespace {
json telegram_channel(const fake_telegram& tg, const std::string& chat = "-1001234567890") {
    return {{"plugin", "telegram"}, {"bot_token", fake_telegram::token}, {"chat_id", chat}, {"api_base", tg.api_base()}, {"seconds_between_messages", 0}};
}
}  // namespace

TEST_CASE("telegram: the 48-paper day arrives complete and in order, in messages Telegram accepts") {
    fake_telegram tg;
    temp_dir dir;
    const auto cfg = test::day_config(dir, {{"lab-telegram", telegram_channel(tg)}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    const auto& d = summary.profiles[0].deliveries;
    REQUIRE(d.size() == 1);
    CHECK(d[0].delivered);
    const auto expected = test::expected_titles(summary);
    REQUIRE(expected.size() == 48);
    CHECK(tg.titles() == expected);
    CHECK(tg.accepted().size() >= 5);  // 4,096 characters a message
    CHECK(json::parse(d[0].receipt)["receipts"].size() == tg.accepted().size());
    CHECK(tg.detected_entities().empty());

    const auto again = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    CHECK(again.profiles[0].deliveries[0].skipped);
    CHECK(tg.titles().size() == 48);  // nothing posted twice
}

TEST_CASE("telegram: a flood wait is honoured and the digest resumes where it stopped, posting nothing twice") {
    fake_telegram tg;
    tg.script = [](int index, const json&) -> std::optional<scripted_response> {
        if (index == 2) {
            return scripted_response{429, R"({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}})", {}};
        }
        return std::nullopt;
    };
    temp_dir dir;
    const auto cfg = test::day_config(dir, {{"lab-telegram", telegram_channel(tg, "@paperboy_lab")}});
    const auto start = std::chrono::steady_clock::now();
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    CHECK(summary.profiles[0].deliveries[0].delivered);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::seconds(1));  // waited as asked
    CHECK(tg.titles() == test::expected_titles(summary));
    CHECK(tg.requests().size() == tg.accepted().size() + 1);  // the refused one, sent once more
}

TEST_CASE("telegram: hostile text cannot mention, tag, link or format, and a wrong token is a permanent failure") {
    fake_telegram tg;
    temp_dir dir;
    const auto summary = test::run_hostile_day(dir, {{"t", telegram_channel(tg)}});
    REQUIRE(summary.profiles[0].deliveries[0].delivered);
    CHECK(tg.titles().size() == 4);  // every link intact
    CHECK(tg.detected_entities().empty());
    const auto text = tg.accepted().at(0)["text"].get<std::string>();
    CHECK(text.find("&lt;script&gt;") != std::string::npos);
    CHECK(text.find("<script") == std::string::npos);

    temp_dir other;
    auto bad = telegram_channel(tg);
    bad["bot_token"] = "987654321:AAHsomeOtherTokenThatTheFakeDoesNotKnow";
    const auto refused = run_day(test::day_config(other, {{"t", bad}}), {.date = parse_iso_day("2025-07-08")});
    const auto& f = refused.profiles[0].deliveries[0].failure;
    REQUIRE(f.has_value());
    CHECK_FALSE(f->transient());
    CHECK(f->detail.find("Unauthorized") != std::string::npos);
    CHECK(f->detail.find("AAHsomeOther") == std::string::npos);  // the token never reaches a log
}
