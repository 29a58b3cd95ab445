#include "job/daily_run.hpp"

#include "site/site.hpp"

#include "arxiv/feed_parser.hpp"
#include "arxiv/feed_source.hpp"
#include "core/files.hpp"
#include "render/json_report.hpp"
#include "render/markdown.hpp"
#include "score/pricing.hpp"
#include "select/authors.hpp"
#include "select/selection.hpp"
#include "state/state_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace paperboy {
namespace {

using clock_type = std::chrono::steady_clock;

long ms_since(clock_type::time_point t) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t).count());
}

feed fetch_day(const config& cfg, day date) {
    const auto url = feed_url(cfg.arxiv.feed_url, cfg.arxiv.categories);
    net::http_options http;
    http.step_timeout = cfg.arxiv.timeout;
    http.total_timeout = cfg.arxiv.timeout * 4;
    http.body_limit = cfg.arxiv.max_feed_bytes;
    fetch_policy policy;
    policy.max_attempts = cfg.arxiv.max_attempts;
    policy.backoff_base = cfg.arxiv.retry_delay;
    fetch_observer observer{[](int attempt, const error& e, std::chrono::milliseconds delay) {
        spdlog::warn("fetch attempt {} failed ({}); retrying in {} s", attempt, e.message(), (delay.count() + 999) / 1000);
    }};

    const auto start = clock_type::now();
    auto body = fetch_feed(url, http, policy, observer);
    if (!body) throw failure(body.error());
    skipped_items skipped;
    auto parsed = parse_feed(*body, &skipped);
    if (!parsed) throw failure(parsed.error());
    spdlog::info("fetched {} ({} bytes, {} items, announced {}) in {} ms", url, body->size(), parsed->papers.size(),
                 format_iso_day(parsed->announced), ms_since(start));
    if (skipped.count > 0) {
        spdlog::warn("{} feed items were skipped (not an arXiv id, no known announce type, or repeated):", skipped.count);
        for (const auto& reason : skipped.reasons) spdlog::warn("  {}", reason);
    }

    const auto announced = std::chrono::sys_days(parsed->announced);
    const auto wanted = std::chrono::sys_days(date);
    if (announced < wanted) {
        throw failure(make_error(errc::feed_stale, "the feed at " + url + " still carries " + format_iso_day(parsed->announced) +
                                                       ", not " + format_iso_day(date) +
                                                       " (arXiv rebuilds it shortly after midnight US Eastern)"));
    }
    if (announced > wanted) {
        throw failure(make_error(errc::feed_date_mismatch,
                                 "the feed at " + url + " carries " + format_iso_day(parsed->announced) + ", not " +
                                     format_iso_day(date) + "; arXiv's RSS only has the latest announcement day"));
    }
    return std::move(*parsed);
}

struct profile_work {
    std::vector<const paper*> author_matches;
    std::vector<std::string> matched_names;
    std::vector<const paper*> to_score;
};

profile_work split_by_author(const profile_config& profile, const std::vector<const paper*>& scanned) {
    profile_work w;
    const author_matcher matcher(profile.authors);
    for (const auto* p : scanned) {
        if (auto name = matcher.match(p->authors); !name.empty()) {
            w.author_matches.push_back(p);
            w.matched_names.push_back(std::move(name));
        } else {
            w.to_score.push_back(p);
        }
    }
    return w;
}

}  // namespace

std::vector<const paper*> scan(const feed& f, const std::vector<announce_type>& keep) {
    std::vector<const paper*> out;
    for (const auto& p : f.papers) {
        if (std::find(keep.begin(), keep.end(), p.type) != keep.end()) out.push_back(&p);
    }
    return out;
}

