#include "job/daily_run.hpp"
#include "job/summaries.hpp"

#include "site/site.hpp"

#include "arxiv/feed_parser.hpp"
#include "arxiv/feed_source.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "deliver/digest_policy.hpp"
#include "feedback/signed_link.hpp"
#include "feedback/unsubscribe.hpp"
#include "preprints/biorxiv.hpp"
#include "render/json_report.hpp"
#include "render/markdown.hpp"
#include "score/examples.hpp"
#include "score/prefilter.hpp"
#include "score/ranker_scorer.hpp"
#include "score/pricing.hpp"
#include "select/authors.hpp"
#include "select/selection.hpp"
#include "state/state_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace paperboy {
namespace {

using clock_type = std::chrono::steady_clock;

long ms_since(clock_type::time_point t) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t).count());
}

feed fetch_day(const config& cfg, day date) {
    const auto url = feed_url(cfg.arxiv.feed_url, cfg.arxiv.categories);
    const auto http = arxiv_http_options(cfg.arxiv);
    const auto policy = arxiv_fetch_policy(cfg.arxiv);
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
                                                       (url.starts_with("file://") ? "; this file carries " + format_iso_day(parsed->announced) +
                                                                                         ": run it with --date " + format_iso_day(parsed->announced)
                                                                                   : std::string(" (arXiv rebuilds it shortly after midnight US Eastern)"))));
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
    long repeats = 0;  // left out: delivered on an earlier day
};

// Which papers the profile's digest considers, and which of them go to the scorer.
profile_work papers_for(const config& cfg, const profile_config& profile, const std::vector<const paper*>& scanned,
                        std::optional<state_store>& state, const std::string& date_text) {
    std::vector<const paper*> candidates = scanned;
    profile_work w;
    if (state && !cfg.delivery.deliver_repeats) {
        std::vector<std::string> ids;
        for (const auto* p : candidates) ids.push_back(p->id);
        const auto before = state->delivered_papers_before(profile.name, date_text, ids);
        std::erase_if(candidates, [&](const paper* p) { return before.contains(p->id); });
        w.repeats = static_cast<long>(scanned.size() - candidates.size());
    }
    const author_matcher matcher(profile.authors);
    for (const auto* p : candidates) {
        if (auto name = matcher.match(p->authors); !name.empty()) {
            w.author_matches.push_back(p);
            w.matched_names.push_back(std::move(name));
        } else {
            w.to_score.push_back(p);
        }
    }
    return w;
}

struct profile_scores {
    std::map<std::string, paper_score> scores;  // cached and fresh
    scoring_outcome fresh;                      // this run's call to the scorer
    long from_cache = 0, scored_now = 0;
    long held_back = 0;                         // papers the ranker pre-filter kept from the model
    std::optional<scoring_estimate> estimate;   // estimate_only: what the scorer would have been sent
};

