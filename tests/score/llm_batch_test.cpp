// llm.mode "batch" against the fake's Batch API: the happy path at half the price, each way a
// batch can end short (expired, failed, error lines, over time), and a restart mid-poll.
#include "score/llm_batch.hpp"

#include "core/dates.hpp"
#include "score/pricing.hpp"
#include "state/state_store.hpp"
#include "support/child_process.hpp"
#include "support/process.hpp"
#include "support/scoring_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace paperboy;
using namespace std::chrono_literals;
using nlohmann::json;
using test::fake_openai;

namespace {

const json batch_settings{{"mode", "batch"}, {"batch_poll_seconds", 0.01}};

int chat_calls(const fake_openai& fake) {
    int n = 0;
    for (const auto& r : fake.requests()) n += r.target == "/v1/chat/completions";
    return n;
}

void check_all_scored(const scoring_outcome& out, const test::day_papers& day) {
    CHECK(out.failed.empty());
    const auto answers = test::golden_answers();
    for (const auto* p : day.papers) {
        INFO(p->id);
        REQUIRE(out.scores.contains(p->id));
        CHECK(out.scores.at(p->id).relevance == answers[p->id]["RELEVANCE"].get<int>());
    }
}

}  // namespace

TEST_CASE("batch mode: the abstracts go to the Batch API in one upload, are polled to completion, and cost half") {
    fake_openai fake({.answers = test::golden_answers(), .prefix_cache = true});
    const auto day = test::golden_papers(40);
    const auto out = test::score_with(test::llm_config_for(fake, batch_settings), day.papers);
    check_all_scored(out, day);
    CHECK(fake.files_uploaded() == 1);
    CHECK(fake.batches_created() == 1);
    CHECK(fake.batch_polls() == 3);  // in_progress, finalizing, completed
    CHECK(chat_calls(fake) == 0);
    CHECK(out.usage.prompt_tokens == fake.prompt_tokens());
    CHECK(out.usage.batch_prompt_tokens == out.usage.prompt_tokens);
    const auto prices = default_prices();
    token_usage list = out.usage;
    list.batch_prompt_tokens = list.batch_completion_tokens = list.batch_cached_tokens = 0;
    CHECK(compute_cost(prices, "gpt-4o", out.usage)->total_usd() == Approx(compute_cost(prices, "gpt-4o", list)->total_usd() * batch_price_factor));
    REQUIRE(out.notes.size() == 1);
    CHECK(out.notes[0] == "Scored through the Batch API at half the price (8 requests).");

    // The upload: multipart, purpose=batch, one chat-completion request per line with a unique custom_id.
    const auto upload = fake.requests().front();
    CHECK(upload.target == "/v1/files");
    CHECK(upload.headers.at("authorization") == "Bearer " + test::secret_key);
    CHECK(upload.headers.at("content-type").starts_with("multipart/form-data; boundary="));
    CHECK(upload.body.find("\"custom_id\":\"r7\"") != std::string::npos);
    CHECK(upload.body.find("\"url\":\"/v1/chat/completions\"") != std::string::npos);
}

TEST_CASE("batch mode: the title pass is a batch of its own before the abstracts, unless a title model of its own reads it") {
    const auto day = test::golden_papers(40);
    const std::set<std::string> drops{day.papers[0]->id, day.papers[1]->id};
    fake_openai fake({.answers = test::golden_answers(), .title_drops = drops});
    auto settings = batch_settings;
    settings["title_filter"] = true;
    const auto out = test::score_with(test::llm_config_for(fake, settings), day.papers);
    CHECK(out.failed.empty());
    CHECK(out.scores.size() == 40);
    for (const auto& id : drops) CHECK(out.scores.at(id).comment == "Dropped by the title pre-filter.");
    CHECK(fake.batches_created() == 2);
    CHECK(chat_calls(fake) == 0);
    CHECK(out.usage.batch_prompt_tokens == out.usage.prompt_tokens);  // all of it at half the price
    REQUIRE(out.notes.size() == 2);
    CHECK(out.notes[0] == "Title-filtered through the Batch API at half the price (1 request).");
    CHECK(out.notes[1].starts_with("Scored through the Batch API at half the price"));

    fake_openai direct({.answers = test::golden_answers(), .title_drops = drops});
    settings["title_model"] = "gpt-4o-mini";
    const auto mini = test::score_with(test::llm_config_for(direct, settings), day.papers);
    CHECK(mini.failed.empty());
    CHECK(direct.batches_created() == 1);  // one model per batch: the titles went to gpt-4o-mini directly
    CHECK(chat_calls(direct) == 1);
    CHECK(json::parse(direct.requests().front().body)["model"] == "gpt-4o-mini");
}

