// LLM scoring cost and speed on a full day, against the fake OpenAI server, with the defaults
// (concurrency 8, the title pre-filter on, batches sized for the day).
//   paperboy_llm_bench [DAY_DIR]
// Default day: ../shared/fixtures/days/2025-07-08 (1,200 papers, 783 scanned). Two latency
// models: a fixed 0.3 s a call, and 0.4 s to the first token plus the reply at 80 tokens/s.
// Printed per model: calls, prompt and cached tokens, completion tokens, dollars at gpt-4o
// prices, wall time and wall time over the ideal (the calls' model time spread over the
// workers), connections opened, and whether the selection is the fixture's expected one.
// Issue 14's reference, the Python tool on the same day and fake: 50 calls, 334,812 prompt
// tokens, $1.06, 18 s at 0.3 s a call.
#include "config/config.hpp"
#include "core/files.hpp"
#include "job/daily_run.hpp"
#include "log/logging.hpp"
#include "score/pricing.hpp"
#include "support/fake_openai.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

using namespace paperboy;
using nlohmann::json;

namespace {

struct measured {
    double seconds = 0, model_seconds = 0;
    int calls = 0, connections = 0;
    token_usage usage;
    double usd = 0;
    bool expected_selection = false;
    long second_run_tokens = -1;
};

measured run(const std::string& day_dir, std::chrono::milliseconds delay, double tokens_per_second, bool twice, bool batch = false,
             const std::string& title_model = {}, bool tldr = false) {
    const auto answers = json::parse(read_file(day_dir + "/answers.json").value());
    test::fake_openai fake({.answers = answers, .delay = delay, .completion_tokens_per_second = tokens_per_second, .prefix_cache = true});
    test::temp_dir dir;
    const json cfg{
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + day_dir + "/feed.xml"}}},
        {"profiles", {{{"name", "bench"}, {"topics_file", std::string(PAPERBOY_SOURCE_DIR) + "/config/prompts/topics.txt"}}}},
        {"llm", {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
    };
    auto with_mode = cfg;
    if (batch) {
        with_mode["llm"]["mode"] = "batch";
        with_mode["llm"]["batch_poll_seconds"] = 0.01;
    }
    if (!title_model.empty()) with_mode["llm"]["title_model"] = title_model;
    // Scoring as issue 14 measures it; the TL;DR pass over the selection is measured apart.
    with_mode["report"] = {{"tldr", tldr}};
    const auto c = parse_config(with_mode.dump(), dir.path()).value();
    const auto date = parse_iso_day(day_dir.substr(day_dir.size() - 10));
    measured m;
    const auto start = std::chrono::steady_clock::now();
    const auto summary = run_day(c, {.date = date});
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.model_seconds = fake.model_seconds();
    m.calls = fake.calls();
    m.connections = fake.connections();
    m.usage = summary.profiles[0].stats.usage;
    m.usd = compute_cost(c.llm.prices, "gpt-4o", m.usage, c.llm.title_model)->total_usd();
    const auto report = json::parse(read_file(summary.profiles[0].json_path).value());
    const auto expected = json::parse(read_file(day_dir + "/expected.json").value());
    std::set<std::string> got, want;
    for (const auto& p : report["papers"]) got.insert(p["id"].get<std::string>());
    for (const auto& id : expected) want.insert(id.get<std::string>());  // the expected selection, ids in report order
    m.expected_selection = !want.empty() && got == want;
    if (twice) {
        const long before = fake.prompt_tokens();
        run_day(c, {.date = date});
        m.second_run_tokens = fake.prompt_tokens() - before;
    }
    return m;
}

void print(const char* name, const measured& m, int concurrency) {
    const double ideal = m.model_seconds / concurrency;
    const double billed = static_cast<double>(m.usage.prompt_tokens - m.usage.cached_tokens) + 0.5 * static_cast<double>(m.usage.cached_tokens);
    char over_ideal[16] = "     -";  // every call in a batch: no model time to spread over workers
    if (ideal > 0) std::snprintf(over_ideal, sizeof over_ideal, "%5.3fx", m.seconds / ideal);
    std::printf("%-26s %5d  %8ld  %7ld  %6ld  %8.0f  $%5.2f  %6.2f s  %6s  %4d  %s\n", name, m.calls, m.usage.prompt_tokens,
                m.usage.cached_tokens, m.usage.completion_tokens, billed, m.usd, m.seconds, over_ideal, m.connections,
                m.expected_selection ? "yes" : "NO");
}

}  // namespace

