#include "cli/cli_detail.hpp"

#include "cli/exit_codes.hpp"
#include "job/daily_run.hpp"
#include "score/llm_batch.hpp"
#include "score/pricing.hpp"
#include "state/state_store.hpp"
#include "log/logging.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace paperboy::cli_detail {

const std::string_view usage_text = R"(Usage: paperboy <command> [options]

paperboy reads each arXiv announcement day, scores the new papers against your research
interests, writes a personalised digest, delivers it by email, Slack, Discord, Telegram,
Matrix or a webhook, and keeps a browsable web archive of past digests.

Commands:
  init      Write a starter paperboy.json and topics.txt (--dir DIR, default
            here): on a terminal it asks for the categories, your interests,
            an email address or a Slack/Discord webhook and the schedule; with
            flags it asks nothing; otherwise it writes the defaults (the
            built-in ranker, the digest as files). It never overwrites a file.
  run       Make the digest for one announcement day now, deliver it to the
            profile's channels, then exit.
  daemon    Run as a service: each announcement day at schedule.time, catch up
            after downtime, retry pending deliveries, serve /healthz and
            /metrics on server.listen; SIGHUP reloads, SIGTERM stops.
  serve     Serve the web archive read-only on server.listen (or --listen
            HOST:PORT) until SIGTERM or SIGINT.
  rebuild-site
            Regenerate every profile's web archive from the stored reports.
  check     Validate a configuration file (loading the plugins it names)
            and print what it sets up. With --probe, also make one small real
            request to the model (a few tokens) and each channel (Slack
            auth.test, Discord webhook GET, SMTP login and NOOP; nothing is
            posted) and say what each proved.
  plugins   List the plugins paperboy finds and their configuration keys.
  send-test Send a short sample digest through one channel (--channel NAME).
  status    Show the last runs and every delivery that is not done yet, or
            that failed, with its attempts, next try and last error
            (--storage: what the state file holds and its size).
  resend    Deliver a day's digest again on purpose (--date, --profile,
            optionally --channel; default: all the profile's channels).
  feedback  Teach the built-in ranker: --like ID... and --dislike ID... record
            votes on papers of a stored day (--date, --profile); --list shows
            them. A later vote on a paper replaces the earlier one. --collect
            reads the reactions on the Slack and Discord digests of the last
            feedback.reactions_days as votes now (the daemon does it on a timer).
  import    Seed a profile's ranker from the reader's own library: a BibTeX
            export (.bib: Zotero, Mendeley, Google Scholar), Zotero CSL-JSON
            (.json), or a text file of arXiv ids or URLs (looked up in the
            stored days, else at arXiv's API, 100 a request, one every 3 s).
            Imported papers count as likes.
  backfill  Rebuild announcement days that were missed (--from, --to; weekdays,
            at most 31 days) from arXiv's search API: the papers first
            submitted in each day's window, one request every 3 s, then
            scored, reported and delivered like a normal day and marked as
            backfilled. Days already stored are left alone.
  explain   Say why a paper is in or out of a stored day's digest (--date,
            the paper's id): announce type, followed author, repeat, scores
            and cut-offs, its place in the digest, and the ranker's
            strongest terms for and against it.
  preview   Rank a stored day again with the current settings, or trial
            topics (--topics FILE), and print which papers would enter and
            leave its digest. No fetch, nothing written; cached scores are
            reused, so only papers whose prompt changed are sent to the model.
  help      Show this help.

Options for every command:
  -c, --config FILE    Configuration file (JSON). Default: $PAPERBOY_CONFIG.
  -v, --verbose        Log debug details.
  -q, --quiet          Log warnings and errors only.
Options for init:
  --dir DIR            Where to write (default: the current folder).
  --categories "A B"   arXiv categories (default "cs.LG cs.AI").
  --interests TEXT     Your research interests, comma-separated.
  --email ADDR --smtp-url URL   Deliver by email (smtp://host:587 or smtps://host:465).
  --slack-webhook URL, --discord-webhook URL   Deliver to a chat channel.
  --time HH:MM --timezone TZ    When the daemon runs (default 08:00 UTC).
Options for check:
  --probe              Probe the model and channel endpoints (see above).
Options for send-test and resend:
  --channel NAME       The channel (a key of "channels" in the configuration).
Options for resend:
  --date YYYY-MM-DD    The announcement day whose digest is sent again.
  --profile NAME       The profile.
Options for feedback:
  --date YYYY-MM-DD    The announcement day the papers were in.
  --profile NAME       The profile (optional when there is one).
  --like ID...         Papers the reader wants more of (arXiv ids or abs URLs,
                       bioRxiv/medRxiv ids as the report writes them).
  --dislike ID...      Papers the reader wants fewer of.
  --list               List the recorded votes instead.
  --limit N            With --list: the newest N votes a profile (default 50;
                       0 for all).
  --collect            Read the reactions on delivered chat digests as votes.
Options for backfill:
  --from YYYY-MM-DD    The first missed day.
  --to YYYY-MM-DD      The last one (default: --from); before today.
Options for explain:
  --date YYYY-MM-DD    The stored announcement day; then the paper's id.
  --profile NAME       The profile (optional when there is one).
Options for import:
  --profile NAME       The profile (optional when there is one); then the file.
Options for preview:
  --date YYYY-MM-DD    The stored announcement day.
  --profile NAME       The profile (optional when there is one).
  --topics FILE        Trial research interests instead of the profile's.
Options for serve:
  --listen HOST:PORT   Where to listen (default: server.listen).
Options for status:
  --runs N             How many recent runs to list (default 10).
  --all                Also list delivered entries (default: only the others).
  --limit N            List at most the newest N entries (default 20; 0 for
                       all).
  --storage            Show what the state holds instead: size, days, rows and
                       megabytes per table, state.keep_days, integrity (exit 1 if
                       SQLite finds damage).
Options for run:
  --date YYYY-MM-DD    Announcement day (default: today in schedule.timezone,
                       America/New_York unless set). A day already stored in the
                       state database is reported again without asking arXiv.
  --estimate           Say what scoring the day would cost: calls, prompt and
                       cached tokens, completion tokens and dollars. A stored day
                       (default: the last one) is read from the state; with
                       none, or --date not stored, the day is fetched as
                       --dry-run would. Calls no model, stores nothing.
  --dry-run            Score and print the Markdown report to standard output;
                       write no files and no state. A day already stored is read
                       from the state with its cached scores (no request, no
                       model call for what is cached).

Global:
  -h, --help           Show this help.
  --version            Show the version.

Exit status:
  0   report(s) written and delivered (run, resend), configuration valid (check)
  1   the run failed and retrying will not help (malformed feed, bad category,
      unwritable output, unusable state database, a channel refused the digest
      or the ledger gave up on it); or what a command asks about is not
      there (a day not stored, a paper not in it)
  2   invalid command line (also: --date in the future)
  3   no announcement that day: the feed is empty (weekend or arXiv holiday),
      or --date is a Saturday or Sunday
  4   the digest was delivered marked incomplete: some papers could not be
      scored (llm.on_failure "send_marked", "offline", a spending cap, or a
      hold that ran out); every channel's message says so
  75  temporary failure: network, timeout, HTTP 429/5xx, or the feed still
      carries an earlier day, or a delivery is still pending in the ledger,
      or the day is held because scoring failed (llm.on_failure "hold");
      the next run retries (a digest already delivered is not sent again)
  78  invalid configuration (also: a plugin the configuration names is not
      installed)
)";

int exit_for(const error& e) {
    switch (e.code) {
        case errc::config_invalid: return exit_code::config;
        case errc::usage: return exit_code::usage;
        default: return e.transient() ? exit_code::temporary : exit_code::failure;
    }
}

po::options_description common_description(common_options& c) {
    po::options_description d;
    d.add_options()("config,c", po::value(&c.config_path))("verbose,v", po::bool_switch(&c.verbose))(
        "quiet,q", po::bool_switch(&c.quiet))("help,h", "");
    return d;
}

std::string resolve_config_path(const common_options& c) {
    if (!c.config_path.empty()) return c.config_path;
    if (const char* env = std::getenv("PAPERBOY_CONFIG"); env && *env) return env;
    throw failure(make_error(errc::usage, "no configuration: pass --config FILE or set PAPERBOY_CONFIG"));
}

static void start_logging(const common_options& c) {
    setup_logging(c.verbose ? spdlog::level::debug : c.quiet ? spdlog::level::warn : spdlog::level::info);
}

bool parse_command(const std::vector<std::string>& args, const po::options_description& desc, const common_options& c,
                   const po::positional_options_description* positional) {
    po::variables_map vm;
    po::command_line_parser parser(args);
    parser.options(desc);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << usage_text;
        return false;
    }
    start_logging(c);
    return true;
}


