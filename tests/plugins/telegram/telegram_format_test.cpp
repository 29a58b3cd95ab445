#include "telegram_format.hpp"

#include "support/fake_telegram.hpp"

#include <catch2/catch.hpp>

using namespace paperboy::telegram;
using nlohmann::json;

namespace {
const std::string good_settings = R"({"bot_token": "123456789:AAHfakeTokenForTestsOnly_abcdefghij", "chat_id": "-1001234567890"})";

json digest_with(int n, std::size_t abstract_len, const std::string& title = std::string(300, 'T')) {
    json papers = json::array();
    for (int i = 1; i <= n; ++i) {
        papers.push_back({{"rank", i}, {"id", "2507." + std::to_string(10000 + i)}, {"title", title}, {"authors", {"A B", "C D"}},
                          {"abstract", std::string(abstract_len, 'a')}, {"comment", "c"}, {"relevance", 9}, {"novelty", 8}, {"author_match", false}});
    }
    return {{"schema", 1}, {"date", "2025-07-08"}, {"profile", "lab"}, {"model", "m"}, {"stats", {{"scanned", 10}}}, {"papers", papers}};
}

std::string shown(const json& message) {
    std::string err;
    const auto text = paperboy::test::telegram_parse_html(message["text"].get<std::string>(), err);
    INFO(err);
    REQUIRE(text);
    return *text;
}
}  // namespace

TEST_CASE("telegram: messages stay within 4,096 characters as Telegram counts them, every paper whole and in order") {
    auto s = parse_settings(R"({"bot_token": "123456789:AAHfakeTokenForTestsOnly_abcdefghij", "chat_id": "@paperboy_lab", "abstract_chars": 2500})");
    // Emoji count twice in UTF-16, and '&' is one character shown but five sent.
    const auto messages = build_messages(digest_with(30, 5000, std::string(100, 'T') + "\xF0\x9F\x98\x80 & <b>"), s);
    CHECK(messages.size() >= 20);
    std::size_t papers = 0;
    for (const auto& m : messages) {
        CHECK(visible_length(m["text"].get<std::string>()) <= max_text);
        CHECK(m["parse_mode"] == "HTML");
        CHECK(m["link_preview_options"]["is_disabled"] == true);
        CHECK(m["chat_id"] == "@paperboy_lab");
        const auto text = shown(m);
        for (std::size_t at = text.find(". TTT"); at != std::string::npos; at = text.find(". TTT", at + 1)) ++papers;
    }
    CHECK(papers == 30);
    CHECK(messages[0]["text"].get<std::string>().starts_with("<b>paperboy</b> \xC2\xB7 2025-07-08 \xC2\xB7 30 papers for lab"));
}

TEST_CASE("telegram: paper text cannot add markup, mentions, hashtags, commands or links") {
    auto d = digest_with(1, 10, "<a href=\"https://evil.example\">x</a> @everyone #promo /start see evil.com or https://evil.example/x");
    d["papers"][0]["abstract"] = "</blockquote><b>bold & more</b> mail me@evil.org";
    const auto messages = build_messages(d, parse_settings(good_settings));
    REQUIRE(messages.size() == 1);
    const auto html = messages[0]["text"].get<std::string>();
    CHECK(html.find("<a href=\"https://evil") == std::string::npos);
    CHECK(html.find("&lt;a href=&quot;https:") != std::string::npos);
    const auto text = shown(messages[0]);
    CHECK(text.find("@everyone") == std::string::npos);
    CHECK(text.find("@\xE2\x80\x8B" "everyone") != std::string::npos);
    CHECK(text.find("#promo") == std::string::npos);
    CHECK(text.find(" /start") == std::string::npos);
    CHECK(text.find("evil.com") == std::string::npos);
    CHECK(text.find("://") == std::string::npos);
    CHECK(text.find("<b>bold & more<") != std::string::npos);  // shown as text, not as markup
}

TEST_CASE("telegram: settings name the key and the fix") {
    CHECK_THROWS_WITH(parse_settings(R"({"chat_id": "1"})"), Catch::Contains("bot_token: required"));
    CHECK_THROWS_WITH(parse_settings(R"({"bot_token": "x/../y", "chat_id": "1"})"), Catch::Contains("bot_token: not a Telegram bot token"));
    CHECK_THROWS_WITH(parse_settings(R"({"bot_token": "123456789:AAHfakeTokenForTestsOnly_abcdefghij", "chat_id": "@a b"})"),
                      Catch::Contains("chat_id: expected a numeric chat id or @channelname"));
    CHECK_THROWS_WITH(parse_settings(R"({"bot_token": "123456789:AAHfakeTokenForTestsOnly_abcdefghij", "chat_id": 1, "colour": 1})"),
                      Catch::Contains("colour: unknown key"));
    const auto s = parse_settings(R"({"bot_token": "123456789:AAHfakeTokenForTestsOnly_abcdefghij", "chat_id": -1001234567890, "message_thread_id": 7})");
    CHECK(s.chat_id == "-1001234567890");
    CHECK(build_messages(digest_with(1, 10), s)[0]["message_thread_id"] == 7);
    CHECK(method_url(s, "sendMessage") == "https://api.telegram.org/bot123456789:AAHfakeTokenForTestsOnly_abcdefghij/sendMessage");
}

TEST_CASE("telegram: answers: delivered, flood wait honoured, a migrated group named, the rest permanent") {
    const auto ok = interpret(200, R"({"ok": true, "result": {"message_id": 77}})");
    CHECK(ok.status == PB_OK);
    CHECK(ok.message_id == "77");
    const auto flood = interpret(429, R"({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 5", "parameters": {"retry_after": 5}})");
    CHECK(flood.status == PB_TRANSIENT);
    CHECK(flood.retry_after_ms == 5000);
    const auto moved = interpret(400, R"({"ok": false, "error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat", "parameters": {"migrate_to_chat_id": -1009876}})");
    CHECK(moved.status == PB_PERMANENT);
    CHECK_THAT(moved.error, Catch::Contains("set chat_id to it") && Catch::Contains("-1009876"));
    CHECK(interpret(400, R"({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"})").status == PB_PERMANENT);
    CHECK(interpret(502, "<html>Bad Gateway</html>").status == PB_TRANSIENT);
}
