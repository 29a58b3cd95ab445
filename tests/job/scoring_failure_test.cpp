// A day whose scoring failed is never delivered as a success: held until scored (the default),
// or delivered with the incomplete notice in every channel. Real plugins, a fake OpenAI
// server that goes down and comes back, fake Slack and Discord servers, a real state file.
#include "job/daily_run.hpp"

#include "core/files.hpp"
#include "state/state_store.hpp"
#include "support/fake_chat.hpp"
#include "support/fake_openai.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>

using namespace paperboy;
using nlohmann::json;
using test::fake_chat;
using test::fake_openai;
using test::scripted_response;
using test::temp_dir;

namespace {

struct world {
    std::atomic<bool> down{true};
    std::atomic<int> refused{0};
    fake_openai model{{.answers = json::parse(read_file(test::data_dir() / "days/2025-07-23/answers.json").value()),
                       .script = [this](const test::openai_call&) -> std::optional<scripted_response> {
                           if (!down) return std::nullopt;
                           ++refused;
                           return scripted_response{503, R"({"error": {"code": "server_error", "message": "overloaded"}})", {}};
                       }}};
    fake_chat slack{fake_chat::kind::slack_webhook};
    fake_chat discord{fake_chat::kind::discord};
    temp_dir dir;

    json config_json(const json& llm_extra) const {
        json llm{{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", model.base_url()}, {"concurrency", 2},
                 {"batch_size", 10}, {"retry_delay_ms", 1}, {"max_attempts", 1}};
        llm.update(llm_extra);
        return {{"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}}},
                {"profiles", {{{"name", "lab"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()},
                               {"authors", {"Yoshua Bengio"}}, {"channels", {"lab-slack", "lab-discord"}}}}},
                {"llm", llm},
                {"channels", {{"lab-slack", {{"plugin", "slack"}, {"webhook_url", slack.url("/services/T1/B1/x")}}},
                              {"lab-discord", {{"plugin", "discord"}, {"webhook_url", discord.url("/api/webhooks/1/tok")}}}}},
                {"delivery", {{"retry_delay_seconds", 0.01}, {"max_attempts", 3}}},
                {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
                {"output", {{"dir", (dir / "out").string()}}},
                {"state", {{"path", (dir / "state.db").string()}}}};
    }
    config make_config(const json& llm_extra = json::object()) const { return parse_config(config_json(llm_extra).dump(), dir.path()).value(); }
};

const auto golden_day = parse_iso_day("2025-07-23");

}  // namespace

TEST_CASE("scoring failure: the default hold sends nothing, says why, and delivers once when the model is back") {
    world w;
    const auto cfg = w.make_config();
    const auto held = run_day(cfg, {.date = golden_day});
    REQUIRE(held.profiles.size() == 1);
    const auto& p = held.profiles[0];
    CHECK(p.held);
    REQUIRE(p.incomplete);
    CHECK(p.incomplete->unscored == 261);  // every scanned paper but the followed author's
    CHECK(p.incomplete->reason.find("503") != std::string::npos);
    CHECK(w.slack.requests().empty());
    CHECK(w.discord.requests().empty());
    for (const auto& d : p.deliveries) {
        CHECK(d.held);
        CHECK_FALSE(d.delivered);
        CHECK(d.hold_reason.find("503") != std::string::npos);
    }
    {
        state_store state(cfg.state_path);
        const auto entries = state.ledger({});
        REQUIRE(entries.size() == 2);
        for (const auto& e : entries) CHECK(e.status == delivery_status::held);
        CHECK(state.recent_runs(1)[0].outcome == "held");
    }
    // The report says it is incomplete, so nobody mistakes the files for the day's digest.
    CHECK(read_file(p.markdown_path).value().find("Incomplete digest: 261 of 262 papers could not be scored") != std::string::npos);

    // The model recovers: the next run of the day scores what is missing and delivers once.
    w.down = false;
    const auto calls_before = w.model.calls();
    const auto recovered = run_day(cfg, {.date = golden_day});
    const auto& r = recovered.profiles[0];
    CHECK_FALSE(r.held);
    CHECK_FALSE(r.incomplete);
    CHECK(r.stats.failed == 0);
    for (const auto& d : r.deliveries) CHECK(d.delivered);
    CHECK(w.model.calls() > calls_before);
    REQUIRE_FALSE(w.slack.accepted().empty());
    CHECK(w.slack.accepted()[0].dump().find("Incomplete") == std::string::npos);
    CHECK(read_file(r.markdown_path).value().find("Incomplete") == std::string::npos);
    const auto slack_posts = w.slack.accepted().size(), discord_posts = w.discord.accepted().size();

    // And never again.
    const auto calls_after = w.model.calls();
    const auto again = run_day(cfg, {.date = golden_day});
    for (const auto& d : again.profiles[0].deliveries) CHECK(d.skipped);
    CHECK(w.slack.accepted().size() == slack_posts);
    CHECK(w.discord.accepted().size() == discord_posts);
    CHECK(w.model.calls() == calls_after);  // every score came from the cache
}

TEST_CASE("scoring failure: run exits 75 while the day is held and status shows the reason") {
    world w;
    REQUIRE(write_file_atomic(w.dir / "paperboy.json", w.config_json(json::object()).dump(2)).has_value());
    const auto config = "--config '" + (w.dir / "paperboy.json").string() + "'";
    const auto run = test::run_paperboy("run " + config + " --date 2025-07-23");
    CHECK(run.exit_code == 75);
    CHECK(run.out.find("HELD") != std::string::npos);
    CHECK(run.out.find("261 could not be scored") != std::string::npos);
    CHECK(w.slack.requests().empty());
    const auto status = test::run_paperboy("status " + config);
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("lab-slack  held") != std::string::npos);
    CHECK(status.out.find("The model provider failed") != std::string::npos);
    CHECK(status.out.find("2 held, 0 pending, 0 failed") != std::string::npos);

    w.down = false;
    const auto recovered = test::run_paperboy("run " + config + " --date 2025-07-23");
    CHECK(recovered.exit_code == 0);
    CHECK_FALSE(w.slack.accepted().empty());
}

TEST_CASE("scoring failure: send_marked delivers at once with the notice in every channel and the archive, exit 4") {
    world w;
    REQUIRE(write_file_atomic(w.dir / "paperboy.json", w.config_json({{"on_failure", "send_marked"}}).dump(2)).has_value());
    const auto run = test::run_paperboy("run --config '" + (w.dir / "paperboy.json").string() + "' --date 2025-07-23");
    CHECK(run.exit_code == 4);
    CHECK(run.out.find("INCOMPLETE") != std::string::npos);
    REQUIRE_FALSE(w.slack.accepted().empty());
    const auto first_block = w.slack.accepted()[0]["blocks"][0];
    CHECK(first_block["text"]["text"].get<std::string>().starts_with(":warning: *Incomplete digest: 261 of 262 papers could not be scored"));
    REQUIRE_FALSE(w.discord.accepted().empty());
    CHECK(w.discord.accepted()[0]["content"].get<std::string>().find("Incomplete digest: 261 of 262") != std::string::npos);
    const auto page = read_file(w.dir / "out/lab/site/2025-07-23.html").value();
    CHECK(page.find("class=\"incomplete\"") != std::string::npos);
}

TEST_CASE("scoring failure: a hold that ran out is delivered marked incomplete, once") {
    world w;
    const auto cfg = w.make_config({{"hold_max_hours", 0}});
    const auto s = run_day(cfg, {.date = golden_day});
    CHECK_FALSE(s.profiles[0].held);
    REQUIRE(s.profiles[0].incomplete);
    for (const auto& d : s.profiles[0].deliveries) CHECK(d.delivered);
    REQUIRE_FALSE(w.slack.accepted().empty());
    CHECK(w.slack.accepted()[0].dump().find("Incomplete digest") != std::string::npos);
}

TEST_CASE("scoring failure: on_failure offline scores the rest offline and still says so") {
    world w;
    const auto cfg = w.make_config({{"on_failure", "offline"}});
    const auto s = run_day(cfg, {.date = golden_day});
    const auto& p = s.profiles[0];
    CHECK_FALSE(p.held);
    REQUIRE(p.incomplete);
    CHECK(p.incomplete->unscored == 0);
    CHECK(p.incomplete->fallback_scored == 261);
    REQUIRE_FALSE(w.slack.accepted().empty());
    CHECK(w.slack.accepted()[0].dump().find("scored by the offline keyword scorer") != std::string::npos);
}

TEST_CASE("prefilter: only the ranker's top half goes to the model, the rest is counted and keeps the ranker's score") {
    world w;
    w.down = false;
    const auto cfg = w.make_config({{"prefilter", {{"keep_fraction", 0.5}}}});
    const auto s = run_day(cfg, {.date = golden_day});
    const auto& p = s.profiles[0];
    CHECK_FALSE(p.incomplete);
    CHECK(p.stats.failed == 0);
    std::set<std::string> sent;
    for (const auto& r : w.model.requests()) {
        const auto body = json::parse(r.body);
        const auto prompt = body["messages"].back()["content"].get<std::string>();
        if (prompt.find("Write a TL;DR") != std::string::npos) continue;  // the selected papers' summaries
        for (auto& id : test::prompt_ids(prompt)) sent.insert(std::move(id));
    }
    CHECK(sent.size() == 131);  // ceil(0.5 * 261)
    const auto report = json::parse(read_file(p.json_path).value());
    bool noted = false;
    for (const auto& n : report["notes"]) noted = noted || n.get<std::string>() == "130 of 261 papers were held back by the ranker pre-filter (llm.prefilter) and not sent to the model.";
    CHECK(noted);
    for (const auto& paper : report["papers"]) {
        if (!paper["author_match"].get<bool>()) CHECK(paper.contains("ranker_score"));
    }
    CHECK(parse_config(w.config_json({{"prefilter", {{"keep_top", 10}, {"keep_fraction", 0.5}}}}).dump(), w.dir.path()).error().detail.find("exactly one") !=
          std::string::npos);
}