// One real, harmless request to the model and to each channel; what each proved, or its error.
void print_delivery(const delivery_outcome& d) {
    if (d.held) {
        std::cout << "  HELD for " << d.channel << ": " << d.hold_reason << "\n    not sent until its papers are scored; at the latest "
                  << format_utc(from_unix_ms(d.held_until_ms)) << " it is sent marked incomplete (see paperboy status)\n";
    } else if (d.delivered) std::cout << "  sent to " << d.channel << "\n";
    else if (d.skipped) std::cout << "  " << d.channel << ": already delivered, not sent again\n";
    else if (d.pending) std::cout << "  NOT delivered yet to " << d.channel << ": " << (d.failure ? d.failure->detail : std::string()) << "\n    the ledger retries it: see paperboy status\n";
    else std::cout << "  NOT delivered to " << d.channel << ": " << (d.failure ? d.failure->detail : std::string()) << "\n";
}

const profile_config& pick_profile(const config& cfg, const std::string& name) {
    if (name.empty()) {
        if (cfg.profiles.size() == 1) return cfg.profiles.front();
        throw failure(make_error(errc::usage, "give --profile NAME (the configuration has several)"));
    }
    const auto it = std::find_if(cfg.profiles.begin(), cfg.profiles.end(), [&](const auto& p) { return p.name == name; });
    if (it == cfg.profiles.end()) throw failure(make_error(errc::usage, "no profile named '" + name + "' in the configuration"));
    return *it;
}

