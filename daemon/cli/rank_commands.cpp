// Commands that show the ranking: explain and preview.
#include "cli/cli_detail.hpp"

#include "arxiv/feed_parser.hpp"
#include "cli/exit_codes.hpp"
#include "config/config.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "job/daily_run.hpp"
#include "score/examples.hpp"
#include "score/ranker_scorer.hpp"
#include "select/authors.hpp"
#include "state/state_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <set>

namespace paperboy::cli_detail {
namespace {

std::string fixed(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.2f", v);
    return buf;
}

}  // namespace

int cmd_explain(const std::vector<std::string>& args) {
    common_options c;
    std::string date_text, profile_name;
    std::vector<std::string> ids;
    auto desc = common_description(c);
    desc.add_options()("date", po::value(&date_text))("profile", po::value(&profile_name))("id", po::value(&ids));
    po::positional_options_description positional;
    positional.add("id", -1);
    if (!parse_command(args, desc, c, &positional)) return exit_code::ok;
    if (date_text.empty() || ids.size() != 1) throw failure(make_error(errc::usage, "explain needs --date YYYY-MM-DD and one paper id"));
    const auto cfg = load_config(resolve_config_path(c)).value();
    const auto& profile = pick_profile(cfg, profile_name);
    const auto date = parse_iso_day(date_text);
    if (!date) throw failure(make_error(errc::usage, "--date expects YYYY-MM-DD, got '" + date_text + "'"));
    state_store state(cfg.state_path);
    const auto day = state.load_day(*date);
    if (!day) throw failure(make_error(errc::not_found, "no stored day " + date_text + " (run it first)"));
    const auto id = parse_arxiv_id(ids.front()).id;
    const auto it = std::find_if(day->papers.begin(), day->papers.end(), [&](const paper& p) { return p.id == id; });
    if (it == day->papers.end()) {
        throw failure(make_error(errc::not_found, "'" + text::clean_line(ids.front(), 60) + "' is not among the " + std::to_string(day->papers.size()) +
                                                  " papers of " + date_text));
    }
    const paper& p = *it;
    std::cout << p.id << "v" << p.version << ": " << text::clean_line(p.title, 200) << "\n  " << p.abs_url() << "\n\n";

    const auto kept = scan(*day, cfg.arxiv.announce_types);
    const bool scanned = std::find(kept.begin(), kept.end(), &p) != kept.end();
    std::cout << "announce type: " << to_string(p.type) << (scanned ? " (kept)" : " (left out by arxiv.announce_types)") << "\n";
    const auto matched = author_matcher(profile.authors).match(p.authors);
    if (!matched.empty()) std::cout << "followed author: " << matched << " (listed first, not scored)\n";
    if (!cfg.delivery.deliver_repeats && state.delivered_papers_before(profile.name, date_text, std::vector<std::string>{p.id}).contains(p.id)) {
        std::cout << "repeat: an earlier digest already delivered it (delivery.deliver_repeats is off)\n";
    }

    auto sc = make_scorer(cfg.llm, cfg.plugin_dir, cfg.source, &state);
    const std::vector<const paper*> one{&p};
    const auto key = sc->cache_key(with_examples(profile, state, cfg.llm.examples));
    const auto cached = state.cached_scores(key, one);
    if (const auto s = cached.find(p.id); s != cached.end()) {
        const auto& score = s->second;
        const bool pass = score.relevance >= profile.relevance_cutoff && (!score.novelty || *score.novelty >= profile.novelty_cutoff);
        std::cout << "scores (" << sc->model() << "): relevance " << score.relevance << " (cut-off " << profile.relevance_cutoff << "), novelty "
                  << (score.novelty ? std::to_string(*score.novelty) : std::string("not judged")) << " (cut-off " << profile.novelty_cutoff
                  << "): " << (pass ? "passes" : "below the cut-offs") << "\n  comment: " << text::clean_line(score.comment, 400) << "\n";
    } else if (!matched.empty()) {
        std::cout << "scores: none (papers of followed authors are not scored)\n";
    } else {
        std::cout << "scores: none under the current settings (the prompt, model or votes changed since the day ran)\n";
    }

    const auto report = read_file(cfg.output_dir / profile.name / (date_text + ".json"));
    if (report) {
        const auto j = nlohmann::json::parse(*report, nullptr, false);
        int rank = 0, found = 0;
        if (j.is_object() && j.contains("papers")) {
            for (const auto& e : j["papers"]) {
                ++rank;
                if (e.value("id", std::string()) == p.id) found = rank;
            }
        }
        std::cout << "digest: " << (found ? "number " + std::to_string(found) + " of the " + std::to_string(rank) + " papers the digest selected"
                                          : "not in the digest of that day") << "\n";
    }

    // What the built-in ranker makes of it today, and why.
    std::vector<const paper*> all;
    for (const auto& q : day->papers) all.push_back(&q);
    const bool model_teaches = cfg.llm.teach_ranker && cfg.llm.plugin != "offline" && cfg.llm.plugin != "replay";
    const auto r = train_profile_ranker(&state, profile, all, model_teaches ? key : std::string());
    const auto ranked = rank_day(r, profile, all);
    const auto& x = ranked.features;
    const auto& z = ranked.z;
    const auto self = static_cast<std::size_t>(std::find(all.begin(), all.end(), &p) - all.begin());
    const auto better = std::count_if(z.begin(), z.end(), [&](double v) { return v > z[self]; });
    std::cout << "ranker (" << (r.trained() ? "trained on " + std::to_string(r.positives()) + " positive and " + std::to_string(r.negatives()) + " negative examples"
                                            : std::string("cold: topics only")) << "): score " << fixed(z[self]) << ", number " << better + 1 << " of the "
              << z.size() << " papers of that day in the ranker's own order, relevance " << rank::relevance_of(z[self]) << "\n";
    const auto terms = r.explain(x[self], 8);
    std::string pro, con;
    for (const auto& t : terms) {
        if (std::abs(t.weight) < 0.005) continue;  // would print as 0.00
        (t.weight > 0 ? pro : con) += (t.weight > 0 ? (pro.empty() ? "" : ", ") : (con.empty() ? "" : ", ")) + t.term + " " + fixed(t.weight);
    }
    std::cout << "  for:     " << (pro.empty() ? "nothing" : pro) << "\n  against: " << (con.empty() ? "nothing" : con) << "\n";
    return exit_code::ok;
}

namespace {

struct digest_entry {
    std::string id, title;
};

// The papers (in order) of the digest written for that day, empty when none was.
std::vector<digest_entry> written_digest(const config& cfg, const std::string& profile, const std::string& date_text, bool& found) {
    std::vector<digest_entry> ids;
    const auto text = read_file(cfg.output_dir / profile / (date_text + ".json"), std::size_t(16) << 20);
    found = text.has_value();
    if (!text) return ids;
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("papers") || !j["papers"].is_array()) return ids;
    for (const auto& e : j["papers"]) {
        if (!e.is_object() || !e.contains("id") || !e["id"].is_string()) continue;
        ids.push_back({e["id"].get<std::string>(), e.contains("title") && e["title"].is_string() ? e["title"].get<std::string>() : ""});
    }
    return ids;
}

std::string score_text(const selected_paper& s) {
    if (s.author_match) return "followed author " + text::clean_line(s.matched_author, 60);
    if (!s.score) return "not scored";
    return "relevance " + std::to_string(s.score->relevance) + (s.score->novelty ? ", novelty " + std::to_string(*s.score->novelty) : "");
}

}  // namespace

