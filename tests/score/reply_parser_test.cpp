#include "score/reply_parser.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

namespace {
const std::set<std::string> batch{"2507.00001", "2507.00002", "2507.00003"};
}

TEST_CASE("JSONL, arrays, {papers: [...]} and pretty-printed objects all parse") {
    const auto jsonl = parse_score_reply(R"({"ARXIVID": "2507.00001", "COMMENT": "a", "RELEVANCE": 9, "NOVELTY": 8}
{"ARXIVID": "2507.00002", "COMMENT": "b", "RELEVANCE": 3, "NOVELTY": 4},
)", batch);
    CHECK(jsonl.scores.size() == 2);
    CHECK(jsonl.scores.at("2507.00001").comment == "a");
    const auto array = parse_score_reply(R"([{"ARXIVID": "2507.00001", "RELEVANCE": 9, "NOVELTY": 8}])", batch);
    CHECK(array.scores.size() == 1);
    const auto object = parse_score_reply(R"({"papers": [{"ARXIVID": "2507.00003", "COMMENT": "", "RELEVANCE": 7, "NOVELTY": 7}]})", batch);
    CHECK(object.scores.at("2507.00003").relevance == 7);
    const auto pretty = parse_score_reply("{\n  \"ARXIVID\": \"2507.00002\",\n  \"RELEVANCE\": 5,\n  \"NOVELTY\": 6\n}\n", batch);
    CHECK(pretty.scores.size() == 1);
}

TEST_CASE("fences and prose around the JSON are skipped") {
    const auto r = parse_score_reply(R"(Sure! Here are my ratings [as requested]:

```jsonl
{"ARXIVID": "arXiv:2507.00001v2", "COMMENT": "uses {braces} and \"quotes\"", "RELEVANCE": "9", "NOVELTY": "8"}
```
Hope this helps.)", batch);
    REQUIRE(r.scores.size() == 1);
    CHECK(r.scores.at("2507.00001").relevance == 9);  // string scores coerced, prefix and version removed
    CHECK(r.scores.at("2507.00001").comment == "uses {braces} and \"quotes\"");
}

TEST_CASE("hallucinated ids are ignored, invalid scores leave the paper unscored") {
    const auto r = parse_score_reply(R"({"ARXIVID": "9999.99999", "RELEVANCE": 10, "NOVELTY": 10}
{"ARXIVID": "2507.00001", "RELEVANCE": 11, "NOVELTY": 8}
{"ARXIVID": "2507.00002", "RELEVANCE": 8}
{"ARXIVID": "2507.00003", "RELEVANCE": 8, "NOVELTY": 8}
not json at all
[1, 2, 3])", batch);
    CHECK(r.ignored_ids == 1);
    CHECK(r.invalid_entries == 1);               // relevance 11
    CHECK(r.scores.size() == 2);
    CHECK(r.scores.contains("2507.00003"));
    CHECK_FALSE(r.scores.at("2507.00002").novelty);  // no NOVELTY: scored, novelty not judged
}

