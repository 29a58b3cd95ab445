// One daily run: fetch (or load) the announcement day, then for every profile select, score,
// render and write the report. The composition point of the core; the CLI and (later) the
// daemon call run_day.
#pragma once

#include "config/config.hpp"
#include "deliver/delivery.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "render/report.hpp"
#include "score/estimate.hpp"
#include "score/scorer.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace paperboy::net {
struct http_options;  // net/http_client.hpp
}
namespace paperboy {
struct fetch_policy;  // arxiv/feed_source.hpp
struct feed;          // arxiv/paper.hpp
class state_store;    // state/state_store.hpp
}

namespace paperboy {

enum class run_outcome { reported, no_announcement };

struct run_options {
    std::optional<day> date;     // default: today in config.schedule.timezone
    bool dry_run = false;        // no files, no state: the reports go to `dry_run_output`
    bool stored_day_only = false;  // the day must be in the state (errc::usage otherwise): no fetch
    bool estimate = false;       // with dry_run: estimate what scoring would cost, call no model
    std::function<void(const report& r, const std::string& markdown)> dry_run_output;
    // A day rebuilt by `backfill`: this note heads every report of the day, saying how the day
    // was rebuilt and what may differ from the feed it replaces.
    std::optional<std::string> backfill_note;
};

struct profile_result {
    std::string profile;
    std::filesystem::path markdown_path;
    std::filesystem::path json_path;
    report_stats stats;
    long scored_now = 0;        // papers sent to the scorer in this run
    long from_cache = 0;        // papers whose score came from the state
    long papers_sent = 0, papers_left_out = 0;  // scoring_outcome's: what the model's replies left out
    std::optional<incomplete_notice> incomplete;  // scoring failed for some papers (or fell back)
    bool held = false;          // the digest is held until its papers are scored (llm.on_failure "hold")
    std::vector<delivery_outcome> deliveries;  // one per channel of the profile
    std::optional<scoring_estimate> estimate;  // run_options.estimate: the calls, tokens and dollars
};

struct run_summary {
    day date{};
    run_outcome outcome = run_outcome::reported;
    bool feed_from_state = false;  // the day was already stored: no request was made
    std::vector<profile_result> profiles;
    std::vector<delivery_outcome> resumed;  // deliveries left by earlier runs, tried first
};

/// The papers of `f` kept by the announce-type filter, in feed order.
std::vector<const paper*> scan(const feed& f, const std::vector<announce_type>& keep);

/// Runs the day: first resumes deliveries earlier runs left (resume_deliveries), then writes
/// each profile's report and delivers it through the ledger (deliver_report; a failed delivery
/// is reported in the result, not thrown; the report stays written). Unless
/// delivery.deliver_repeats, papers an earlier day's digest delivered to the profile are left
/// out (with a note). A day whose scoring failed follows llm.on_failure (decide_digest): held
/// in the ledger (re-scored by the next run of that day, or the daemon, until
/// llm.hold_max), or delivered with the incomplete notice in every channel. Running a day
/// again scores only what the cache lacks.
/// Returns run_outcome::no_announcement for an empty feed (weekend, holiday).
/// Errors (as paperboy::failure): errc::feed_stale when the feed still carries an earlier
/// day (transient), errc::feed_date_mismatch when it carries a later one, errc::feed_malformed
/// / feed_rejected / network / timeout / http_status from fetching and parsing, errc::io
/// when a report cannot be written, errc::state for the database. No report is written for
/// a feed that fails, and a failing profile does not leave a partial file behind.
/// `scorer_override` replaces the configured scorer (tests); it must outlive the call.
run_summary run_day(const config& cfg, const run_options& opts, scorer* scorer_override = nullptr);

/// How every request to arXiv (feed, API) is bounded: arxiv.timeout a step, four times that in
/// all, arxiv.max_feed_bytes of body.
net::http_options arxiv_http_options(const arxiv_config& arxiv);

/// arxiv.max_attempts and retry_delay_seconds, for every fetch (the feed, the API, the other sources).
fetch_policy arxiv_fetch_policy(const arxiv_config& arxiv);

/// "sources": the bioRxiv/medRxiv preprints that digest day `d` carries (posting_window_for,
/// with the holidays `state` recorded), appended to `f`'s papers as new submissions. Throws
/// failure when a source cannot be read: the day then fails like a feed that could not be
/// read (the daemon tries again later).
void add_preprints(const config& cfg, day d, feed& f, state_store* state);

}  // namespace paperboy
