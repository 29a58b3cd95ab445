#include "discord_format.hpp"

#include "chat_common.hpp"

#include <catch2/catch.hpp>

using namespace paperboy::discord;
using nlohmann::json;

namespace {
json digest_with(int n, std::size_t abstract_len) {
    json papers = json::array();
    for (int i = 1; i <= n; ++i) {
        papers.push_back({{"rank", i}, {"id", "2507." + std::to_string(10000 + i)}, {"title", std::string(300, 'T')},
                          {"authors", {"A B", "C D"}}, {"abstract", std::string(abstract_len, 'a')}, {"comment", "c"},
                          {"relevance", 9}, {"novelty", 8}, {"author_match", false}});
    }
    return {{"schema", 1}, {"date", "2025-07-08"}, {"profile", "lab"}, {"model", "m"}, {"stats", {{"scanned", 10}}}, {"papers", papers}};
}
}  // namespace

TEST_CASE("discord: messages respect 10 embeds, 6,000 characters and the field limits, keeping every paper") {
    const auto s = parse_settings(R"({"webhook_url": "https://discord.com/api/webhooks/1/x", "abstract_chars": 3500})");
    const auto messages = build_messages(digest_with(25, 5000), s);
    std::size_t embeds = 0;
    for (const auto& m : messages) {
        CHECK(m["embeds"].size() <= max_embeds);
        std::size_t chars = 0;
        for (const auto& e : m["embeds"]) {
            CHECK(e["title"].get<std::string>().size() <= max_title * 3);
            chars += e["title"].get<std::string>().size() + e["description"].get<std::string>().size();
        }
        CHECK(chars <= max_message_chars);
        CHECK(m["allowed_mentions"] == json{{"parse", json::array()}});
        embeds += m["embeds"].size();
    }
    CHECK(embeds == 25);
}

TEST_CASE("discord: markdown and mentions in paper text are neutralised") {
    CHECK(escape("*bold* _it_ [x](y) @everyone") == "\\*bold\\* \\_it\\_ \\[x\\]\\(y\\) @\xE2\x80\x8B" "everyone");
    CHECK(escape("line\r\nbreak") == "line  break");
}

TEST_CASE("discord: settings and answers") {
    CHECK_THROWS_WITH(parse_settings("{}"), Catch::Contains("webhook_url: required"));
    CHECK_THROWS_WITH(parse_settings(R"({"webhook_url": "https://x/y?thread_id=1"})"), Catch::Contains("thread_id"));
    const auto s = parse_settings(R"({"webhook_url": "https://discord.com/api/webhooks/1/x", "thread_id": "77"})");
    CHECK(endpoint(s) == "https://discord.com/api/v10/webhooks/1/x?wait=true&thread_id=77");
    // Every call names API v10, whatever version (or none) the webhook URL was copied with.
    for (const auto* url : {"https://discord.com/api/webhooks/1/x", "https://discord.com/api/v9/webhooks/1/x", "https://discord.com/api/v10/webhooks/1/x"}) {
        const auto v = parse_settings(json{{"webhook_url", url}, {"bot_token", "b"}}.dump());
        CHECK(endpoint(v) == "https://discord.com/api/v10/webhooks/1/x?wait=true");
        CHECK(api_base(v) == "https://discord.com/api/v10");
    }
    CHECK(interpret(200, R"({"id": "123"})", json::object()).message_id == "123");
    const auto limited = interpret(429, R"({"retry_after": 1.25, "global": false})", json::object());
    CHECK(limited.status == PB_TRANSIENT);
    CHECK(limited.retry_after_ms == 1250);
    CHECK(interpret(429, R"({"retry_after": 6e95})", json::object()).retry_after_ms == 86'400'000);
    CHECK_FALSE(interpret(429, R"({"retry_after": -1})", json::object()).retry_after_ms);
    const auto bad = interpret(400, R"({"code": 50035, "message": "Invalid Form Body"})", json::object());
    CHECK(bad.status == PB_PERMANENT);
    CHECK(bad.error.find("50035") != std::string::npos);
    CHECK(interpret(404, R"({"code": 10015, "message": "Unknown Webhook"})", json::object()).status == PB_PERMANENT);
    CHECK(interpret(502, "", json::object()).status == PB_TRANSIENT);
}

TEST_CASE("discord: titles are escaped, then cut to 256 characters, never inside an escape") {
    auto digest = digest_with(1, 10);
    digest["papers"][0]["title"] = std::string(400, '*');  // each becomes "\*": the old cut-then-escape gave 500+
    const auto s = parse_settings(R"({"webhook_url": "https://discord.com/api/webhooks/1/x"})");
    const auto e = build_messages(digest, s)[0]["embeds"][0];
    const auto title = e["title"].get<std::string>();
    CHECK(paperboy::chat::length(title) <= max_title);
    CHECK(title.ends_with("\\*\xE2\x80\xA6"));  // the last escape is whole
    CHECK(paperboy::chat::length(e["description"].get<std::string>()) <= max_description);
}

TEST_CASE("discord: an incomplete digest's notice opens the first message") {
    auto digest = digest_with(2, 10);
    digest["incomplete"] = {{"unscored", 5}, {"text", "Incomplete digest: 5 of 10 papers could not be scored (@everyone)."}};
    const auto s = parse_settings(R"({"webhook_url": "https://discord.com/api/webhooks/1/x"})");
    const auto content = build_messages(digest, s)[0]["content"].get<std::string>();
    CHECK(content.find("**Incomplete digest: 5 of 10 papers could not be scored") != std::string::npos);
    CHECK(content.find("@\xE2\x80\x8B" "everyone") != std::string::npos);
    CHECK(content.size() <= max_content * 4);
    CHECK(paperboy::chat::length(content) <= max_content);
}

TEST_CASE("discord: with a bot token each paper is its own message, and a message's reactions are read by emoji") {
    auto s = parse_settings(R"({"webhook_url": "https://discord.com/api/webhooks/1/tok", "bot_token": "b"})");
    const auto messages = build_messages(digest_with(3, 100), s);
    REQUIRE(messages.size() == 3);
    CHECK(single_paper_messages(messages) == std::vector<std::string>{"2507.10001", "2507.10002", "2507.10003"});
    CHECK(api_base(s) == "https://discord.com/api/v10");
    s.bot_token.clear();
    CHECK(single_paper_messages(build_messages(digest_with(3, 100), s)) == std::vector<std::string>{""});
    const auto m = interpret_message(200, R"({"id": "1", "reactions": [{"count": 2, "emoji": {"id": null, "name": "👍"}}, {"count": 1, "emoji": {}}]})",
                                     json::object());
    CHECK(m.reactions == std::vector<std::pair<std::string, long>>{{"👍", 2}});
    CHECK(interpret_message(403, R"({"message": "Missing Access", "code": 50001})", json::object()).status == PB_PERMANENT);
    CHECK(interpret_message(429, R"({"message": "limited", "retry_after": 0.5})", json::object()).retry_after_ms == 500);
}

TEST_CASE("discord: a paper's TLDR replaces its abstract, and @everyone in it pings nobody") {
    const auto s = parse_settings(R"({"webhook_url": "https://discord.com/api/webhooks/1/x"})");
    auto digest = digest_with(1, 300);
    digest["papers"][0]["tldr"] = "Faster @everyone **training**.";
    const auto messages = build_messages(digest, s);
    const std::string description = messages[0]["embeds"][0]["description"];
    CHECK(description.find("**TL;DR:** ") != std::string::npos);
    CHECK(description.find(std::string(300, 'a')) == std::string::npos);
    CHECK(description.find("@everyone") == std::string::npos);
}