// Scores from the cache, then the scorer for the rest; fresh scores are cached at once, so a
// run that fails later (or a held day scored again) never pays for them twice. With
// llm.prefilter the ranker (trained on the votes and, as the model's pupil, on its cached
// scores) chooses which of the rest the model reads; the papers it holds back keep the
// ranker's score and are not cached (the next votes may change them). `model_profile` is the
// profile as the model sees it (with llm.examples in its topics).
profile_scores score_papers(const config& cfg, scorer& sc, const profile_config& profile, const profile_config& model_profile,
                            const std::vector<const paper*>& to_score, std::optional<state_store>& state, bool writes,
                            std::unique_ptr<ranker_corpus>& corpus, bool estimate_only = false) {
    profile_scores out;
    const auto key = sc.cache_key(model_profile);
    if (state) out.scores = state->cached_scores(key, to_score);
    std::vector<const paper*> missing;
    for (const auto* p : to_score) {
        if (!out.scores.contains(p->id)) missing.push_back(p);
    }
    out.from_cache = static_cast<long>(out.scores.size());
    std::optional<prefilter_split> split;
    if (cfg.llm.prefilter && !missing.empty()) {
        // One corpus for every profile of the run: the day's papers are featurised once.
        if (!corpus) corpus = std::make_unique<ranker_corpus>(state ? &*state : nullptr, missing);
        const auto ranker = train_profile_ranker(*corpus, state ? &*state : nullptr, profile, cfg.llm.teach_ranker ? key : std::string());
        split = apply_prefilter(ranker, profile, missing, *cfg.llm.prefilter);
        missing = split->to_model;
        out.held_back = static_cast<long>(split->held_back.size());
    }
    out.scored_now = static_cast<long>(missing.size());
    if (estimate_only) {
        // The built-in scorers call no model: nothing to pay.
        const bool builtin = cfg.llm.plugin == "offline" || cfg.llm.plugin == "replay";
        const std::size_t tldrs = cfg.tldr && !builtin ? static_cast<std::size_t>(profile.top_n > 0 ? profile.top_n : 20) : 0;
        out.estimate = estimate_scoring(cfg.llm, model_profile, builtin ? std::vector<const paper*>{} : missing, tldrs);
        return out;
    }
    if (!missing.empty()) out.fresh = sc.score(model_profile, missing);
    if (split) {
        for (auto& [id, s] : out.fresh.scores) s.ranker_score = split->ranker_scores.at(id);
    }
    if (state && writes) state->save_scores(key, missing, out.fresh.scores);
    out.scores.merge(out.fresh.scores);
    if (split) {
        out.scores.merge(split->held_back);
        out.fresh.notes.push_back(std::to_string(out.held_back) + " of " + std::to_string(out.held_back + out.scored_now) +
                                  " papers were held back by the ranker pre-filter (llm.prefilter) and not sent to the model.");
    }
    return out;
}

// The incomplete notice, when some papers have no score or the offline fallback scored them.
std::optional<incomplete_notice> notice_for(const profile_scores& s, long unscored) {
    if (unscored == 0 && s.fresh.fallback_scored == 0) return std::nullopt;
    auto reason = s.fresh.problem;
    if (reason.empty()) reason = "an earlier run could not score them";
    return incomplete_notice{unscored, s.fresh.fallback_scored, std::move(reason)};
}

// When a held (date, profile) is sent regardless: the first hold's deadline, kept across runs.
std::int64_t hold_deadline_ms(const config& cfg, state_store& state, const std::string& date_text, const std::string& profile) {
    if (const auto existing = state.hold_deadline(date_text, profile)) return *existing;
    return unix_ms(std::chrono::system_clock::now()) + std::chrono::duration_cast<std::chrono::milliseconds>(cfg.llm.hold_max).count();
}

// state.keep_days, and the housekeeping a state of years needs, once a run.
void keep_state_bounded(const config& cfg, state_store& state, day date) {
    // The built-in ranker's key names the recent days, so its scores of a day are never read
    // again once newer days are stored; a week of them is kept for a re-run, a few more days
    // are swept so a pause between runs leaves nothing behind.
    const auto recent = state.recent_days(offline_scores_kept_days + 10);
    if (recent.size() > offline_scores_kept_days) {
        state.drop_scores(ranker_scorer::key_prefix, recent.back().first, recent[offline_scores_kept_days - 1].first);
    }
    if (cfg.keep_days) {
        const auto cut = format_iso_day(plus_days(date, -*cfg.keep_days));
        if (const auto dropped = state.forget_before(cut); dropped > 0) {
            spdlog::info("state.keep_days: dropped {} papers of the days before {} that no vote, library entry or digest needs", dropped, cut);
        }
    }
    state.maintain();
}

}  // namespace

std::vector<const paper*> scan(const feed& f, const std::vector<announce_type>& keep) {
    std::vector<const paper*> out;
    for (const auto& p : f.papers) {
        if (std::find(keep.begin(), keep.end(), p.type) != keep.end()) out.push_back(&p);
    }
    return out;
}

net::http_options arxiv_http_options(const arxiv_config& arxiv) {
    net::http_options http;
    http.step_timeout = arxiv.timeout;
    http.total_timeout = arxiv.timeout * 4;
    http.body_limit = arxiv.max_feed_bytes;
    return http;
}