TEST_CASE("batch mode: an expired batch's answers are used and the rest is scored now, and the note says so") {
    fake_openai fake({.answers = test::golden_answers(), .batch_end = "expired"});
    const auto day = test::golden_papers(40);
    const auto out = test::score_with(test::llm_config_for(fake, batch_settings), day.papers);
    check_all_scored(out, day);
    CHECK(chat_calls(fake) == 4);
    CHECK(out.usage.batch_prompt_tokens > 0);
    CHECK(out.usage.batch_prompt_tokens < out.usage.prompt_tokens);
    REQUIRE(out.notes.size() == 1);
    CHECK(out.notes[0] == "The Batch API answered 4 of 8 requests (batch expired); the rest were scored at the normal price.");
    CHECK(out.problem.empty());  // every paper was scored: the digest is complete
}

TEST_CASE("batch mode: a batch that fails validation, or lines in its error file, are scored synchronously") {
    const auto day = test::golden_papers(40);
    SECTION("failed") {
        fake_openai fake({.answers = test::golden_answers(), .batch_end = "failed"});
        const auto out = test::score_with(test::llm_config_for(fake, batch_settings), day.papers);
        check_all_scored(out, day);
        CHECK(chat_calls(fake) == 8);
        CHECK(out.notes.at(0) == "The Batch API answered 0 of 8 requests (batch failed: The batch failed validation.); the rest were scored at the normal price.");
    }
    SECTION("error lines") {
        fake_openai fake({.answers = test::golden_answers(), .batch_error_ids = {"r0", "r5"}});
        const auto out = test::score_with(test::llm_config_for(fake, batch_settings), day.papers);
        check_all_scored(out, day);
        CHECK(chat_calls(fake) == 2);
    }
}

TEST_CASE("batch mode: a batch not done within batch_max_wait is cancelled and its papers are scored now") {
    fake_openai fake({.answers = test::golden_answers(), .batch_end = "never"});
    const auto day = test::golden_papers(20);
    auto settings = batch_settings;
    settings["batch_max_wait_minutes"] = 0.005;  // 0.3 s
    const auto start = std::chrono::steady_clock::now();
    const auto out = test::score_with(test::llm_config_for(fake, settings), day.papers);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    check_all_scored(out, day);
    CHECK(fake.batches_cancelled() == 1);
    CHECK(chat_calls(fake) == 4);
    CHECK(out.notes.at(0) == "The Batch API answered 0 of 4 requests (batch cancelled); the rest were scored at the normal price.");
}

TEST_CASE("batch mode: a cancel that stays cancelling for many polls is awaited, and what the batch finished is read, not paid twice") {
    fake_openai fake({.answers = test::golden_answers(), .batch_end = "never", .cancelling_polls = 8, .cancel_keeps_finished = true});
    const auto day = test::golden_papers(20);
    auto settings = batch_settings;
    settings["batch_max_wait_minutes"] = 0.05;  // 3 s: cancelled at 2.25 s, a quarter before the end
    const auto start = std::chrono::steady_clock::now();
    const auto out = test::score_with(test::llm_config_for(fake, settings), day.papers);
    CHECK(std::chrono::steady_clock::now() - start < 3500ms);
    check_all_scored(out, day);
    CHECK(fake.batches_cancelled() == 1);
    CHECK(chat_calls(fake) == 2);  // the two requests the batch had not finished; the other two came from its output file
    CHECK(out.notes.at(0) == "The Batch API answered 2 of 4 requests (batch cancelled); the rest were scored at the normal price.");
}

