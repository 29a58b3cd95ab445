#include "cli/cli.hpp"

#include "cli/exit_codes.hpp"
#include "config/config.hpp"
#include "core/version.hpp"
#include "job/daily_run.hpp"
#include "log/logging.hpp"
#include "arxiv/feed_source.hpp"
#include "deliver/delivery.hpp"
#include "feedback/votes.hpp"
#include "plugin/loader.hpp"
#include "schedule/schedule.hpp"
#include "service/daemon.hpp"
#include "net/http_server.hpp"
#include "site/archive_server.hpp"
#include "site/site.hpp"
#include "score/scorer.hpp"
#include "state/state_store.hpp"
#include "core/text.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace paperboy {
namespace po = boost::program_options;
namespace {

constexpr std::string_view usage_text = R"(Usage: paperboy <command> [options]

paperboy reads each arXiv announcement day, scores the new papers against your research
interests, writes a personalised digest, delivers it by email, Slack or Discord, and keeps
a browsable web archive of past digests.

Commands:
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
            that failed, with its attempts, next try and last error.
  resend    Deliver a day's digest again on purpose (--date, --profile,
            optionally --channel; default: all the profile's channels).
  feedback  Teach the built-in ranker: --like ID... and --dislike ID... record
            votes on papers of a stored day (--date, --profile); --list shows
            them. A later vote on a paper replaces the earlier one.
  help      Show this help.

Options for every command:
  -c, --config FILE    Configuration file (JSON). Default: $PAPERBOY_CONFIG.
  -v, --verbose        Log debug details.
  -q, --quiet          Log warnings and errors only.
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
  --like ID...         Papers the reader wants more of (arXiv ids or abs URLs).
  --dislike ID...      Papers the reader wants fewer of.
  --list               List the recorded votes instead.
Options for serve:
  --listen HOST:PORT   Where to listen (default: server.listen).
Options for status:
  --runs N             How many recent runs to list (default 10).
  --all                Also list delivered entries (default: only the others).
Options for run:
  --date YYYY-MM-DD    Announcement day (default: today in schedule.timezone,
                       America/New_York unless set). A day already stored in the
                       state database is reported again without asking arXiv.
  --dry-run            Fetch, score and print the Markdown report to standard
                       output; write no files and no state.

Global:
  -h, --help           Show this help.
  --version            Show the version.

Exit status:
  0   report(s) written and delivered (run, resend), configuration valid (check)
  1   the run failed and retrying will not help (malformed feed, bad category,
      unwritable output, unusable state database, a channel refused the digest
      or the ledger gave up on it)
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

struct common_options {
    std::string config_path;
    bool verbose = false;
    bool quiet = false;
};

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

void start_logging(const common_options& c) {
    setup_logging(c.verbose ? spdlog::level::debug : c.quiet ? spdlog::level::warn : spdlog::level::info);
}

/// Parses a command's options; prints the help and returns false for --help, otherwise starts
/// logging and returns true. Throws po::error on bad options.
bool parse_command(const std::vector<std::string>& args, const po::options_description& desc, const common_options& c) {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << usage_text;
        return false;
    }
    start_logging(c);
    return true;
}


// One real, harmless request to the model and to each channel; what each proved, or its error.
int probe_services(const config& cfg) {
    int status = exit_code::ok;
    const auto show = [&](const std::string& what, const probe_outcome& p) {
        std::cout << "  " << what << ": " << (p.skipped ? "not probed" : p.ok ? "ok" : "FAILED") << ": " << p.detail << "\n";
        if (!p.ok && status != exit_code::failure) status = p.transient ? exit_code::temporary : exit_code::failure;
    };
    std::cout << "probes:\n";
    if (auto llm = make_llm_instance(cfg.llm, cfg.plugin_dir, cfg.source)) show("llm " + cfg.llm.plugin, probe_plugin(*llm));
    else std::cout << "  llm " << cfg.llm.plugin << ": built in, nothing to probe\n";
    for (const auto& ch : cfg.channels) show("channel " + ch.name + " (" + ch.plugin + ")", probe_channel(cfg, ch));
    return status;
}