int cmd_preview(const std::vector<std::string>& args) {
    common_options c;
    std::string date_text, profile_name, topics_path;
    auto desc = common_description(c);
    desc.add_options()("date", po::value(&date_text))("profile", po::value(&profile_name))("topics", po::value(&topics_path));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    if (date_text.empty()) throw failure(make_error(errc::usage, "preview needs --date YYYY-MM-DD (a day already run)"));
    auto cfg = load_config(resolve_config_path(c)).value();
    const auto profile = pick_profile(cfg, profile_name);
    cfg.profiles = {profile};
    if (!topics_path.empty()) {
        const auto topics = read_file(topics_path, std::size_t(1) << 20);
        if (!topics) throw failure(make_error(errc::usage, "--topics: " + topics.error().message()));
        if (text::trim(*topics).empty()) throw failure(make_error(errc::usage, "--topics: " + topics_path + " is empty"));
        cfg.profiles.front().topics = *topics;
    }
    run_options opts;
    opts.date = parse_iso_day(date_text);
    if (!opts.date) throw failure(make_error(errc::usage, "--date expects YYYY-MM-DD, got '" + date_text + "'"));
    opts.dry_run = true;
    opts.stored_day_only = true;
    // Copied in the callback: the papers point into the day, which run_day frees.
    struct entry {
        std::string id, title, why;
    };
    std::vector<entry> papers;
    std::string model;
    opts.dry_run_output = [&](const report& r, const std::string&) {
        for (const auto& s : r.papers) papers.push_back({s.item->id, s.item->title, score_text(s)});
        model = r.model;
    };
    const auto summary = run_day(cfg, opts);
    if (summary.outcome == run_outcome::no_announcement || summary.profiles.empty()) {
        std::cout << date_text << ": no announcement that day\n";
        return exit_code::no_announcement;
    }
    const auto& result = summary.profiles.front();
    bool had_digest = false;
    const auto before = written_digest(cfg, profile.name, date_text, had_digest);
    std::set<std::string> before_set;
    for (const auto& e : before) before_set.insert(e.id);
    std::set<std::string> now_set;
    for (const auto& e : papers) now_set.insert(e.id);

    std::cout << "preview of " << date_text << " [" << profile.name << "]"
              << (topics_path.empty() ? std::string() : " with the topics of " + topics_path) << ": " << papers.size() << " papers";
    std::cout << (had_digest ? " (the digest of that day had " + std::to_string(before.size()) + ")" : " (no digest was written that day)") << "\n";
    std::size_t entering = 0;
    for (const auto& e : papers) {
        if (before_set.contains(e.id)) continue;
        ++entering;
        std::cout << "  + " << e.id << "  " << text::clean_line(e.title, 90) << " (" << e.why << ")\n";
    }
    std::size_t leaving = 0;
    for (const auto& e : before) {
        if (now_set.contains(e.id)) continue;
        ++leaving;
        std::cout << "  - " << text::clean_line(e.id, 40) << "  " << text::clean_line(e.title, 90) << "\n";
    }
    std::cout << "  " << papers.size() - entering << " stay, " << entering << " enter, " << leaving << " leave\n";
    std::cout << "scored: " << result.scored_now << " now (" << model << "), " << result.from_cache
              << " from the cache; nothing was written\n";
    if (result.incomplete) std::cout << describe(*result.incomplete, result.stats.scanned) << "\n";
    return exit_code::ok;
}

}  // namespace paperboy::cli_detail
