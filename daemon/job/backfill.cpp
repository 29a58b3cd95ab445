#include "job/backfill.hpp"

#include "arxiv/api.hpp"
#include "arxiv/feed_source.hpp"
#include "core/text.hpp"
#include "state/state_store.hpp"

#include <spdlog/spdlog.h>

namespace paperboy {
namespace {

std::string stamp(const std::string& s) { return s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + " " + s.substr(8, 2) + ":" + s.substr(10, 2); }

}  // namespace

std::string backfill_note(day d, const std::vector<std::string>& categories) {
    const auto w = feed_day_window(d);
    return "Backfilled from the arXiv API (this day's feed was missed): the papers first submitted from " + stamp(w.from) + " to " + stamp(w.to) +
           " UTC in " + text::join(categories) +
           ". The feed of that day may also have carried replaced versions of older papers and papers held back from earlier "
           "days, which the API does not list by announcement day.";
}

backfill_result backfill_day(const config& cfg, day d, const std::function<void(std::size_t, std::size_t)>& progress,
                             const std::function<void()>& before_fetch) {
    backfill_result out;
    {
        state_store state(cfg.state_path);
        if (state.load_day(d)) {
            out.what = backfill_result::outcome::already_stored;
            return out;
        }
        if (before_fetch) before_fetch();
        auto rebuilt = fetch_day_from_api(cfg.arxiv.api_url, cfg.arxiv.categories, d, arxiv_http_options(cfg.arxiv), arxiv_fetch_policy(cfg.arxiv), progress);
        if (!rebuilt) {
            out.failure = rebuilt.error();
            return out;
        }
        if (rebuilt->papers.empty()) {
            out.what = backfill_result::outcome::no_papers;
            return out;
        }
        try {
            add_preprints(cfg, d, *rebuilt, &state);
        } catch (const failure& f) {
            out.failure = f.err();
            return out;
        }
        state.save_day(*rebuilt, api_listing_url(cfg.arxiv.api_url, cfg.arxiv.categories, feed_day_window(d), 0));
    }
    run_options opts;
    opts.date = d;
    opts.stored_day_only = true;
    opts.backfill_note = backfill_note(d, cfg.arxiv.categories);
    out.summary = run_day(cfg, opts);
    out.what = backfill_result::outcome::ran;
    return out;
}

std::vector<std::pair<std::string, backfill_result>> backfill_missed(const config& cfg, day today) {
    std::vector<std::pair<std::string, backfill_result>> out;
    std::vector<std::string> days;
    try {
        days = state_store(cfg.state_path).missed_days(format_iso_day(plus_days(today, -31)));
    } catch (const failure& f) {
        spdlog::error("backfill: {}", f.err().message());
        return out;
    }
    for (const auto& text : days) {
        if (static_cast<int>(out.size()) >= cfg.schedule.backfill_max_days) break;
        spdlog::info("{}: backfilling the missed day from the arXiv API", text);
        try {
            out.emplace_back(text, backfill_day(cfg, *parse_iso_day(text)));
        } catch (const failure& f) {
            backfill_result r;
            r.failure = f.err();
            out.emplace_back(text, std::move(r));
        }
    }
    return out;
}

std::string backfill_problem(const std::vector<std::pair<std::string, backfill_result>>& results) {
    std::string first;
    int failed = 0;
    for (const auto& [day_text, r] : results) {
        if (r.what != backfill_result::outcome::failed) continue;
        if (failed++ == 0) first = day_text + ": " + (r.failure ? r.failure->message() : std::string("unknown error"));
    }
    if (failed == 0) return {};
    return std::to_string(failed) + (failed == 1 ? " missed day" : " missed days") + " not backfilled (" + first + (failed > 1 ? "; ..." : "") +
           "); the next run tries again";
}

}  // namespace paperboy
