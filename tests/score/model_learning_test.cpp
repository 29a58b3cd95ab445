// With a language model, the ranker and the reader's votes work together: the votes go to the
// model as few-shot examples (llm.examples), and the model's scores train the ranker
// (llm.teach_ranker) that pre-filters for it. A fake OpenAI server, a real state file.
#include "job/daily_run.hpp"

#include "core/files.hpp"
#include "core/text.hpp"
#include "rank/ranker.hpp"
#include "score/ranker_scorer.hpp"
#include "state/state_store.hpp"
#include "support/fake_openai.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using nlohmann::json;

namespace {

const auto golden_day = parse_iso_day("2025-07-23");

struct world {
    test::fake_openai model{{.answers = json::parse(read_file(test::data_dir() / "days/2025-07-23/answers.json").value())}};
    test::temp_dir dir;

    config make_config(const json& llm_extra = json::object()) const {
        json llm{{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", model.base_url()}, {"batch_size", 10}, {"retry_delay_ms", 1}};
        llm.update(llm_extra);
        const json cfg{{"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}}},
                       {"profiles", {{{"name", "lab"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}}}},
                       {"llm", llm},
                       {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
                       {"output", {{"dir", (dir / "out").string()}}},
                       {"state", {{"path", (dir / "state.db").string()}}}};
        return parse_config(cfg.dump(), dir.path()).value();
    }
};

}  // namespace

TEST_CASE("llm.examples: the titles the reader liked and disliked open every prompt, and a new vote is a new prompt") {
    world w;
    REQUIRE(run_day(w.make_config({{"examples", 4}}), {.date = golden_day}).profiles.size() == 1);
    // Scoring calls only: the selected papers' TL;DRs are cached by paper, not by prompt.
    const auto scoring_calls = [&] {
        int n = 0;
        for (const auto& r : w.model.requests()) n += r.body.find("Write a TL;DR") == std::string::npos;
        return n;
    };
    const int first = scoring_calls();
    for (const auto& r : w.model.requests()) CHECK(r.body.find("Papers this reader liked") == std::string::npos);  // no votes yet

    std::string liked, disliked;
    {
        state_store state(w.dir / "state.db");
        const auto day = state.load_day(*golden_day).value();
        for (const auto& p : day.papers) {
            if (p.id == "2507.16110") liked = p.title;
            if (p.id == "2507.16003") disliked = p.title;
        }
        state.record_votes({{"lab", "2507.16110", "2025-07-23", 1, "cli", ""}, {"lab", "2507.16003", "2025-07-23", -1, "cli", ""}});
    }
    REQUIRE_FALSE(liked.empty());
    const auto again = run_day(w.make_config({{"examples", 4}}), {.date = golden_day});
    CHECK(scoring_calls() == 2 * first);  // the prompt changed: nothing came from the cache
    std::string last_scoring;
    for (const auto& r : w.model.requests()) {
        if (r.body.find("Write a TL;DR") == std::string::npos) last_scoring = r.body;
    }
    const auto body = json::parse(last_scoring);
    const auto prompt = body["messages"].back()["content"].get<std::string>();
    const auto examples = prompt.find("## Papers this reader liked\n- " + text::clean_line(liked, 200) +
                                      "\n\n## Papers this reader did not want\n- " + text::clean_line(disliked, 200));
    CHECK(examples != std::string::npos);
    CHECK(examples < prompt.find("## Papers\n"));  // in the fixed part, before the paper list
    const auto report = json::parse(read_file(again.profiles[0].json_path).value());
    CHECK(report["prompt"]["user"].get<std::string>().find("Papers this reader liked") != std::string::npos);

    const auto offline = parse_config(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "lab", "topics": "x"}], "llm": {"plugin": "offline", "examples": 3}})", w.dir.path());
    REQUIRE_FALSE(offline.has_value());
    CHECK(offline.error().detail.find("/llm/examples: few-shot examples are for a language model") != std::string::npos);
}

TEST_CASE("llm.teach_ranker: the model's scores train the ranker when the reader never voted, and it learns their order") {
    world w;
    const auto cfg = w.make_config();
    REQUIRE(run_day(cfg, {.date = golden_day}).profiles.size() == 1);
    state_store state(w.dir / "state.db");
    const auto& profile = cfg.profiles.front();
    const auto key = make_scorer(cfg.llm, cfg.plugin_dir, cfg.source, &state)->cache_key(profile);
    const auto day = state.load_day(*golden_day).value();
    std::vector<const paper*> papers;
    for (const auto& p : day.papers) papers.push_back(&p);
    const auto taught = state.cached_scores(key, papers);
    REQUIRE(taught.size() == 261);

    const auto cold = train_profile_ranker(&state, profile, {});
    const auto pupil = train_profile_ranker(&state, profile, {}, key);
    CHECK_FALSE(cold.trained());
    REQUIRE(pupil.trained());
    std::vector<const paper*> scored;
    std::vector<int> labels;
    for (const auto* p : papers) {
        if (!taught.contains(p->id)) continue;
        scored.push_back(p);
        labels.push_back(taught.at(p->id).relevance >= profile.relevance_cutoff ? 1 : 0);
    }
    const auto cold_auc = rank::roc_auc(rank_day(cold, profile, scored).z, labels).value();
    const auto pupil_auc = rank::roc_auc(rank_day(pupil, profile, scored).z, labels).value();
    INFO("cold " << cold_auc << ", pupil " << pupil_auc);
    CHECK(pupil_auc > cold_auc);
    CHECK(pupil_auc > 0.8);
}
