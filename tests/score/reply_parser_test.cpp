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
    CHECK(r.invalid_entries == 2);
    CHECK(r.scores.size() == 1);
    CHECK(r.scores.contains("2507.00003"));
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
