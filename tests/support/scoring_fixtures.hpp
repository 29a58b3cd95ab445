// The golden day's papers and answers, and a configuration for the openai plugin against a
// fake_openai, shared by the scoring tests.
#pragma once

#include "arxiv/feed_parser.hpp"
#include "config/config.hpp"
#include "core/files.hpp"
#include "job/daily_run.hpp"
#include "score/scorer.hpp"
#include "support/fake_openai.hpp"
#include "support/fixtures.hpp"

namespace paperboy::test {

inline const std::string secret_key = "sk-secret-test-key-0123456789";

inline nlohmann::json golden_answers() { return nlohmann::json::parse(read_file(data_dir() / "days/2025-07-23/answers.json").value()); }

struct day_papers {
    feed f;
    std::vector<const paper*> papers;  // scanned, without the author match, the first `n`
};

inline day_papers golden_papers(std::size_t n) {
    day_papers d{parse_feed(read_file(golden_feed()).value()).value(), {}};
    for (const auto* p : scan(d.f, {announce_type::new_submission, announce_type::cross_list})) {
        if (p->id != "2507.16110" && d.papers.size() < n) d.papers.push_back(p);
    }
    return d;
}

inline config llm_config_for(const fake_openai& fake, nlohmann::json extra = nlohmann::json::object()) {
    nlohmann::json llm{{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}, {"api_key", secret_key},
             {"concurrency", 1}, {"batch_size", 5}, {"title_filter", false}, {"retry_delay_ms", 10}, {"max_attempts", 3}};
    llm.update(extra);
    const nlohmann::json cfg{{"arxiv", {{"categories", {"cs.LG"}}}},
                   {"profiles", {{{"name", "p"}, {"topics_file", (source_dir() / "config/prompts/topics.txt").string()}}}},
                   {"llm", llm},
                   {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR}};
    return parse_config(cfg.dump(), "/").value();
}

inline scoring_outcome score_with(const config& cfg, const std::vector<const paper*>& papers, state_store* state = nullptr) {
    auto scorer = make_scorer(cfg.llm, cfg.plugin_dir, {}, state);
    return scorer->score(cfg.profiles[0], papers);
}

}  // namespace paperboy::test
