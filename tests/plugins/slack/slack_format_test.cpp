#include "slack_format.hpp"

#include "chat_common.hpp"

#include <catch2/catch.hpp>

using namespace paperboy::slack;
using nlohmann::json;

namespace {
json digest_with(int n, std::size_t text_len) {
    json papers = json::array();
    for (int i = 1; i <= n; ++i) {
        papers.push_back({{"rank", i}, {"id", "2507." + std::to_string(10000 + i)}, {"title", std::string(text_len, 'T')},
                          {"authors", json::array({std::string(text_len, 'A')})}, {"abstract", std::string(text_len, 'a')},
                          {"comment", std::string(text_len, 'c')}, {"relevance", 9}, {"novelty", 8}, {"author_match", false}});
    }
    return {{"schema", 1}, {"date", "2025-07-08"}, {"profile", "lab"}, {"model", "m"}, {"stats", {{"scanned", 10}}}, {"papers", papers}};
}
}  // namespace

TEST_CASE("slack: messages stay within 50 blocks and 3,000 characters per section, keeping every paper in order") {
    const auto s = parse_settings(R"({"webhook_url": "https://hooks.slack.com/services/T/B/x"})");
    const auto plan = build_messages(digest_with(60, 5000), s);
    int papers = 0;
    for (const auto& m : plan.messages) {
        CHECK(m["blocks"].size() <= max_blocks);
        for (const auto& b : m["blocks"]) {
            if (b["type"] == "section") {
                CHECK(paperboy::chat::length(b["text"]["text"].get<std::string>()) <= max_section_text);
                const auto text = b["text"]["text"].get<std::string>();
                CHECK(text.find("|" + std::to_string(++papers) + ". ") != std::string::npos);
            }
            if (b["type"] == "header") CHECK(b["text"]["text"].get<std::string>().size() <= max_header_text);
        }
    }
    CHECK(papers == 60);
    CHECK(plan.messages.size() == 3);
}

TEST_CASE("slack: &, < and > are escaped so mentions and links from papers stay text") {
    CHECK(escape("<!channel> & <@U1|x>") == "&lt;!channel&gt; &amp; &lt;@U1|x&gt;");
}

TEST_CASE("slack: settings and the plain-text and JSON answers") {
    CHECK_THROWS_WITH(parse_settings("{}"), Catch::Contains("webhook_url"));
    CHECK_THROWS_WITH(parse_settings(R"({"token": "xoxb-1"})"), Catch::Contains("channel: required"));
    CHECK_THROWS_WITH(parse_settings(R"({"webhook_url": "https://h/x", "thread": true})"), Catch::Contains("thread:"));
    CHECK(interpret_webhook(200, "ok", json::object()).status == PB_OK);
    CHECK(interpret_webhook(400, "invalid_payload", json::object()).status == PB_PERMANENT);
    CHECK(interpret_webhook(404, "channel_not_found", json::object()).error.find("channel_not_found") != std::string::npos);
    const auto limited = interpret_webhook(429, "rate_limited", json{{"retry-after", "30"}});
    CHECK(limited.status == PB_TRANSIENT);
    CHECK(limited.retry_after_ms == 30000);
    CHECK(interpret_webhook(503, "", json::object()).status == PB_TRANSIENT);
    CHECK(interpret_api(200, R"({"ok": true, "ts": "1.2"})", json::object()).ts == "1.2");
    CHECK(interpret_api(200, R"({"ok": false, "error": "ratelimited"})", json{{"retry-after", "2"}}).retry_after_ms == 2000);
    CHECK(interpret_api(200, R"({"ok": false, "error": "invalid_auth"})", json::object()).status == PB_PERMANENT);
}

TEST_CASE("slack: the day's web page is linked when the digest has one") {
    auto digest = digest_with(1, 10);
    const auto s = parse_settings(R"({"webhook_url": "https://hooks.slack.com/services/T/B/x"})");
    CHECK(build_messages(digest, s).messages[0].dump().find("web page") == std::string::npos);
    digest["web_url"] = "https://digest.example.org/lab/2025-07-08/";
    CHECK(build_messages(digest, s).messages[0].dump().find("<https://digest.example.org/lab/2025-07-08/|web page>") != std::string::npos);
}

TEST_CASE("slack: text is escaped before it is cut, so a cut never breaks an entity or a link, and limits count characters") {
    auto digest = digest_with(1, 10);
    digest["papers"][0]["title"] = std::string(2000, '&');
    digest["papers"][0]["abstract"] = std::string(5000, '<');
    digest["papers"][0]["comment"] = "\xE2\x9C\x93" + std::string(3000, '>');
    const auto s = parse_settings(R"({"webhook_url": "https://hooks.slack.com/services/T/B/x", "abstract_chars": 2500})");
    const auto plan = build_messages(digest, s);
    bool seen = false;
    for (const auto& b : plan.messages[0]["blocks"]) {
        if (b["type"] != "section") continue;
        const auto text = b["text"]["text"].get<std::string>();
        seen = true;
        CHECK(paperboy::chat::length(text) <= max_section_text);
        // Every '&' starts a whole entity; the link's closing '>' survives.
        for (std::size_t i = text.find('&'); i != std::string::npos; i = text.find('&', i + 1)) {
            const auto rest = text.substr(i, 5);
            CHECK((rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;")));
        }
        CHECK(text.find(">*\n") != std::string::npos);
    }
    CHECK(seen);
}

TEST_CASE("slack: an incomplete digest's notice is the first block, and the notification text says so") {
    auto digest = digest_with(2, 10);
    digest["incomplete"] = {{"unscored", 5}, {"text", "Incomplete digest: 5 of 10 papers could not be scored (<!channel>)."}};
    const auto s = parse_settings(R"({"webhook_url": "https://hooks.slack.com/services/T/B/x"})");
    const auto plan = build_messages(digest, s);
    const auto& first = plan.messages[0]["blocks"][0];
    CHECK(first["type"] == "section");
    CHECK(first["text"]["text"].get<std::string>().find(":warning: *Incomplete digest: 5 of 10 papers") == 0);
    CHECK(first["text"]["text"].get<std::string>().find("&lt;!channel&gt;") != std::string::npos);
    CHECK(plan.messages[0]["text"].get<std::string>().starts_with("[incomplete] "));
    CHECK(build_messages(digest_with(2, 10), s).messages[0]["blocks"][0]["type"] == "header");
}

TEST_CASE("slack: with reactions each paper is its own thread reply, and reactions.get answers count per emoji") {
    auto s = parse_settings(R"({"token": "xoxb-1", "channel": "C 1", "thread": true, "reactions": true, "top_n": 3})");
    const auto digest = digest_with(5, 50);
    const auto plan = build_messages(digest, s);
    REQUIRE(plan.messages.size() == 4);  // the summary, then papers 1-3 one each
    CHECK(single_paper_messages(plan, digest, s) == std::vector<std::string>{"", "2507.10001", "2507.10002", "2507.10003"});
    s.reactions = false;
    CHECK(single_paper_messages(build_messages(digest, s), digest, s) == std::vector<std::string>{"", ""});
    CHECK(reactions_url(s, "1700000001.000100") == "https://slack.com/api/reactions.get?channel=C%201&timestamp=1700000001.000100&full=true");

    const auto ok = interpret_reactions(200, R"({"ok": true, "message": {"reactions": [{"name": "+1", "count": 2}, {"name": "x", "count": "3"}]}})", json::object());
    CHECK(ok.status == PB_OK);
    CHECK(ok.reactions == std::vector<std::pair<std::string, long>>{{"+1", 2}});
    const auto limited = interpret_reactions(429, R"({"ok": false, "error": "ratelimited"})", {{"retry-after", "3"}});
    CHECK(limited.status == PB_TRANSIENT);
    CHECK(limited.retry_after_ms == 3000);
    CHECK(interpret_reactions(200, R"({"ok": false, "error": "missing_scope"})", json::object()).status == PB_PERMANENT);
    CHECK_THROWS_WITH(parse_settings(R"({"token": "x", "channel": "C", "reactions": true})"), Catch::Contains("reactions: needs thread"));

    const std::set<std::string> like{"+1"}, dislike{"-1"};
    CHECK(paperboy::chat::net_vote({{"+1", 2}, {"-1", 1}}, like, dislike) == 1);
    CHECK(paperboy::chat::net_vote({{"+1", 1}, {"-1", 1}}, like, dislike) == 0);
    CHECK(paperboy::chat::net_vote({{"-1", 1}, {"eyes", 9}}, like, dislike) == -1);
    CHECK(paperboy::chat::net_vote({{"+1", -5}}, like, dislike) == 0);
}

TEST_CASE("slack: a paper's TLDR replaces its abstract, escaped like any model text") {
    const auto s = parse_settings(R"({"webhook_url": "https://hooks.slack.com/services/T/B/x"})");
    auto digest = digest_with(2, 20);
    digest["papers"][0]["tldr"] = "It <!channel> beats the baseline & more.";
    const auto text = build_messages(digest, s).messages[0].dump();
    CHECK(text.find("*TL;DR:* It &lt;!channel&gt; beats the baseline &amp; more.") != std::string::npos);
    CHECK(text.find(std::string(20, 'a')) != std::string::npos);  // the second paper, without a TL;DR, keeps its abstract
    CHECK(text.find("<!channel>") == std::string::npos);
}