fetch_policy arxiv_fetch_policy(const arxiv_config& arxiv) {
    fetch_policy policy;
    policy.max_attempts = arxiv.max_attempts;
    policy.backoff_base = arxiv.retry_delay;
    return policy;
}

void add_preprints(const config& cfg, day d, feed& f, state_store* state) {
    if (cfg.preprints.empty()) return;
    std::set<day> holidays;
    if (state) {
        for (const auto& text : state->no_announcement_days(format_iso_day(plus_days(d, -8)))) {
            if (const auto h = parse_iso_day(text)) holidays.insert(*h);
        }
    }
    const auto window = posting_window_for(d, holidays);
    const auto http = arxiv_http_options(cfg.arxiv);
    const auto policy = arxiv_fetch_policy(cfg.arxiv);
    for (const auto& source : cfg.preprints) {
        auto papers = fetch_preprints(source, window, http, policy);
        if (!papers) throw failure(papers.error());
        spdlog::info("{}: {} new {} preprints posted {} to {}{}", format_iso_day(d), papers->size(), source.server, format_iso_day(window.from),
                     format_iso_day(window.to), source.categories.empty() ? std::string() : " in " + text::join(source.categories));
        for (auto& p : *papers) f.papers.push_back(std::move(p));
    }
}

run_summary run_day(const config& cfg, const run_options& opts, scorer* scorer_override) {
    run_summary summary;
    summary.date = opts.date ? *opts.date : today_in(cfg.schedule.timezone, std::chrono::system_clock::now());
    const auto date_text = format_iso_day(summary.date);

    // A dry run reads the state (the stored day, the score cache, the votes) when there is one,
    // and writes nothing: no files, no runs, no scores, no ledger.
    const bool writes = !opts.dry_run;
    std::optional<state_store> state;
    if (writes || std::filesystem::exists(cfg.state_path)) state.emplace(cfg.state_path);
    // Without one, a dry run ranks in a scratch state holding the day it fetched, so the
    // ranker's vocabulary (the stored days) and so the digest are those the run would have.
    const bool scratch = !state;
    if (scratch) state.emplace(state_store::scratch());

    std::optional<feed> day_feed;
    if (state) day_feed = state->load_day(summary.date);
    if (day_feed && state->forgotten(date_text)) {
        throw failure(make_error(errc::state, "the papers of " + date_text + " that no vote, library entry or digest needed were dropped from " +
                                                  cfg.state_path.string() + " (state.keep_days); its digest is still in " +
                                                  cfg.output_dir.string() + " and `paperboy resend` still sends it"));
    }
    if (day_feed) {
        summary.feed_from_state = true;
        spdlog::info("{}: {} papers loaded from the state database (no request to arXiv)", date_text, day_feed->papers.size());
    } else if (opts.stored_day_only) {
        throw failure(make_error(errc::not_found, "no stored day " + date_text + " in " + cfg.state_path.string() + " (run that day first)"));
    } else {
        day_feed = fetch_day(cfg, summary.date);
    }

    if (state && writes) {
        // Before new work: what an earlier run or a crash left undelivered.
        for (auto& d : resume_deliveries(cfg, *state)) summary.resumed.push_back(std::move(d));
    }

    if (day_feed->papers.empty()) {
        summary.outcome = run_outcome::no_announcement;
        spdlog::info("{}: the feed is empty: no announcement that day (weekend or arXiv holiday)", date_text);
        if (state && writes) {
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
    // Stored with the day, so a re-run or a held day reads the same papers.
    if (!summary.feed_from_state) add_preprints(cfg, summary.date, *day_feed, state ? &*state : nullptr);
    if (state && (writes || scratch) && !summary.feed_from_state) state->save_day(*day_feed, feed_url(cfg.arxiv.feed_url, cfg.arxiv.categories));
    if (state && writes) keep_state_bounded(cfg, *state, summary.date);

    const auto scanned = scan(*day_feed, cfg.arxiv.announce_types);
    spdlog::info("{}: {} papers in the feed, {} kept by announce type", date_text, day_feed->papers.size(), scanned.size());

    std::unique_ptr<scorer> owned;
    scorer* sc = scorer_override;
    if (!sc) {
        owned = make_scorer(cfg.llm, cfg.plugin_dir, cfg.source, state ? &*state : nullptr);
        sc = owned.get();
    }

    std::unique_ptr<ranker_corpus> prefilter_corpus;
    for (const auto& profile : cfg.profiles) {
        const auto start = clock_type::now();
        run_record record;
        record.profile = profile.name;
        record.date = date_text;
        if (state && writes) record.id = state->begin_run(summary.date, profile.name);
        try {
            const auto work = papers_for(cfg, profile, scanned, state, date_text);
            const auto model_profile = state ? with_examples(profile, *state, cfg.llm.examples) : profile;
            auto scored = score_papers(cfg, *sc, profile, model_profile, work.to_score, state, writes, prefilter_corpus, opts.estimate);
            const auto key = sc->cache_key(model_profile);
            if (opts.estimate) {
                profile_result pr;
                pr.profile = profile.name;
                pr.from_cache = scored.from_cache;
                pr.scored_now = scored.scored_now;
                pr.estimate = scored.estimate;
                summary.profiles.push_back(std::move(pr));
                continue;
            }

            profile_result pr;
            pr.profile = profile.name;
            pr.from_cache = scored.from_cache;
            pr.scored_now = scored.scored_now;
            pr.papers_sent = scored.fresh.papers_sent;
            pr.papers_left_out = scored.fresh.papers_left_out;

            report r;
            r.date = summary.date;
            r.profile = profile.name;
            r.model = sc->model();
            r.prompt = sc->disclose(model_profile);
            r.stats.total = static_cast<long>(day_feed->papers.size());
            r.stats.scanned = static_cast<long>(scanned.size());
            r.stats.scored = static_cast<long>(scored.scores.size());
            r.stats.failed = static_cast<long>(work.to_score.size() - scored.scores.size());
            r.stats.usage = state && writes ? state->add_usage(summary.date, profile.name, key, scored.fresh.usage) : scored.fresh.usage;
            r.stats.cost = compute_cost(cfg.llm.prices, r.model, r.stats.usage, cfg.llm.title_model);
            auto this_run = scored.fresh.usage;  // the day's figure (r.stats) also counts earlier runs
            r.notes = scored.fresh.notes;
            if (opts.backfill_note) r.notes.insert(r.notes.begin(), *opts.backfill_note);
            if (work.repeats > 0) {
                r.notes.push_back(std::to_string(work.repeats) + (work.repeats == 1 ? " paper was" : " papers were") +
                                  " left out because an earlier digest already delivered them (delivery.deliver_repeats is off).");
            }
            r.incomplete = notice_for(scored, r.stats.failed);
            r.papers = select_papers(profile, work.author_matches, work.matched_names, work.to_score, scored.scores);
            r.stats.selected = static_cast<long>(r.papers.size());
            if (cfg.tldr && writes) {
                const auto spent = add_tldrs(*sc, cfg.language, r.papers, state ? &*state : nullptr);
                this_run += spent;
                if (spent.prompt_tokens > 0 || spent.completion_tokens > 0) {
                    if (state) r.stats.usage = state->add_usage(summary.date, profile.name, key, spent);
                    else r.stats.usage += spent;
                    r.stats.cost = compute_cost(cfg.llm.prices, r.model, r.stats.usage, cfg.llm.title_model);
                }
            }
            r.near_misses = near_misses(work.to_score, scored.scores, r.papers, cfg.near_misses);
            pr.stats = r.stats;
            pr.incomplete = r.incomplete;

            // Deliver, deliver marked, or hold (llm.on_failure); decided before anything is written.
            std::optional<std::int64_t> hold_until;
            if (state && writes && r.incomplete) hold_until = hold_deadline_ms(cfg, *state, date_text, profile.name);
            const bool hold_expired = hold_until && *hold_until <= unix_ms(std::chrono::system_clock::now());
            const auto action = decide_digest(cfg.llm.on_failure,
                                              {r.stats.failed, scored.fresh.fallback_scored,
                                               scored.fresh.retry_may_help || scored.fresh.problem.empty()},
                                              hold_expired || !state || !writes);
            pr.held = action == digest_action::hold;

            const auto markdown = render_markdown(r);
            record.outcome = pr.held ? "held" : "reported";
            record.total = r.stats.total;
            record.scanned = r.stats.scanned;
            record.scored = r.stats.scored;
            record.failed = r.stats.failed;
            record.selected = r.stats.selected;
            if (r.incomplete) record.detail = describe(*r.incomplete, r.stats.scanned);
            if (opts.dry_run) {
                if (opts.dry_run_output) opts.dry_run_output(r, markdown);
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
                    const auto site = build_site(dir, profile.name, cfg.public_url, state && !cfg.public_url.empty() ? state->link_secret() : std::string(),
                                                 date_text);
                    spdlog::info("{} [{}]: web archive: {} pages written, {} unchanged ({})", date_text, profile.name, site.written,
                                 site.unchanged, (dir / "site").string());
                } catch (const failure& f) {
                    spdlog::error("{} [{}]: web archive not updated: {}", date_text, profile.name, f.err().message());
                }
            }
            spdlog::info("{} [{}]: {} author matches, {} scored now, {} from cache, {} failed, {} selected; {} tokens billed for the "
                         "day ({} prompt, {} of them cached, {} completion; {} by this run) in {} ms",
                         date_text, profile.name, work.author_matches.size(), pr.scored_now, pr.from_cache, r.stats.failed,
                         r.stats.selected, r.stats.usage.prompt_tokens + r.stats.usage.completion_tokens, r.stats.usage.prompt_tokens,
                         r.stats.usage.cached_tokens, r.stats.usage.completion_tokens, this_run.prompt_tokens + this_run.completion_tokens,
                         ms_since(start));
            if (pr.papers_left_out > 0) {
                spdlog::info("{} [{}]: the model's replies left out or garbled {} of {} papers sent ({:.1f}%); they were sent again", date_text,
                             profile.name, pr.papers_left_out, pr.papers_sent, 100.0 * static_cast<double>(pr.papers_left_out) / static_cast<double>(pr.papers_sent));
            }
            for (const auto& note : r.notes) spdlog::warn("{} [{}]: {}", date_text, profile.name, note);
            if (r.incomplete) {
                spdlog::warn("{} [{}]: {}{}", date_text, profile.name, describe(*r.incomplete, r.stats.scanned),
                             pr.held ? " The digest is held until the papers are scored, at most until " +
                                           format_utc(from_unix_ms(*hold_until)) + " (llm.on_failure \"hold\")."
                                     : " Every channel says so.");
            }
            // The run record and the ledger entries (holding the digest) are one transaction:
            // once the report exists, its deliveries cannot be lost.
            if (state && writes) {
                auto payload = digest_payload(r);
                if (!cfg.public_url.empty()) {
                    payload["web_url"] = day_page_url(cfg.public_url, profile.name, date_text);
                    const auto secret = state->link_secret();
                    for (auto& p : payload["papers"]) {
                        const vote_link up{profile.name, date_text, p["id"].get<std::string>(), 1};
                        p["vote_up_url"] = vote_url(cfg.public_url, secret, up);
                        p["vote_down_url"] = vote_url(cfg.public_url, secret, {up.profile, up.date, up.paper_id, -1});
                    }
                    add_unsubscribe_links(payload, cfg, profile, secret);
                }
                std::optional<std::pair<std::string, std::int64_t>> hold;
                if (pr.held) hold.emplace(r.incomplete->reason, *hold_until);
                pr.deliveries = deliver_report(cfg, *state, record, profile.channels, payload, hold);
            }
            summary.profiles.push_back(std::move(pr));
        } catch (const failure& f) {
            if (state && writes) {
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