int cmd_check(const std::vector<std::string>& args) {
    common_options c;
    bool probe = false;
    auto desc = common_description(c);
    desc.add_options()("probe", po::bool_switch(&probe));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    const auto path = resolve_config_path(c);
    const auto cfg = load_config(path).value();
    // Everything is checked before anything is printed: "configuration OK" is never followed
    // by an error.
    if (cfg.llm.plugin != "offline" && cfg.llm.plugin != "replay") {
        make_scorer(cfg.llm, cfg.plugin_dir, cfg.source);  // loads the plugin and lets it check its settings
    }
    for (const auto& ch : cfg.channels) check_channel(cfg, ch).value();

    std::cout << "configuration OK: " << cfg.source.string() << "\n";
    std::cout << "  feed:     " << feed_url(cfg.arxiv.feed_url, cfg.arxiv.categories) << " (announce types:";
    for (const auto t : cfg.arxiv.announce_types) std::cout << " " << to_string(t);
    std::cout << ")\n  scorer:   " << cfg.llm.plugin << " (model shown as '" << cfg.llm.model << "')\n";
    for (const auto& p : cfg.profiles) {
        std::cout << "  profile " << p.name << ": " << p.authors.size() << " followed author(s), cut-offs relevance "
                  << p.relevance_cutoff << " / novelty " << p.novelty_cutoff << ", top_n "
                  << (p.top_n == 0 ? std::string("all") : std::to_string(p.top_n)) << ", channels: "
                  << (p.channels.empty() ? std::string("none") : text::join(p.channels)) << "\n";
    }
    if (cfg.llm.plugin != "offline" && cfg.llm.plugin != "replay") {
        static constexpr const char* policies[] = {"hold", "send_marked", "offline"};
        std::cout << "  plugin:   " << cfg.llm.plugin << " loaded, settings accepted (concurrency " << cfg.llm.concurrency
                  << ", batch size " << cfg.llm.batch_size << (cfg.llm.title_filter ? ", title pre-filter" : "")
                  << ", on failure: " << policies[static_cast<int>(cfg.llm.on_failure)] << ")\n";
    }
    std::cout << "  output:   " << cfg.output_dir.string() << "/<profile>/YYYY-MM-DD.{md,json}\n";
    std::cout << "  state:    " << cfg.state_path.string() << "\n";
    std::cout << "  schedule: " << cfg.schedule.time << " " << cfg.schedule.timezone << "\n";
    for (const auto& ch : cfg.channels) std::cout << "  channel " << ch.name << ": plugin " << ch.plugin << " loaded, settings accepted\n";
    return probe ? probe_services(cfg) : exit_code::ok;
}

int cmd_plugins(const std::vector<std::string>& args) {
    common_options c;
    auto desc = common_description(c);
    if (!parse_command(args, desc, c)) return exit_code::ok;
    std::optional<std::filesystem::path> plugin_dir;
    if (!c.config_path.empty() || std::getenv("PAPERBOY_CONFIG")) plugin_dir = load_config(resolve_config_path(c)).value().plugin_dir;
    const auto dirs = plugin_search_path(plugin_dir);
    std::vector<std::string> problems;
    const auto found = discover_plugins(dirs, problems);
    std::cout << "search path:";
    for (const auto& d : dirs) std::cout << " " << d.string();
    std::cout << "\n";
    std::cout << "built in: offline (llm), replay (llm)\n";
    for (const auto& p : found) {
        const auto& d = p->descriptor();
        std::cout << d.name << " " << (d.version ? d.version : "?") << " (" << (d.kind == PB_KIND_LLM ? "llm" : "channel")
                  << ") " << p->path().string() << "\n";
        const auto keys = nlohmann::json::parse(d.config_doc_json ? d.config_doc_json : "[]", nullptr, false);
        if (keys.is_array()) {
            for (const auto& k : keys) {
                std::cout << "    " << k.value("key", "?") << " (" << k.value("type", "?") << (k.value("required", false) ? ", required" : "")
                          << (k.value("secret", false) ? ", secret" : "") << "): " << k.value("doc", "") << "\n";
            }
        }
    }
    for (const auto& problem : problems) std::cerr << "paperboy: " << problem << "\n";
    return exit_code::ok;
}

