// The ranker's quality on real arXiv days against a real reader's model picks
// (../shared/fixtures/relevance), leave one day out: the votes are that reader's picks of the
// other days, recorded through record_votes (the path `paperboy feedback` takes) into a real
// state file, and the built-in scorer ranks the held-out day. Prints, per day and on average,
// ROC AUC and recall@K (K = the day's number of picks) for the old keyword scorer, the cold
// ranker (topics only) and the trained ranker, and the share of the picks that survive a
// prefilter keeping the ranker's top 25% and 50%. A second reader of our own making (a 3D
// vision topic, its picks a title rule) checks that nothing is tuned to the first.
//   paperboy_rank_bench [RELEVANCE_DIR]
#include "arxiv/feed_parser.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "feedback/votes.hpp"
#include "rank/ranker.hpp"
#include "score/offline_scorer.hpp"
#include "score/ranker_scorer.hpp"
#include "state/state_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <unistd.h>

using namespace paperboy;
namespace fs = std::filesystem;

namespace {

struct labelled_day {
    std::string name, date;
    feed f;
    std::set<std::string> picks;
};

struct reader {
    std::string name, topics;
    std::set<std::string> categories;  // the reader's model saw only papers with one of them as primary
    std::vector<labelled_day> days;
};

double recall_at_k(const std::vector<double>& scores, const std::vector<int>& labels) {
    const int k = std::accumulate(labels.begin(), labels.end(), 0);
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] > scores[b]; });
    int hits = 0;
    for (int i = 0; i < k; ++i) hits += labels[order[static_cast<std::size_t>(i)]];
    return k == 0 ? 0 : static_cast<double>(hits) / k;
}

double kept_share(const std::vector<double>& scores, const std::vector<int>& labels, double fraction) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] > scores[b]; });
    const auto keep = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(scores.size())));
    const int all = std::accumulate(labels.begin(), labels.end(), 0);
    int kept = 0;
    for (std::size_t i = 0; i < keep && i < order.size(); ++i) kept += labels[order[i]];
    return all == 0 ? 1.0 : static_cast<double>(kept) / all;
}

struct metrics {
    double keyword_auc = 0, keyword_recall = 0, cold_auc = 0, cold_recall = 0, trained_auc = 0, trained_recall = 0, keep25 = 0, keep50 = 0;
    double seen_auc = 0;  // trained, over the papers the reader's model was shown
    int days = 0;
    void add(const metrics& m) {
        keyword_auc += m.keyword_auc, keyword_recall += m.keyword_recall, cold_auc += m.cold_auc, cold_recall += m.cold_recall;
        trained_auc += m.trained_auc, trained_recall += m.trained_recall, keep25 += m.keep25, keep50 += m.keep50;
        seen_auc += m.seen_auc;
        ++days;
    }
};

std::vector<double> ranker_scores(ranker_scorer& scorer, const profile_config& profile, const std::vector<const paper*>& papers) {
    const auto out = scorer.score(profile, papers);
    std::vector<double> s;
    for (const auto* p : papers) s.push_back(*out.scores.at(p->id).ranker_score);
    return s;
}

metrics evaluate(const reader& r, std::size_t test, const fs::path& work) {
    fs::remove_all(work);
    state_store state(work / "state.db");
    for (const auto& d : r.days) state.save_day(d.f, "file://" + d.name);
    profile_config profile;
    profile.name = "bench";
    profile.topics = r.topics;
    const auto& day = r.days[test];
    std::vector<const paper*> papers;
    std::vector<int> labels;
    for (const auto& p : day.f.papers) {
        papers.push_back(&p);
        labels.push_back(day.picks.contains(p.id) ? 1 : 0);
    }
    metrics m;
    if (day.picks.empty()) return m;
    std::vector<double> keyword;
    const auto ks = extract_keywords(r.topics);
    for (const auto* p : papers) keyword.push_back(offline_score(find_keywords(ks, *p)).relevance);
    m.keyword_auc = rank::roc_auc(keyword, labels).value_or(0.5);
    m.keyword_recall = recall_at_k(keyword, labels);

    ranker_scorer cold(&state);
    const auto cs = ranker_scores(cold, profile, papers);
    m.cold_auc = rank::roc_auc(cs, labels).value_or(0.5);
    m.cold_recall = recall_at_k(cs, labels);

    for (std::size_t i = 0; i < r.days.size(); ++i) {
        if (i == test || r.days[i].picks.empty()) continue;
        vote_request req{profile.name, r.days[i].date, {r.days[i].picks.begin(), r.days[i].picks.end()}, {}, "bench"};
        record_votes(state, req).value();
    }
    ranker_scorer trained(&state);
    const auto ts = ranker_scores(trained, profile, papers);
    m.trained_auc = rank::roc_auc(ts, labels).value_or(0.5);
    m.trained_recall = recall_at_k(ts, labels);
    m.keep25 = kept_share(ts, labels, 0.25);
    m.keep50 = kept_share(ts, labels, 0.5);
    // The fixture's negatives include cross-lists the reader's model never read (its README):
    // the same ranking, scored over the papers it was shown.
    std::vector<double> seen_scores;
    std::vector<int> seen_labels;
    for (std::size_t i = 0; i < papers.size(); ++i) {
        if (r.categories.empty() || (!papers[i]->categories.empty() && r.categories.contains(papers[i]->categories.front()))) {
            seen_scores.push_back(ts[i]);
            seen_labels.push_back(labels[i]);
        }
    }
    m.seen_auc = rank::roc_auc(seen_scores, seen_labels).value_or(0.5);
    return m;
}

