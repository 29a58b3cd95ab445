// The 48-paper day 2025-07-08 as the chat delivery tests run it: a config with given channels
// (replayed answers, or the offline ranker on another feed) and the digest's titles in order.
#pragma once

#include "config/config.hpp"
#include "core/files.hpp"
#include "job/daily_run.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace paperboy::test {
using nlohmann::json;

inline const std::filesystem::path day_0708 = source_dir() / "../shared/fixtures/days/2025-07-08";

// A config for the 48-paper day 2025-07-08 (replayed answers, cut-offs 8/7) with `channels`.
inline config day_config(const temp_dir& dir, const json& channels, const std::string& feed = "", const std::string& answers = "") {
    REQUIRE(std::filesystem::exists(day_0708 / "feed.xml"));
    json names = json::array();
    for (const auto& [name, v] : channels.items()) names.push_back(name);
    json llm{{"plugin", answers.empty() ? "replay" : "offline"}, {"model", "gpt-4o"}, {"retry_delay_ms", 10}, {"max_attempts", 3}};
    if (answers.empty()) llm["answers_file"] = (day_0708 / "answers.json").string();
    const json cfg{
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + (feed.empty() ? (day_0708 / "feed.xml").string() : feed)}}},
        {"profiles", {{{"name", "lab"}, {"topics_file", (source_dir() / "config/prompts/topics.txt").string()}, {"channels", names}}}},
        {"llm", llm},
        {"channels", channels},
        {"delivery", {{"retry_delay_seconds", 0.01}, {"max_attempts", 3}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
    };
    return parse_config(cfg.dump(), dir.path()).value();
}

// The hostile feed's day (2025-11-20) delivered to `channels`: the offline scorer with keywords
// that select its four new papers, markup, mentions and injected headers included.
inline run_summary run_hostile_day(const temp_dir& dir, const json& channels) {
    auto cfg = day_config(dir, channels, (data_dir() / "feeds/hostile-2025-11-20.xml").string(), "offline");
    cfg.profiles[0].keywords = {"sparse", "quantization", "representation learning", "abstract"};
    cfg.profiles[0].relevance_cutoff = 1;
    return run_day(cfg, {.date = parse_iso_day("2025-11-20")});
}

inline std::vector<std::string> expected_titles(const run_summary& s) {
    const auto report = json::parse(read_file(s.profiles[0].json_path).value());
    std::vector<std::string> out;
    int rank = 0;
    for (const auto& p : report["papers"]) out.push_back(std::to_string(++rank) + ". " + p["title"].get<std::string>());
    return out;
}


}  // namespace paperboy::test