TEST_CASE("batch mode: a 429 from /files or /batches is retried after its Retry-After, not at once") {
    fake_openai fake({.answers = test::golden_answers(), .batch_endpoint_429s = 2});
    const auto day = test::golden_papers(20);
    const auto out = test::score_with(test::llm_config_for(fake, batch_settings), day.papers);
    check_all_scored(out, day);
    CHECK(fake.batches_created() == 1);
    std::vector<std::chrono::steady_clock::time_point> uploads;
    for (const auto& r : fake.requests()) {
        if (r.method == "POST" && r.target == "/v1/files") uploads.push_back(r.received);
    }
    REQUIRE(uploads.size() == 3);  // two refused, one accepted
    CHECK(uploads[1] - uploads[0] >= 1000ms);
    CHECK(uploads[2] - uploads[1] >= 1000ms);
}

TEST_CASE("batch mode: llm.batch_deadline ends the batches at that moment, and a deadline already past scores directly") {
    const auto day = test::golden_papers(20);
    const auto in_ms = [](std::chrono::milliseconds d) { return unix_ms(std::chrono::system_clock::now() + d); };
    SECTION("a batch still running at the deadline is cancelled then, and its papers scored now") {
        fake_openai fake({.answers = test::golden_answers(), .batch_end = "never"});
        auto cfg = test::llm_config_for(fake, batch_settings);
        cfg.llm.batch_ends_ms = in_ms(1500ms);
        const auto start = std::chrono::steady_clock::now();
        const auto out = test::score_with(cfg, day.papers);
        CHECK(std::chrono::steady_clock::now() - start >= 1000ms);
        CHECK(std::chrono::steady_clock::now() - start < 5s);
        check_all_scored(out, day);
        CHECK(fake.batches_cancelled() == 1);
        CHECK(chat_calls(fake) == 4);
    }
    SECTION("past, or too near for two polls: no batch at all, and the note says why") {
        fake_openai fake({.answers = test::golden_answers()});
        auto cfg = test::llm_config_for(fake, batch_settings);
        cfg.llm.batch_ends_ms = in_ms(-60s);
        const auto out = test::score_with(cfg, day.papers);
        check_all_scored(out, day);
        CHECK(fake.batches_created() == 0);
        CHECK(chat_calls(fake) == 4);
        REQUIRE(out.notes.size() == 1);
        CHECK(out.notes[0] == "The batch deadline (llm.batch_deadline) was past when scoring began; the papers were scored directly at the normal price.");
        CHECK(out.usage.batch_prompt_tokens == 0);

        fake_openai near({.answers = test::golden_answers()});
        auto slow_polls = batch_settings;
        slow_polls["batch_poll_seconds"] = 1;
        cfg = test::llm_config_for(near, slow_polls);
        cfg.llm.batch_ends_ms = in_ms(1500ms);  // one poll would be all it got
        CHECK(test::score_with(cfg, day.papers).notes.at(0).find("was too near when scoring began") != std::string::npos);
        CHECK(near.batches_created() == 0);
    }
}

TEST_CASE("batch mode: a run killed while it polls resumes the same batch on restart and pays once") {
    fake_openai fake({.answers = test::golden_answers(), .prefix_cache = true, .batch_end = "never"});
    test::temp_dir dir;
    const json cfg{
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}}},
        {"profiles", {{{"name", "golden"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}, {"authors", {"Yoshua Bengio"}}}}},
        {"llm", {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}, {"concurrency", 4}, {"retry_delay_ms", 10},
                 {"mode", "batch"}, {"batch_poll_seconds", 0.05}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
    };
    REQUIRE(write_file_atomic(dir / "paperboy.json", cfg.dump(2)).has_value());
    {
        test::child_process run({test::paperboy_binary().string(), "run", "--config", (dir / "paperboy.json").string(), "--date", "2025-07-23"}, {},
                                (dir / "first.log").string());
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (fake.batch_polls() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
        REQUIRE(fake.batch_polls() >= 3);
        run.signal(SIGKILL);
        CHECK(run.wait() == 128 + SIGKILL);
    }
    CHECK(fake.batches_created() == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "out/golden/2025-07-23.md"));

    fake.set_batch_end("completed");
    const auto second = test::run_paperboy("run -v --config '" + (dir / "paperboy.json").string() + "' --date 2025-07-23");
    INFO(second.err);
    REQUIRE(second.exit_code == 0);
    CHECK(second.err.find("resuming batch batch_1") != std::string::npos);
    // The title pass's batch resumed, not sent again; then the abstracts' batch and the TL;DRs'.
    CHECK(fake.files_uploaded() == 3);
    CHECK(fake.batches_created() == 3);
    const auto report = json::parse(read_file(dir / "out/golden/2025-07-23.json").value());
    std::vector<std::string> ids;
    for (const auto& p : report["papers"]) ids.push_back(p["id"]);
    CHECK(ids == test::expected_golden_order());
    CHECK(read_file(dir / "out/golden/2025-07-23.md").value().find("Scored through the Batch API at half the price") != std::string::npos);
}

