#include "matrix_format.hpp"

#include <catch2/catch.hpp>

using namespace paperboy::matrix;
using nlohmann::json;

namespace {
const std::string good = R"({"homeserver": "https://matrix.example.org/", "access_token": "syt_x", "room_id": "!lab:example.org"})";

json digest_with(int n, std::size_t abstract_len, const std::string& title = "A title") {
    json papers = json::array();
    for (int i = 1; i <= n; ++i) {
        papers.push_back({{"rank", i}, {"id", "2507." + std::to_string(10000 + i)}, {"title", title}, {"authors", {"A B"}},
                          {"abstract", std::string(abstract_len, 'a')}, {"comment", "c"}, {"relevance", 9}, {"novelty", 8}, {"author_match", false}});
    }
    return {{"schema", 1}, {"date", "2025-07-08"}, {"profile", "lab"}, {"channel", "lab-matrix"}, {"model", "m"}, {"stats", {{"scanned", 10}}}, {"papers", papers}};
}
}  // namespace

TEST_CASE("matrix: events stay under the size limit, mention nobody, and keep every paper whole and in order") {
    const auto s = parse_settings(R"({"homeserver": "https://matrix.example.org", "access_token": "syt_x", "room_id": "!lab:example.org", "abstract_chars": 3000})");
    const auto messages = build_messages(digest_with(60, 5000), s);
    CHECK(messages.size() >= 5);
    std::size_t papers = 0;
    for (const auto& m : messages) {
        CHECK(m.dump().size() <= max_content_bytes);
        CHECK(m["msgtype"] == "m.notice");
        CHECK(m["m.mentions"] == json::object());
        CHECK(m["format"] == "org.matrix.custom.html");
        const std::string html = m["formatted_body"];
        for (auto at = html.find("<b>"); at != std::string::npos; at = html.find("<b>", at + 1)) papers += html.compare(at, 4, "<b>p") != 0 && html.compare(at, 5, "<b>TL") != 0;
    }
    CHECK(papers == 60);
}

TEST_CASE("matrix: the transaction id is stable per delivery and message, and new for a resend") {
    auto d = digest_with(1, 10);
    CHECK(transaction_id(d, 0) == transaction_id(d, 0));
    CHECK(transaction_id(d, 0) != transaction_id(d, 1));
    auto resend = d;
    resend["delivery_key"] = "resend-1";
    CHECK(transaction_id(resend, 0) != transaction_id(d, 0));
    auto other = d;
    other["channel"] = "other-room";
    CHECK(transaction_id(other, 0) != transaction_id(d, 0));
    const auto s = parse_settings(good);
    CHECK(s.homeserver == "https://matrix.example.org");
    CHECK(send_url(s, "paperboy-1-0") == "https://matrix.example.org/_matrix/client/v3/rooms/%21lab%3Aexample.org/send/m.room.message/paperboy-1-0");
}

TEST_CASE("matrix: paper text cannot add markup, notify the room or link") {
    auto d = digest_with(1, 10, "<a href=\"https://matrix.to/#/@admin:example.org\">x</a> @room see evil.com");
    const auto m = build_messages(d, parse_settings(good)).at(0);
    const std::string html = m["formatted_body"], body = m["body"];
    CHECK(html.find("<a href=\"https://matrix.to") == std::string::npos);
    CHECK(html.find("&lt;a href=") != std::string::npos);
    CHECK(body.find("@room") == std::string::npos);
    CHECK(body.find("@\xE2\x80\x8Broom") != std::string::npos);
    CHECK(body.find("evil.com") == std::string::npos);
    CHECK(body.find("https://arxiv.org/abs/2507.10001") != std::string::npos);  // our own link stays
}

TEST_CASE("matrix: settings and answers") {
    CHECK_THROWS_WITH(parse_settings(R"({"homeserver": "https://m.org", "access_token": "t", "room_id": "#lab:example.org"})"),
                      Catch::Contains("room_id: expected a room id") && Catch::Contains("not an #alias"));
    CHECK_THROWS_WITH(parse_settings(R"({"homeserver": "matrix.org", "access_token": "t", "room_id": "!a:b"})"), Catch::Contains("homeserver:"));
    for (const auto* bad : {"!", "!:b", "!a:", "!a b:c", "lab:example.org"}) {
        INFO(bad);
        CHECK_THROWS_WITH(parse_settings(json{{"homeserver", "https://m.org"}, {"access_token", "t"}, {"room_id", bad}}.dump()), Catch::Contains("room_id:"));
    }
    CHECK_THROWS_WITH(parse_settings(R"({"homeserver": "https://m.org", "room_id": "!a:b"})"), Catch::Contains("access_token: required"));
    CHECK(interpret(200, R"({"event_id": "$abc"})", json::object()).event_id == "$abc");
    const auto limited = interpret(429, R"({"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests", "retry_after_ms": 2000})", json::object());
    CHECK(limited.status == PB_TRANSIENT);
    CHECK(limited.retry_after_ms == 2000);
    const auto forbidden = interpret(403, R"({"errcode": "M_FORBIDDEN", "error": "not in room"})", json::object());
    CHECK(forbidden.status == PB_PERMANENT);
    CHECK_THAT(forbidden.error, Catch::Contains("M_FORBIDDEN") && Catch::Contains("member of the room"));
    CHECK(interpret(502, "bad gateway", json::object()).status == PB_TRANSIENT);
    CHECK(interpret(200, "{}", json::object()).status == PB_PERMANENT);
}