void print_delivery(const delivery_outcome& d) {
    if (d.held) {
        std::cout << "  HELD for " << d.channel << ": " << d.hold_reason << "\n    not sent until its papers are scored; at the latest "
                  << format_utc(from_unix_ms(d.held_until_ms)) << " it is sent marked incomplete (see paperboy status)\n";
    } else if (d.delivered) std::cout << "  sent to " << d.channel << "\n";
    else if (d.skipped) std::cout << "  " << d.channel << ": already delivered, not sent again\n";
    else if (d.pending) std::cout << "  NOT delivered yet to " << d.channel << ": " << (d.failure ? d.failure->detail : std::string()) << "\n    the ledger retries it: see paperboy status\n";
    else std::cout << "  NOT delivered to " << d.channel << ": " << (d.failure ? d.failure->detail : std::string()) << "\n";
}

int cmd_run(const std::vector<std::string>& args) {
    common_options c;
    std::string date_text;
    bool dry_run = false;
    auto desc = common_description(c);
    desc.add_options()("date", po::value(&date_text))("dry-run", po::bool_switch(&dry_run));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    run_options opts;
    if (!date_text.empty()) {
        opts.date = parse_iso_day(date_text);
        if (!opts.date) throw failure(make_error(errc::usage, "--date expects YYYY-MM-DD, got '" + date_text + "'"));
    }
    opts.dry_run = dry_run;
    opts.dry_run_output = [](const std::string&, const std::string& markdown) { std::cout << markdown << "\n"; };
    const auto cfg = load_config(resolve_config_path(c)).value();
    if (opts.date) {
        // Said plainly here, rather than as "the feed has not been updated yet" after a fetch.
        const auto today = today_in(cfg.schedule.timezone, std::chrono::system_clock::now());
        if (std::chrono::sys_days(*opts.date) > std::chrono::sys_days(today)) {
            throw failure(make_error(errc::usage, "--date " + date_text + " is in the future (today is " + format_iso_day(today) + " in " +
                                                      cfg.schedule.timezone + ")"));
        }
        if (const auto wd = std::chrono::weekday(std::chrono::sys_days(*opts.date)); wd == std::chrono::Saturday || wd == std::chrono::Sunday) {
            std::cerr << "paperboy: arXiv does not announce on " << (wd == std::chrono::Saturday ? "Saturdays" : "Sundays") << ": " << date_text
                      << " is a " << (wd == std::chrono::Saturday ? "Saturday" : "Sunday") << "\n";
            return exit_code::no_announcement;
        }
    }
    const auto summary = run_day(cfg, opts);
    const auto date = format_iso_day(summary.date);
    if (summary.outcome == run_outcome::no_announcement) {
        std::cerr << "paperboy: no announcement on " << date << " (the arXiv feed is empty: weekend or holiday)\n";
        return exit_code::no_announcement;
    }
    if (!dry_run) {
        for (const auto& p : summary.profiles) {
            std::cout << "paperboy: " << date << " [" << p.profile << "]: " << p.stats.selected << " of " << p.stats.scanned
                      << " papers selected";
            if (p.stats.failed > 0) std::cout << ", " << p.stats.failed << " could not be scored";
            if (p.held) std::cout << " (HELD: not delivered until they are)";
            else if (p.incomplete) std::cout << " (delivered marked INCOMPLETE)";
            std::cout << "\n  digest: " << p.markdown_path.string() << "\n  json:   " << p.json_path.string() << "\n";
            if (p.incomplete) std::cout << "  " << describe(*p.incomplete, p.stats.scanned) << "\n";
            for (const auto& d : p.deliveries) print_delivery(d);
        }
        for (const auto& d : summary.resumed) {
            std::cout << "  earlier digest " << d.date << " [" << d.profile << "]:";
            print_delivery(d);
        }
    }
    // The report is written either way; a failed delivery still makes the run fail, with the
    // status that tells a scheduler whether trying again later can help. A held day waits for
    // a later run (75); an incomplete digest that went out is never a plain success (4).
    int status = exit_code::ok;
    const auto worse = [&](int s) {
        static constexpr int order[] = {exit_code::ok, exit_code::incomplete, exit_code::temporary, exit_code::failure};
        const auto rank = [](int x) { return static_cast<int>(std::find(std::begin(order), std::end(order), x) - std::begin(order)); };
        if (rank(s) > rank(status)) status = s;
    };
    const auto account = [&](const delivery_outcome& d) {
        if (d.delivered || d.skipped) return;
        worse(d.pending || d.held ? exit_code::temporary : exit_code::failure);
    };
    for (const auto& p : summary.profiles) {
        std::for_each(p.deliveries.begin(), p.deliveries.end(), account);
        if (p.held) worse(exit_code::temporary);
        else if (p.incomplete) worse(exit_code::incomplete);
    }
    std::for_each(summary.resumed.begin(), summary.resumed.end(), account);
    return status;
}