TEST_CASE("batch mode: polls start at batch_poll_seconds and slow to four times that, and the wait is measured from submission") {
    CHECK(batch_poll_wait(0, 30s) == 30s);
    CHECK(batch_poll_wait(2, 30s) == 30s);
    CHECK(batch_poll_wait(3, 30s) == 60s);
    CHECK(batch_poll_wait(6, 30s) == 120s);
    CHECK(batch_poll_wait(100, 30s) == 120s);
    CHECK_FALSE(batch_overdue(1'000, 60s, 0, 60'999));
    CHECK(batch_overdue(1'000, 60s, 0, 61'000));
    // A deadline of the day decides alone, for a batch submitted long before it or resumed late.
    CHECK_FALSE(batch_overdue(1'000, 60s, 500'000, 499'999));
    CHECK(batch_overdue(1'000, 60s, 500'000, 500'000));
    // The cancel comes early enough to settle by the end: 10 minutes before it, or a quarter
    // of a short batch's time.
    CHECK(batch_cancel_at(0, 3600s, 0) == 3'000'000);
    CHECK(batch_cancel_at(0, 60s, 0) == 45'000);
    CHECK(batch_cancel_at(0, 60s, 7'200'000) == 6'600'000);
    CHECK(batch_cancel_at(10'000, 60s, 5'000) == 5'000);  // resumed after its deadline: at once
}

TEST_CASE("batch mode: the TLDRs go through the Batch API too, at batch prices, and what it leaves is written directly") {
    const auto day = test::golden_papers(20);
    std::vector<const paper*> chosen(day.papers.begin(), day.papers.begin() + 15);
    SECTION("a completed batch writes them all, with no direct call") {
        fake_openai fake({.answers = test::golden_answers()});
        const auto cfg = test::llm_config_for(fake, batch_settings);
        auto scorer = make_scorer(cfg.llm, cfg.plugin_dir, {}, nullptr);
        const auto out = scorer->summarize(chosen, "English");
        CHECK(out.tldr.size() == 15);
        CHECK(out.tldr.at(chosen[0]->id) == "Summary of " + chosen[0]->id + ".");
        CHECK(fake.batches_created() == 1);
        CHECK(chat_calls(fake) == 0);
        CHECK(out.usage.prompt_tokens > 0);
        CHECK(out.usage.batch_prompt_tokens == out.usage.prompt_tokens);  // priced as bought in the batch
    }
    SECTION("a batch cancelled at its time writes none, and two direct calls write the 15") {
        fake_openai fake({.answers = test::golden_answers(), .batch_end = "never"});
        auto settings = batch_settings;
        settings["batch_max_wait_minutes"] = 0.01;  // the TL;DRs get a third: 0.2 s
        const auto cfg = test::llm_config_for(fake, settings);
        auto scorer = make_scorer(cfg.llm, cfg.plugin_dir, {}, nullptr);
        const auto out = scorer->summarize(chosen, "English");
        CHECK(out.tldr.size() == 15);
        CHECK(fake.batches_cancelled() == 1);
        CHECK(chat_calls(fake) == 2);
        CHECK(out.usage.batch_prompt_tokens == 0);
    }
}