void report(const reader& r, const fs::path& work) {
    std::printf("\nreader %s: %zu days, leave one day out\n", r.name.c_str(), r.days.size());
    std::printf("%-12s %6s %5s | %-13s | %-13s | %-13s | %-13s | %s\n", "day", "papers", "picks", "keywords", "cold ranker", "trained", "prefilter kept",
                "trained");
    std::printf("%-12s %6s %5s | %-13s | %-13s | %-13s | %-13s | %s\n", "", "", "", "AUC   rec@K", "AUC   rec@K", "AUC   rec@K", "25%    50%",
                "AUC seen");
    metrics sum;
    for (std::size_t t = 0; t < r.days.size(); ++t) {
        const auto m = evaluate(r, t, work);
        std::printf("%-12s %6zu %5zu | %.3f %.3f   | %.3f %.3f   | %.3f %.3f   | %.3f  %.3f  | %.3f\n", r.days[t].date.c_str(),
                    r.days[t].f.papers.size(), r.days[t].picks.size(), m.keyword_auc, m.keyword_recall, m.cold_auc, m.cold_recall, m.trained_auc,
                    m.trained_recall, m.keep25, m.keep50, m.seen_auc);
        sum.add(m);
    }
    const double n = sum.days;
    std::printf("%-12s %6s %5s | %.3f %.3f   | %.3f %.3f   | %.3f %.3f   | %.3f  %.3f  | %.3f\n", "mean", "", "", sum.keyword_auc / n,
                sum.keyword_recall / n, sum.cold_auc / n, sum.cold_recall / n, sum.trained_auc / n, sum.trained_recall / n, sum.keep25 / n,
                sum.keep50 / n, sum.seen_auc / n);
}

// A reader of our own: 3D vision, whose "model" picks the papers whose title names its topic.
reader second_reader(const reader& first) {
    reader r;
    r.name = "own-3d-vision (title rule)";
    r.topics =
        "3D Reconstruction and Neural Rendering\n\nRelevant: neural radiance fields (NeRF), 3D Gaussian splatting, multi-view "
        "3D reconstruction, novel view synthesis, depth and surface reconstruction from images, point clouds and meshes.\n\n"
        "Not relevant: 2D image generation, segmentation, video understanding, language models.";
    static const std::vector<std::string> rule{"gaussian splatting", "nerf", "radiance field", "3d reconstruction", "novel view", "3d gaussian",
                                               "multi view", "point cloud", "mesh"};
    for (const auto& d : first.days) {
        labelled_day own{d.name, d.date, d.f, {}};
        for (const auto& p : d.f.papers) {
            const auto title = " " + text::fold(p.title) + " ";
            if (std::any_of(rule.begin(), rule.end(), [&](const auto& w) { return title.find(" " + w + " ") != std::string::npos; })) own.picks.insert(p.id);
        }
        if (!own.picks.empty()) r.days.push_back(std::move(own));
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::path(PAPERBOY_SOURCE_DIR) / "../shared/fixtures/relevance";
    std::map<std::string, reader> readers;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (!e.is_directory()) continue;
        const auto name = e.path().filename().string();
        const auto dash = name.find('-');
        auto& r = readers[name.substr(0, dash)];
        r.name = name.substr(0, dash);
        r.topics = read_file(e.path() / "topics.txt").value();
        labelled_day d;
        d.name = name;
        d.f = parse_feed(read_file(e.path() / "feed.xml").value()).value();
        d.date = format_iso_day(d.f.announced);
        const auto selected = nlohmann::json::parse(read_file(e.path() / "selected.json").value());
        for (const auto& [id, v] : selected["selected"].items()) d.picks.insert(id);
        for (const auto& c : selected.value("categories", nlohmann::json::array())) {
            if (c.is_string()) r.categories.insert(c.get<std::string>());
        }
        r.days.push_back(std::move(d));
    }
    const auto work = fs::temp_directory_path() / ("paperboy-rank-bench-" + std::to_string(::getpid()));
    const auto start = std::chrono::steady_clock::now();
    for (auto& [name, r] : readers) {
        std::sort(r.days.begin(), r.days.end(), [](const auto& a, const auto& b) { return a.date < b.date; });
        report(r, work);
        report(second_reader(r), work);
    }
    fs::remove_all(work);
    std::printf("\nwall time %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}
