#include "job/backfill.hpp"

#include "arxiv/api.hpp"
#include "arxiv/feed_source.hpp"
#include "core/text.hpp"
#include "state/state_store.hpp"

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
        auto rebuilt = fetch_day_from_api(cfg.arxiv.api_url, cfg.arxiv.categories, d, arxiv_http_options(cfg.arxiv), progress);
        if (!rebuilt) {
            out.failure = rebuilt.error();
            return out;
        }
        if (rebuilt->papers.empty()) {
            out.what = backfill_result::outcome::no_papers;
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

}  // namespace paperboy