int cmd_send_test(const std::vector<std::string>& args) {
    common_options c;
    std::string channel;
    auto desc = common_description(c);
    desc.add_options()("channel", po::value(&channel));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    if (channel.empty()) throw failure(make_error(errc::usage, "send-test needs --channel NAME"));
    const auto cfg = load_config(resolve_config_path(c)).value();
    const auto out = send_test(cfg, channel);
    if (out.delivered) {
        std::cout << "paperboy: sample digest sent to " << channel << " (" << out.receipt << ")\n";
        return exit_code::ok;
    }
    std::cerr << "paperboy: " << out.failure->message() << "\n";
    return out.failure->code == errc::config_invalid ? exit_code::config
           : out.failure->transient()              ? exit_code::temporary
                                                   : exit_code::failure;
}

int cmd_daemon(const std::vector<std::string>& args) {
    common_options c;
    auto desc = common_description(c);
    if (!parse_command(args, desc, c)) return exit_code::ok;
    return run_daemon(resolve_config_path(c));
}

int cmd_rebuild_site(const std::vector<std::string>& args) {
    common_options c;
    auto desc = common_description(c);
    if (!parse_command(args, desc, c)) return exit_code::ok;
    const auto cfg = load_config(resolve_config_path(c)).value();
    for (const auto& p : cfg.profiles) {
        const auto r = build_site(cfg.output_dir / p.name, p.name, cfg.public_url);
        std::cout << "paperboy: " << p.name << ": " << r.days << " days, " << r.written << " pages written, " << r.unchanged
                  << " unchanged: " << (cfg.output_dir / p.name / "site").string() << "\n";
    }
    return exit_code::ok;
}

int cmd_serve(const std::vector<std::string>& args) {
    common_options c;
    std::string listen;
    auto desc = common_description(c);
    desc.add_options()("listen", po::value(&listen));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    const auto cfg = load_config(resolve_config_path(c)).value();
    if (listen.empty()) listen = cfg.server_listen.value_or("");
    if (listen.empty()) throw failure(make_error(errc::usage, "serve needs server.listen in the configuration or --listen HOST:PORT"));
    std::vector<std::string> profiles;
    for (const auto& p : cfg.profiles) profiles.push_back(p.name);
    boost::asio::io_context io;
    auto server = net::http_server::start(io, listen, [&](const std::string& path) { return serve_archive(cfg.output_dir, profiles, path); }).value();
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code&, int) {
        server->stop();
        io.stop();
    });
    spdlog::info("serving the web archive of {} on {} (port {}): /<profile>/", cfg.output_dir.string(), listen, server->port());
    io.run();
    return exit_code::ok;
}

