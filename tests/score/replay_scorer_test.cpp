#include "score/replay_scorer.hpp"
#include "score/reply_parser.hpp"

#include "core/files.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using nlohmann::json;

TEST_CASE("answers accept integer or numeric-string scores and reject out-of-range ones") {
    CHECK(parse_answer(json{{"RELEVANCE", 9}, {"NOVELTY", 8}, {"COMMENT", "ok"}})->novelty == 8);
    CHECK(parse_answer(json{{"RELEVANCE", "9"}, {"NOVELTY", "7"}})->relevance == 9);
    CHECK_FALSE(parse_answer(json{{"RELEVANCE", 11}, {"NOVELTY", 8}}));
    CHECK_FALSE(parse_answer(json{{"RELEVANCE", "high"}, {"NOVELTY", 8}}));
    CHECK_FALSE(parse_answer(json{{"NOVELTY", 8}}));
    CHECK_FALSE(parse_answer(json::array()));
    // An unreadable novelty is "not judged"; the relevance and comment are kept.
    const auto partial = parse_answer(json{{"RELEVANCE", 9}, {"NOVELTY", "very"}, {"COMMENT", "kept"}});
    REQUIRE(partial);
    CHECK(partial->relevance == 9);
    CHECK_FALSE(partial->novelty);
    CHECK(partial->comment == "kept");
}

TEST_CASE("papers without a usable answer are counted as failed, never dropped silently") {
    test::temp_dir dir;
    REQUIRE(write_file_atomic(dir / "answers.json", R"({"1": {"RELEVANCE": 9, "NOVELTY": 9}, "2": {"RELEVANCE": 0, "NOVELTY": 1}})").has_value());
    llm_config llm;
    llm.plugin = "replay";
    llm.model = "gpt-4o";
    llm.answers_file = dir / "answers.json";
    replay_scorer s(llm);
    paper a, b, c;
    a.id = "1";
    b.id = "2";
    c.id = "3";
    const std::vector<const paper*> papers{&a, &b, &c};
    const auto out = s.score(profile_config{}, papers);
    CHECK(out.scores.size() == 1);
    CHECK(out.failed == std::vector<std::string>{"2", "3"});
}
