// Parses a full arXiv day and reports time and memory.
//   paperboy_parse_bench [FEED.xml] [ITERATIONS]
// Default feed: ../shared/fixtures/days/2025-07-08/feed.xml (1,200 papers, 2.1 MB).
// Targets (issue 2): one parse under 50 ms and the process under 30 MB peak RSS.
#include "arxiv/feed_parser.hpp"
#include "core/files.hpp"
#include "job/daily_run.hpp"
#include "render/markdown.hpp"
#include "score/offline_scorer.hpp"
#include "score/builtin_prompts.hpp"
#include "select/selection.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

long status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
    }
    return -1;
}

double ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
    using clock = std::chrono::steady_clock;
    const std::string path = argc > 1 ? argv[1] : std::string(PAPERBOY_SOURCE_DIR) + "/../shared/fixtures/days/2025-07-08/feed.xml";
    const int iterations = argc > 2 ? std::stoi(argv[2]) : 30;
    auto bytes = paperboy::read_file(path);
    if (!bytes) {
        std::fprintf(stderr, "cannot read %s: %s\n", path.c_str(), bytes.error().message().c_str());
        return 1;
    }
    const long baseline_kb = status_kb("VmRSS:");

    std::vector<double> times;
    std::size_t papers = 0;
    for (int i = 0; i < iterations; ++i) {
        const auto start = clock::now();
        auto feed = paperboy::parse_feed(*bytes).value();
        times.push_back(ms(clock::now() - start));
        papers = feed.papers.size();
    }
    std::sort(times.begin(), times.end());
    const long peak_kb = status_kb("VmHWM:");

    // The rest of a day's work on the same feed with the offline scorer, for scale.
    auto feed = paperboy::parse_feed(*bytes).value();
    paperboy::profile_config profile;
    profile.name = "bench";
    profile.topics = std::string(paperboy::builtin_prompts::topics);
    const auto start = clock::now();
    const auto scanned = paperboy::scan(feed, {paperboy::announce_type::new_submission, paperboy::announce_type::cross_list});
    paperboy::offline_scorer scorer;
    const auto scored = scorer.score(profile, scanned);
    const auto selected = paperboy::select_papers(profile, {}, {}, scanned, scored.scores);
    paperboy::report r;
    r.papers = selected;
    r.prompt = scorer.disclose(profile);
    const auto md = paperboy::render_markdown(r);
    const double pipeline_ms = ms(clock::now() - start);

    std::printf("feed:                 %s\n", path.c_str());
    std::printf("size:                 %.2f MB, %zu papers\n", static_cast<double>(bytes->size()) / 1e6, papers);
    std::printf("parse time:           min %.2f ms, median %.2f ms, max %.2f ms over %d runs (target < 50 ms)\n",
                times.front(), times[times.size() / 2], times.back(), iterations);
    std::printf("peak RSS:             %.1f MB (before parsing %.1f MB; target < 30 MB)\n", peak_kb / 1024.0,
                baseline_kb / 1024.0);
    std::printf("offline score+select+render of %zu scanned papers: %.2f ms (%zu selected, %zu bytes of Markdown)\n",
                scanned.size(), pipeline_ms, selected.size(), md.size());
    return 0;
}