int print_estimate(const config& cfg, std::optional<day> date, bool brief) {
    std::vector<std::string> stored;
    if (std::filesystem::exists(cfg.state_path)) stored = state_store(cfg.state_path).stored_days();
    if (stored.empty() && brief) return exit_code::ok;  // check: no network for a price
    run_options opts;
    opts.dry_run = true;
    opts.estimate = true;
    // A stored day is read from the state. With none (or not the one asked for) the day is
    // fetched as a dry run would: the reader wants the price before the first run.
    const bool asked_stored = date && std::find(stored.begin(), stored.end(), format_iso_day(*date)) != stored.end();
    opts.stored_day_only = asked_stored || (!date && !stored.empty());
    opts.date = opts.stored_day_only && !date ? parse_iso_day(stored.back()) : date;
    const std::string which = asked_stored ? "the stored day" : opts.stored_day_only ? "the last stored day" : "fetched from arXiv, not stored";
    const auto summary = run_day(cfg, opts);
    const auto date_text = format_iso_day(summary.date);
    for (const auto& p : summary.profiles) {
        if (!p.estimate) continue;
        const auto& e = *p.estimate;
        if (brief) {
            std::cout << "  estimate: " << date_text << " [" << p.profile << "]: " << e.title_calls + e.calls + e.tldr_calls << " calls, "
                      << e.usage.prompt_tokens << " prompt tokens, " << (e.cost ? format_usd(e.cost->total_usd()) : std::string("cost unknown"))
                      << " (paperboy run --estimate for details)\n";
            continue;
        }
        std::cout << "paperboy: estimate for " << date_text << " [" << p.profile << "] with " << cfg.llm.model << " (" << which
                  << "; no model is called)\n";
        if (e.papers == 0) {
            std::cout << "  nothing to pay: " << (p.scored_now == 0 ? "every score is in the cache" : "the built-in scorer calls no model") << "\n";
            continue;
        }
        std::cout << "  papers to score: " << e.papers << " (" << p.from_cache << " from the cache)\n";
        std::cout << "  calls:           " << e.title_calls + e.calls + e.tldr_calls;
        if (e.title_calls > 0 || e.tldr_calls > 0) {
            std::cout << " (" << e.title_calls << " title pre-filter, " << e.calls << " abstracts" << (e.tldr_calls > 0 ? ", " + std::to_string(e.tldr_calls) + " TL;DR" : std::string()) << ")";
        }
        if (cfg.llm.batch_mode) {
            const bool tldrs = e.tldr_calls > 0;
            std::cout << (title_pass_in_batch(cfg.llm) ? (tldrs ? "; the titles, abstracts and TL;DRs" : "; the titles and abstracts")
                                                       : (tldrs ? "; the abstracts and TL;DRs" : "; the abstracts"))
                      << " through the Batch API, at half the price";
        }
        std::cout << "\n  prompt tokens:   " << e.usage.prompt_tokens << " (" << e.usage.cached_tokens << " of them cached)\n";
        std::cout << "  completion:      about " << e.usage.completion_tokens << " tokens\n";
        std::cout << "  cost:            " << (e.cost ? "about " + format_usd(e.cost->total_usd()) : "unknown: no price for " + cfg.llm.model + " (llm.prices)")
                  << "\n";
        if (e.title_calls > 0) std::cout << "  (an upper bound: the title pre-filter is counted as keeping every paper)\n";
    }
    return exit_code::ok;
}

}  // namespace paperboy::cli_detail