int cmd_status(const std::vector<std::string>& args) {
    common_options c;
    int runs = 10;
    bool all = false;
    auto desc = common_description(c);
    desc.add_options()("runs", po::value(&runs))("all", po::bool_switch(&all));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    const auto cfg = load_config(resolve_config_path(c)).value();
    if (!std::filesystem::exists(cfg.state_path)) {
        std::cout << "paperboy: no state yet (" << cfg.state_path.string() << " does not exist): nothing has run\n";
        return exit_code::ok;
    }
    state_store state(cfg.state_path);
    const auto next = next_run(std::chrono::system_clock::now(), cfg.schedule);
    std::cout << "state: " << cfg.state_path.string() << "\nnext scheduled run: " << format_iso_day(next.date) << " at "
              << cfg.schedule.time << " " << cfg.schedule.timezone << " ("
              << format_utc(next.at) << ")\n\nlast runs (newest first):\n";
    const auto recent = state.recent_runs(runs);
    if (recent.empty()) std::cout << "  none\n";
    for (const auto& r : recent) {
        std::cout << "  " << r.date << "  " << r.profile << "  " << r.outcome;
        if (r.outcome == "reported") std::cout << ": " << r.selected << " of " << r.scanned << " selected";
        if (!r.detail.empty()) std::cout << ": " << r.detail;
        std::cout << "  (started " << r.started_at << (r.finished_at.empty() ? ", never finished" : "") << ")\n";
    }
    std::cout << "\ndeliveries" << (all ? "" : " not delivered") << ":\n";
    int shown = 0, open = 0, failed = 0, held = 0;
    for (const auto& e : state.ledger({})) {
        if (e.status == delivery_status::failed) ++failed;
        if (e.status == delivery_status::pending || e.status == delivery_status::sending) ++open;
        if (e.status == delivery_status::held) ++held;
        if (!all && e.status == delivery_status::delivered) continue;
        ++shown;
        std::cout << "  " << e.date << "  " << e.profile << "  " << e.channel << (e.generation ? " (resend " + std::to_string(e.generation) + ")" : "")
                  << "  " << to_string(e.status) << ", " << e.attempts << " attempt(s)";
        if (e.status == delivery_status::pending) std::cout << ", next attempt " << format_utc(from_unix_ms(e.next_attempt_ms));
        if (e.status == delivery_status::held) {
            std::cout << ": " << e.hold_reason << "\n      scored again at " << format_utc(from_unix_ms(e.next_attempt_ms))
                      << "; sent marked incomplete after " << format_utc(from_unix_ms(e.held_until_ms));
        }
        std::cout << "\n";
        if (!e.last_error.empty()) std::cout << "      last error: " << e.last_error << "\n";
    }
    if (shown == 0) std::cout << "  none\n";
    std::cout << "\n" << held << " held, " << open << " pending, " << failed << " failed\n";
    return exit_code::ok;
}

int cmd_feedback(const std::vector<std::string>& args) {
    common_options c;
    std::string date_text, profile;
    std::vector<std::string> likes, dislikes;
    bool list = false;
    auto desc = common_description(c);
    desc.add_options()("date", po::value(&date_text))("profile", po::value(&profile))(
        "like", po::value(&likes)->multitoken())("dislike", po::value(&dislikes)->multitoken())("list", po::bool_switch(&list));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    const auto cfg = load_config(resolve_config_path(c)).value();
    if (!profile.empty() && std::none_of(cfg.profiles.begin(), cfg.profiles.end(), [&](const auto& p) { return p.name == profile; })) {
        throw failure(make_error(errc::usage, "no profile named '" + profile + "' in the configuration"));
    }
    if (profile.empty() && cfg.profiles.size() == 1) profile = cfg.profiles.front().name;
    state_store state(cfg.state_path);
    if (list) {
        for (const auto& p : cfg.profiles) {
            if (!profile.empty() && p.name != profile) continue;
            const auto votes = state.votes(p.name);
            std::cout << p.name << ": " << votes.size() << " vote(s)\n";
            for (const auto& v : votes) {
                std::cout << "  " << v.date << "  " << (v.value > 0 ? "like    " : "dislike ") << v.paper_id << "  (" << v.source << ", " << v.created_at << ")\n";
            }
        }
        return exit_code::ok;
    }
    if (profile.empty()) throw failure(make_error(errc::usage, "feedback needs --profile NAME (the configuration has several)"));
    if (date_text.empty()) throw failure(make_error(errc::usage, "feedback needs --date YYYY-MM-DD, the day the papers were in"));
    const auto summary = record_votes(state, {profile, date_text, likes, dislikes, "cli"}).value();
    std::cout << "paperboy: recorded " << summary.recorded << " vote(s) for " << profile << " on " << date_text << "; the ranker now learns from "
              << summary.likes << (summary.likes == 1 ? " like" : " likes") << " and " << summary.dislikes
              << (summary.dislikes == 1 ? " dislike" : " dislikes") << "\n";
    return exit_code::ok;
}