TEST_CASE("a reply cut off mid-object keeps the complete entries") {
    const auto r = parse_score_reply(R"({"ARXIVID": "2507.00001", "RELEVANCE": 9, "NOVELTY": 8}
{"ARXIVID": "2507.00002", "RELEVANCE": 9, "NOV)", batch);
    CHECK(r.scores.size() == 1);
}

TEST_CASE("title pre-filter answers: the first array of ids, or nothing") {
    CHECK(parse_id_list_reply(R"(Drop these: ["2507.00001", "arXiv:2507.00003v1", "1234.5678"])", batch) ==
          std::vector<std::string>{"2507.00001", "2507.00003"});
    CHECK(parse_id_list_reply("[]", batch)->empty());
    CHECK_FALSE(parse_id_list_reply("I cannot decide.", batch).has_value());
}

TEST_CASE("scores as real models write them: 8, \"8\", 8.0, \"8/10\", \"8 out of 10\"") {
    using nlohmann::json;
    for (const auto& v : {json(8), json("8"), json(8.0), json("8/10"), json("8 out of 10"), json(" 8 "), json("8.0")}) {
        INFO(v.dump());
        CHECK(read_score(v) == 8);
    }
    for (const auto& v : {json(8.5), json("8/5"), json("eight"), json("8 points"), json(11), json(0), json("nan"), json("inf"),
                          json(nullptr), json::array({8}), json("10/10 out of 10"), json("")}) {
        INFO(v.dump());
        CHECK_FALSE(read_score(v));
    }
    const auto r = parse_score_reply(R"({"ARXIVID": "2507.00001", "RELEVANCE": "9/10", "NOVELTY": "7 out of 10"})", batch);
    REQUIRE(r.scores.contains("2507.00001"));
    CHECK(r.scores.at("2507.00001").relevance == 9);
    CHECK(r.scores.at("2507.00001").novelty == 7);
}

TEST_CASE("a model's comment is cleaned of control characters and capped before any renderer sees it") {
    std::string huge(5000, 'x');
    const auto r = parse_score_reply(R"({"ARXIVID": "2507.00001", "RELEVANCE": 9, "NOVELTY": 8, "COMMENT": "line one\r\nline two\u0000\u0007 end"}
{"ARXIVID": "2507.00002", "RELEVANCE": 9, "NOVELTY": 8, "COMMENT": ")" + huge + "\"}", batch);
    REQUIRE(r.scores.size() == 2);
    CHECK(r.scores.at("2507.00001").comment == "line one line two end");
    CHECK(r.scores.at("2507.00002").comment.size() <= max_comment_bytes);
    CHECK(r.scores.at("2507.00002").comment.ends_with("\xE2\x80\xA6"));
}

TEST_CASE("hostile replies: deep nesting and unbalanced brackets are bounded, and good entries around them survive") {
    // 60,000 levels crashed the old parser (stack overflow); now they are skipped.
    const std::string deep = std::string(60'000, '[') + std::string(60'000, ']');
    const auto a = parse_score_reply(deep + "\n" + R"({"ARXIVID": "2507.00001", "RELEVANCE": 9, "NOVELTY": 8})", batch);
    CHECK(a.scores.size() == 1);
    const std::string deep_objects = [] {
        std::string s;
        for (int i = 0; i < 60'000; ++i) s += "{\"a\":";
        return s + "1" + std::string(60'000, '}');
    }();
    CHECK(parse_score_reply(deep_objects, batch).scores.empty());
    // Unbalanced brackets once made the parser restart from every bracket (minutes on 40 KB).
    std::string unbalanced;
    for (int i = 0; i < 20'000; ++i) unbalanced += "[{";
    const auto b = parse_score_reply(unbalanced + R"({"ARXIVID": "2507.00002", "RELEVANCE": 7, "NOVELTY": 7})", batch);
    CHECK(b.scores.contains("2507.00002"));
    std::string closers(40'000, ']');
    CHECK(parse_score_reply(closers, batch).scores.empty());
    // A truncated line does not hide the complete ones after it.
    const auto c = parse_score_reply("{\"ARXIVID\": \"2507.00001\", \"RELEVANCE\": 9, \"NOV\n"
                                     R"({"ARXIVID": "2507.00003", "RELEVANCE": 8, "NOVELTY": 8})", batch);
    CHECK(c.scores.contains("2507.00003"));
    // A stray quote in prose only hides its own line.
    const auto d = parse_score_reply("He said \"hello [\n" R"({"ARXIVID": "2507.00001", "RELEVANCE": 9, "NOVELTY": 8})", batch);
    CHECK(d.scores.contains("2507.00001"));
}

TEST_CASE("a reply over the size cap is refused for its batch only") {
    std::string big(max_reply_bytes + 1, ' ');
    big += R"({"ARXIVID": "2507.00001", "RELEVANCE": 9, "NOVELTY": 8})";
    const auto r = parse_score_reply(big, batch);
    CHECK(r.too_large);
    CHECK(r.scores.empty());
    CHECK_FALSE(parse_id_list_reply(big, batch));
}