int main(int argc, char** argv) {
    const std::string day = argc > 1 ? argv[1] : std::string(PAPERBOY_SOURCE_DIR) + "/../shared/fixtures/days/2025-07-08";
    setup_logging(spdlog::level::warn);
    const int concurrency = llm_config{}.concurrency;

    std::printf("day: %s; defaults: concurrency %d, title pre-filter %s, batches sized for the day\n\n", day.c_str(), concurrency,
                llm_config{}.title_filter ? "on" : "off");
    std::printf("%-26s %5s  %8s  %7s  %6s  %8s  %6s  %8s  %6s  %4s  %s\n", "latency model", "calls", "prompt", "cached", "compl.", "billed*",
                "gpt-4o", "wall", "/ideal", "conn", "expected selection");
    const auto fixed = run(day, std::chrono::milliseconds(300), 0, true);
    print("fixed 0.3 s a call", fixed, concurrency);
    const auto rate = run(day, std::chrono::milliseconds(400), 80, false);
    print("0.4 s + 80 tokens/s", rate, concurrency);
    const auto batch = run(day, std::chrono::milliseconds(400), 80, false, true);
    print("batch mode", batch, concurrency);
    const auto mini = run(day, std::chrono::milliseconds(400), 80, false, true, "gpt-4o-mini");
    print("batch + title_model mini*", mini, concurrency);
    std::printf("\n* billed prompt tokens: cached ones counted at half, as OpenAI prices them. Batch mode sends the title pass\n"
                "  and then the abstracts through the Batch API; with a title model of its own the title pass is called directly\n"
                "  (a batch holds one model), at 0.4 s + 80 tokens/s.\n");
    std::printf("Python tool on this day (issue 14): 50 calls, 334,812 prompt tokens, $1.06, 18 s at 0.3 s a call.\n");
    std::printf("targets: wall at 0.3 s <= 3.6 s (5x faster): %.2f s; token-rate wall <= 1.25x ideal: %.3fx; billed prompt <= 284,590 "
                "(0.85x): %.0f; one connection per worker: %d for %d workers\n",
                fixed.seconds, rate.seconds / (rate.model_seconds / concurrency),
                static_cast<double>(fixed.usage.prompt_tokens - fixed.usage.cached_tokens) + 0.5 * static_cast<double>(fixed.usage.cached_tokens),
                fixed.connections, concurrency);
    std::printf("second run of the same day: %ld prompt tokens (target 0)\n", fixed.second_run_tokens);
    std::printf("batch mode: %.3f of the Python tool's $1.06 (target <= 0.45); its wall time is the polls of a fake that answers at once: a "
                "real batch takes minutes to hours, bounded by llm.batch_max_wait_minutes or llm.batch_deadline\n", batch.usd / 1.06);
    std::printf("batch mode with llm.title_model gpt-4o-mini for the title pass: %.3f of $1.06\n", mini.usd / 1.06);
    const auto with_tldr = run(day, std::chrono::milliseconds(300), 0, false, false, {}, true);
    std::printf("report.tldr (on by default) adds %d calls, %ld prompt + %ld completion tokens, $%.3f for the %s selection\n",
                with_tldr.calls - fixed.calls, with_tldr.usage.prompt_tokens - fixed.usage.prompt_tokens,
                with_tldr.usage.completion_tokens - fixed.usage.completion_tokens, with_tldr.usd - fixed.usd,
                with_tldr.expected_selection ? "48-paper" : "day's");
    const auto batch_tldr = run(day, std::chrono::milliseconds(400), 80, false, true, {}, true);
    std::printf("batch mode with report.tldr: %.3f of $1.06 (target <= 0.46): the TL;DRs a small batch of their own, %ld of its %ld prompt "
                "tokens bought in batches\n",
                batch_tldr.usd / 1.06, batch_tldr.usage.batch_prompt_tokens, batch_tldr.usage.prompt_tokens);
    return 0;
}