run_summary run_day(const config& cfg, const run_options& opts, scorer* scorer_override) {
    run_summary summary;
    summary.date = opts.date ? *opts.date : today_in(cfg.schedule.timezone, std::chrono::system_clock::now());
    const auto date_text = format_iso_day(summary.date);

    std::optional<state_store> state;
    if (!opts.dry_run) state.emplace(cfg.state_path);

    std::optional<feed> day_feed;
    if (state) day_feed = state->load_day(summary.date);
    if (day_feed) {
        summary.feed_from_state = true;
        spdlog::info("{}: {} papers loaded from the state database (no request to arXiv)", date_text, day_feed->papers.size());
    } else {
        day_feed = fetch_day(cfg, summary.date);
    }

    if (state) {
        // Before new work: what an earlier run or a crash left undelivered.
        for (auto& d : resume_deliveries(cfg, *state)) summary.resumed.push_back(std::move(d));
    }

    if (day_feed->papers.empty()) {
        summary.outcome = run_outcome::no_announcement;
        spdlog::info("{}: the feed is empty: no announcement that day (weekend or arXiv holiday)", date_text);
        if (state) {
            for (const auto& profile : cfg.profiles) {
                run_record r;
                r.id = state->begin_run(summary.date, profile.name);
                r.profile = profile.name;
                r.outcome = "no_announcement";
                state->finish_run(r);
            }
        }
        return summary;
    }
    if (state && !summary.feed_from_state) state->save_day(*day_feed, feed_url(cfg.arxiv.feed_url, cfg.arxiv.categories));

    const auto scanned = scan(*day_feed, cfg.arxiv.announce_types);
    spdlog::info("{}: {} papers in the feed, {} kept by announce type", date_text, day_feed->papers.size(), scanned.size());

    std::unique_ptr<scorer> owned;
    scorer* sc = scorer_override;
    if (!sc) {
        owned = make_scorer(cfg.llm, cfg.plugin_dir);
        sc = owned.get();
    }

    for (const auto& profile : cfg.profiles) {
        const auto start = clock_type::now();
        run_record record;
        record.profile = profile.name;
        record.date = date_text;
        if (state) record.id = state->begin_run(summary.date, profile.name);
        try {
            std::vector<const paper*> candidates = scanned;
            long repeats = 0;
            if (state && !cfg.delivery.deliver_repeats) {
                const auto before = state->delivered_papers_before(profile.name, date_text);
                std::erase_if(candidates, [&](const paper* p) { return before.contains(p->id); });
                repeats = static_cast<long>(scanned.size() - candidates.size());
            }
            auto work = split_by_author(profile, candidates);
            const auto key = sc->cache_key(profile);
            std::map<std::string, paper_score> scores;
            if (state) scores = state->cached_scores(key, work.to_score);
            std::vector<const paper*> missing;
            for (const auto* p : work.to_score) {
                if (!scores.contains(p->id)) missing.push_back(p);
            }
            profile_result pr;
            pr.profile = profile.name;
            pr.from_cache = static_cast<long>(scores.size());
            pr.scored_now = static_cast<long>(missing.size());

            scoring_outcome fresh;
            if (!missing.empty()) fresh = sc->score(profile, missing);
            if (state) state->save_scores(key, missing, fresh.scores);
            scores.merge(fresh.scores);

            report r;
            r.date = summary.date;
            r.profile = profile.name;
            r.model = sc->model();
            r.prompt = sc->disclose(profile);
            r.stats.total = static_cast<long>(day_feed->papers.size());
            r.stats.scanned = static_cast<long>(scanned.size());
            r.stats.scored = static_cast<long>(scores.size());
            r.stats.failed = static_cast<long>(work.to_score.size() - scores.size());
            r.stats.usage = state ? state->add_usage(summary.date, profile.name, key, fresh.usage) : fresh.usage;
            r.stats.cost = compute_cost(cfg.llm.prices, r.model, r.stats.usage);
            r.notes = fresh.notes;
            if (repeats > 0) {
                r.notes.push_back(std::to_string(repeats) + (repeats == 1 ? " paper was" : " papers were") +
                                  " left out because an earlier digest already delivered them (delivery.deliver_repeats is off).");
            }
            r.papers = select_papers(profile, work.author_matches, work.matched_names, work.to_score, scores);
            r.stats.selected = static_cast<long>(r.papers.size());
            pr.stats = r.stats;

            const auto markdown = render_markdown(r);
            if (state) {
                record.outcome = "reported";
                record.total = r.stats.total;
                record.scanned = r.stats.scanned;
                record.scored = r.stats.scored;
                record.failed = r.stats.failed;
                record.selected = r.stats.selected;
            }
            if (opts.dry_run) {
                if (opts.dry_run_output) opts.dry_run_output(profile.name, markdown);
            } else {
                const auto dir = cfg.output_dir / profile.name;
                pr.markdown_path = dir / (date_text + ".md");
                pr.json_path = dir / (date_text + ".json");
                if (auto w = write_file_atomic(pr.json_path, render_json(r)); !w) throw failure(w.error());
                if (auto w = write_file_atomic(pr.markdown_path, markdown); !w) throw failure(w.error());
                record.report_path = pr.markdown_path.string();
                // The archive is a convenience: a page that cannot be written is logged, and
                // the digest still goes out.
                try {
                    const auto site = build_site(dir, profile.name, cfg.public_url);
                    spdlog::info("{} [{}]: web archive: {} pages written, {} unchanged ({})", date_text, profile.name, site.written,
                                 site.unchanged, (dir / "site").string());
                } catch (const failure& f) {
                    spdlog::error("{} [{}]: web archive not updated: {}", date_text, profile.name, f.err().message());
                }
            }
            spdlog::info("{} [{}]: {} author matches, {} scored now, {} from cache, {} failed, {} selected; {} prompt + {} "
                         "completion tokens ({} cached) in {} ms",
                         date_text, profile.name, work.author_matches.size(), pr.scored_now, pr.from_cache, r.stats.failed,
                         r.stats.selected, fresh.usage.prompt_tokens, fresh.usage.completion_tokens, fresh.usage.cached_tokens,
                         ms_since(start));
            for (const auto& note : r.notes) spdlog::warn("{} [{}]: {}", date_text, profile.name, note);
            if (r.stats.failed > 0) {
                spdlog::warn("{} [{}]: {} papers could not be scored; the report says so", date_text, profile.name,
                             r.stats.failed);
            }
            // The run record and the ledger entries (holding the digest) are one transaction:
            // once the report exists, its deliveries cannot be lost.
            if (state) {
                auto payload = digest_payload(r);
                if (!cfg.public_url.empty()) payload["web_url"] = day_page_url(cfg.public_url, profile.name, date_text);
                pr.deliveries = deliver_report(cfg, *state, record, profile.channels, payload);
            }
            summary.profiles.push_back(std::move(pr));
        } catch (const failure& f) {
            if (state) {
                record.outcome = "failed";
                record.detail = f.err().message();
                state->finish_run(record);
            }
            throw;
        }
    }
    return summary;
}

}  // namespace paperboy