int cmd_resend(const std::vector<std::string>& args) {
    common_options c;
    std::string date_text, profile, channel;
    auto desc = common_description(c);
    desc.add_options()("date", po::value(&date_text))("profile", po::value(&profile))("channel", po::value(&channel));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    if (date_text.empty() || profile.empty()) throw failure(make_error(errc::usage, "resend needs --date YYYY-MM-DD and --profile NAME"));
    if (!parse_iso_day(date_text)) throw failure(make_error(errc::usage, "--date expects YYYY-MM-DD, got '" + date_text + "'"));
    const auto cfg = load_config(resolve_config_path(c)).value();
    const auto p = std::find_if(cfg.profiles.begin(), cfg.profiles.end(), [&](const auto& x) { return x.name == profile; });
    if (p == cfg.profiles.end()) throw failure(make_error(errc::usage, "no profile named '" + profile + "' in the configuration"));
    std::vector<std::string> channels = p->channels;
    if (!channel.empty()) {
        if (std::find(channels.begin(), channels.end(), channel) == channels.end()) {
            throw failure(make_error(errc::usage, "profile '" + profile + "' has no channel '" + channel + "'"));
        }
        channels = {channel};
    }
    if (channels.empty()) throw failure(make_error(errc::usage, "profile '" + profile + "' has no channels"));
    state_store state(cfg.state_path);
    std::vector<std::int64_t> ids;
    const auto now = unix_ms(std::chrono::system_clock::now());
    for (const auto& ch : channels) {
        auto id = state.create_resend(date_text, profile, ch, now);
        if (!id) throw failure(make_error(errc::usage, "no digest of " + date_text + " for profile '" + profile + "' in the state: run that day first"));
        ids.push_back(*id);
    }
    int status = exit_code::ok;
    for (const auto& d : deliver_entries(cfg, state, ids, cfg.delivery.wait_in_run)) {
        print_delivery(d);
        if (!d.delivered) status = d.pending && status != exit_code::failure ? exit_code::temporary : exit_code::failure;
    }
    return status;
}

}  // namespace

int cli_main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty()) {
            std::cerr << usage_text;
            return exit_code::usage;
        }
        const auto command = args.front();
        args.erase(args.begin());
        if (command == "-h" || command == "--help" || command == "help") {
            std::cout << usage_text;
            return exit_code::ok;
        }
        if (command == "--version" || command == "version") {
            std::cout << "paperboy " << version_string << "\n";
            return exit_code::ok;
        }
        if (command == "run") return cmd_run(args);
        if (command == "check") return cmd_check(args);
        if (command == "plugins") return cmd_plugins(args);
        if (command == "send-test") return cmd_send_test(args);
        if (command == "status") return cmd_status(args);
        if (command == "daemon") return cmd_daemon(args);
        if (command == "serve") return cmd_serve(args);
        if (command == "rebuild-site") return cmd_rebuild_site(args);
        if (command == "resend") return cmd_resend(args);
        if (command == "feedback") return cmd_feedback(args);
        std::cerr << "paperboy: unknown command '" << command << "' (see paperboy --help)\n";
        return exit_code::usage;
    } catch (const po::error& e) {
        std::cerr << "paperboy: " << e.what() << " (see paperboy --help)\n";
        return exit_code::usage;
    } catch (const failure& f) {
        std::cerr << "paperboy: " << f.err().message() << "\n";
        return exit_for(f.err());
    } catch (const std::exception& e) {
        std::cerr << "paperboy: internal error: " << e.what() << "\n";
        return exit_code::failure;
    }
}

}  // namespace paperboy
