// LLM scoring throughput and prompt caching on a full day, against the fake OpenAI server.
//   paperboy_llm_bench [DAY_DIR] [DELAY_MS]
// Default day: ../shared/fixtures/days/2025-07-08 (1,200 papers, 783 scanned); delay 500 ms.
// Targets (issue 3): concurrency 8 within 1.25x of ceil(calls/8) x delay; >= 30% of prompt
// tokens from the simulated prefix cache; a second run of the same day spends zero tokens.
#include "config/config.hpp"
#include "core/files.hpp"
#include "job/daily_run.hpp"
#include "log/logging.hpp"
#include "support/fake_openai.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

using namespace paperboy;
using nlohmann::json;

namespace {

struct measured {
    double seconds = 0;
    int calls = 0;
    long prompt_tokens = 0;
    long cached_tokens = 0;
    long scanned = 0;
    long second_run_tokens = -1;
    int second_run_calls = -1;
};

measured run(const std::string& day_dir, int concurrency, std::chrono::milliseconds delay, bool twice) {
    const auto answers = json::parse(read_file(day_dir + "/answers.json").value());
    test::fake_openai fake({.answers = answers, .delay = delay, .prefix_cache = true});
    test::temp_dir dir;
    const json cfg{
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + day_dir + "/feed.xml"}}},
        {"profiles", {{{"name", "bench"}, {"topics_file", std::string(PAPERBOY_SOURCE_DIR) + "/config/prompts/topics.txt"}}}},
        {"llm", {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}, {"concurrency", concurrency}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
    };
    const auto c = parse_config(cfg.dump(), dir.path()).value();
    const auto date = parse_iso_day(day_dir.substr(day_dir.size() - 10));
    measured m;
    const auto start = std::chrono::steady_clock::now();
    const auto summary = run_day(c, {.date = date});
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.calls = fake.calls();
    m.prompt_tokens = summary.profiles[0].stats.usage.prompt_tokens;
    m.cached_tokens = summary.profiles[0].stats.usage.cached_tokens;
    m.scanned = summary.profiles[0].stats.scanned;
    if (twice) {
        const long before = fake.prompt_tokens();
        run_day(c, {.date = date});
        m.second_run_tokens = fake.prompt_tokens() - before;
        m.second_run_calls = fake.calls() - m.calls;
    }
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string day = argc > 1 ? argv[1] : std::string(PAPERBOY_SOURCE_DIR) + "/../shared/fixtures/days/2025-07-08";
    const auto delay = std::chrono::milliseconds(argc > 2 ? std::stoi(argv[2]) : 500);
    setup_logging(spdlog::level::warn);

    const auto c8 = run(day, 8, delay, true);
    const auto c1 = run(day, 1, delay, false);
    const double per_call = static_cast<double>(delay.count()) / 1000.0;
    const double ideal8 = std::ceil(c8.calls / 8.0) * per_call;
    const double ideal1 = c1.calls * per_call;

    std::printf("day:                          %s (%ld scanned papers, %d calls of 5 papers)\n", day.c_str(), c8.scanned, c8.calls);
    std::printf("fake latency per call:        %.3f s\n", per_call);
    std::printf("concurrency 1:                %.2f s (ideal %.2f s, %.3fx)\n", c1.seconds, ideal1, c1.seconds / ideal1);
    std::printf("concurrency 8:                %.2f s (ideal ceil(%d/8) x %.1f s = %.2f s, %.3fx; target <= 1.25x)\n", c8.seconds,
                c8.calls, per_call, ideal8, c8.seconds / ideal8);
    std::printf("prompt tokens per paper:      %.0f (%ld prompt tokens)\n", static_cast<double>(c8.prompt_tokens) / c8.scanned,
                c8.prompt_tokens);
    std::printf("cached share of prompt:       %.1f%% (target >= 30%%)\n", 100.0 * c8.cached_tokens / c8.prompt_tokens);
    std::printf("second run of the same day:   %ld prompt tokens, %d calls (target 0)\n", c8.second_run_tokens, c8.second_run_calls);
    return 0;
}
