// Shared helpers for pipeline tests: a configuration around a feed, the golden day's
// expected order, and a scorer that replays the fixture answers as a model would.
#pragma once

#include "config/config.hpp"
#include "core/dates.hpp"
#include "core/files.hpp"
#include "score/replay_scorer.hpp"
#include "state/state_store.hpp"
#include "support/paths.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

namespace paperboy::test {

/// A configuration reading `feed_url`, writing into `dir`, with one profile "golden"
/// (Yoshua Bengio followed, cut-offs 8/7, the sample topics) and the given llm section.
inline config golden_config(const std::filesystem::path& dir, const std::string& feed_url,
                            const nlohmann::json& llm = nlohmann::json::object()) {
    nlohmann::json j{
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", feed_url}, {"max_attempts", 1}}},
        {"profiles",
         {{{"name", "golden"},
           {"topics_file", (source_dir() / "config/prompts/topics.txt").string()},
           {"authors", {"Yoshua Bengio"}},
           {"relevance_cutoff", 8},
           {"novelty_cutoff", 7}}}},
        {"llm", llm},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
    };
    return parse_config(j.dump(), dir).value();
}

/// The day `n` days from today (UTC) as YYYY-MM-DD, as a provider's shutdown_date says it.
inline std::string iso_day_from_today(int n) {
    return format_iso_day(std::chrono::year_month_day(std::chrono::sys_days(today_in("UTC", std::chrono::system_clock::now())) + std::chrono::days(n)));
}

/// How many times `needle` occurs in `text` (a log line said once, not twice).
inline std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
    return n;
}

/// A run of `profile` on `date` (YYYY-MM-DD) begun in `state` and ended with `outcome`: what
/// finish_run_with_deliveries takes to put a digest in the ledger.
inline run_record begun_run(state_store& state, const std::string& date, const std::string& profile, const std::string& outcome = "reported") {
    run_record r;
    r.id = state.begin_run(parse_iso_day(date).value(), profile);
    r.date = date;
    r.profile = profile;
    r.outcome = outcome;
    return r;
}

inline nlohmann::json replay_llm() {
    return {{"plugin", "replay"}, {"model", "gpt-4o"}, {"answers_file", (data_dir() / "days/2025-07-23/answers.json").string()}};
}

/// expected.json's ids, with papers of equal (relevance+novelty, relevance) put in arXiv-id
/// order: the sample's order within such ties is arbitrary, ours is deterministic.
inline std::vector<std::string> expected_golden_order() {
    const auto expected = nlohmann::json::parse(read_file(data_dir() / "days/2025-07-23/expected.json").value());
    const auto answers = nlohmann::json::parse(read_file(data_dir() / "days/2025-07-23/answers.json").value());
    std::vector<std::tuple<int, int, std::string>> keyed;  // author matches (no answer) sort first
    for (const auto& id : expected) {
        const auto s = id.get<std::string>();
        const auto it = answers.find(s);
        if (it == answers.end()) keyed.emplace_back(-100, -100, s);
        else keyed.emplace_back(-((*it)["RELEVANCE"].get<int>() + (*it)["NOVELTY"].get<int>()), -(*it)["RELEVANCE"].get<int>(), s);
    }
    std::stable_sort(keyed.begin(), keyed.end());
    std::vector<std::string> out;
    for (const auto& k : keyed) out.push_back(std::get<2>(k));
    return out;
}

/// The replay scorer with the token usage of the sample report, as a model call would report it.
class sample_usage_scorer final : public scorer {
public:
    explicit sample_usage_scorer(const llm_config& llm) : inner_(llm) {}
    std::string model() const override { return inner_.model(); }
    std::string cache_key(const profile_config& p) const override { return inner_.cache_key(p); }
    scoring_outcome score(const profile_config& p, std::span<const paper* const> papers) override {
        auto out = inner_.score(p, papers);
        out.usage = {25575, 3086, 0};
        return out;
    }
    prompt_disclosure disclose(const profile_config& p) const override { return inner_.disclose(p); }

private:
    replay_scorer inner_;
};

}  // namespace paperboy::test
