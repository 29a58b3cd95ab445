#include "cli/cli.hpp"

#include "cli/cli_detail.hpp"
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
#include "feedback/vote_server.hpp"
#include "site/site.hpp"
#include "score/model_retirement.hpp"
#include "score/pricing.hpp"
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
using namespace cli_detail;
namespace cli_detail {

int worse_exit(int a, int b) {
    static constexpr int order[] = {exit_code::ok, exit_code::incomplete, exit_code::temporary, exit_code::failure};
    const auto rank = [](int x) { return static_cast<int>(std::find(std::begin(order), std::end(order), x) - std::begin(order)); };
    return rank(b) > rank(a) ? b : a;
}

int print_run(const run_summary& summary, bool print) {
    const auto date = format_iso_day(summary.date);
    if (print) {
        for (const auto& p : summary.profiles) {
            std::cout << "paperboy: " << date << " [" << p.profile << "]: " << p.stats.selected << " of " << p.stats.scanned
                      << " papers selected";
            if (p.stats.usage.prompt_tokens > 0) {
                std::cout << ", " << (p.stats.cost ? format_usd(p.stats.cost->total_usd()) : std::string("cost unknown")) << " for "
                          << p.stats.usage.prompt_tokens + p.stats.usage.completion_tokens << " tokens billed for the day";
            }
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
    const auto worse = [&](int s) { status = worse_exit(status, s); };
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

}  // namespace cli_detail

namespace {

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
    std::cout << ")\n";
    for (const auto& src : cfg.preprints) {
        std::cout << "  source:   " << src.server << " (" << (src.categories.empty() ? std::string("every subject area") : text::join(src.categories))
                  << ") from " << src.api_url << ", added to each arXiv day\n";
    }
    std::cout << "  scorer:   " << cfg.llm.plugin << " (model shown as '" << cfg.llm.model << "')\n";
    for (const auto& p : cfg.profiles) {
        std::cout << "  profile " << p.name << ": " << p.authors.size() << " followed author(s), cut-offs relevance "
                  << p.relevance_cutoff << " / novelty " << p.novelty_cutoff << ", top_n "
                  << (p.top_n == 0 ? std::string("all") : std::to_string(p.top_n)) << ", channels: "
                  << (p.channels.empty() ? std::string("none") : text::join(p.channels)) << "\n";
    }
    if (cfg.llm.plugin != "offline" && cfg.llm.plugin != "replay") {
        static constexpr const char* policies[] = {"hold", "send_marked", "offline"};
        std::cout << "  plugin:   " << cfg.llm.plugin << " loaded, settings accepted (concurrency " << cfg.llm.concurrency
                  << ", batch size " << (cfg.llm.batch_size > 0 ? std::to_string(cfg.llm.batch_size) : std::string("sized for the day"))
                  << (cfg.llm.title_filter ? ", title pre-filter" : "")
                  << ", on failure: " << policies[static_cast<int>(cfg.llm.on_failure)] << ")\n";
    }
    std::cout << "  output:   " << cfg.output_dir.string() << "/<profile>/YYYY-MM-DD.{md,json}\n";
    std::cout << "  state:    " << cfg.state_path.string() << "\n";
    std::cout << "  schedule: " << cfg.schedule.time << " " << cfg.schedule.timezone;
    if (cfg.llm.batch_deadline) std::cout << "; Batch API batches end by " << format_clock_time(*cfg.llm.batch_deadline) << " (llm.batch_deadline)";
    std::cout << "\n";
    for (const auto& ch : cfg.channels) std::cout << "  channel " << ch.name << ": plugin " << ch.plugin << " loaded, settings accepted\n";
    for (const auto& p : cfg.profiles) {
        // init's placeholders, left as they were: the scorer would rank by them.
        if (p.topics.find("(rename it)") != std::string::npos || p.topics.find("the methods, problems and phrases you look for") != std::string::npos) {
            std::cout << "  warning:  profile " << p.name << ": its topics are still init's template (\"My first topic (rename it)\"); "
                         "write your own research interests there, or import your papers (paperboy import)\n";
        }
    }
    const bool mails = std::any_of(cfg.channels.begin(), cfg.channels.end(), [](const auto& ch) { return ch.plugin == "email"; });
    if (mails && cfg.public_url.starts_with("http://")) {
        std::cout << "  warning:  server.public_url is http: mail providers offer one-click unsubscribe (RFC 8058) only for https links; "
                     "the emails carry the link, without List-Unsubscribe-Post\n";
    }
    if (cfg.llm.plugin != "offline" && cfg.llm.plugin != "replay") {
        print_estimate(cfg, std::nullopt, true);
        // The provider's own shutdown dates (GET /models), where it announces them.
        const auto llm = make_llm_instance(cfg.llm, cfg.plugin_dir, cfg.source);
        for (const auto& r : model_retirements(llm.get(), cfg.llm, shutdown_today(std::chrono::system_clock::now()))) {
            if (const auto w = retirement_warning(r)) std::cout << "  warning:  " << *w << "\n";
        }
    }
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

int cmd_run(const std::vector<std::string>& args) {
    common_options c;
    std::string date_text;
    bool dry_run = false, estimate = false;
    auto desc = common_description(c);
    desc.add_options()("date", po::value(&date_text))("dry-run", po::bool_switch(&dry_run))("estimate", po::bool_switch(&estimate));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    run_options opts;
    if (!date_text.empty()) {
        opts.date = parse_iso_day(date_text);
        if (!opts.date) throw failure(make_error(errc::usage, "--date expects YYYY-MM-DD, got '" + date_text + "'"));
    }
    opts.dry_run = dry_run;
    opts.dry_run_output = [](const report&, const std::string& markdown) { std::cout << markdown << "\n"; };
    const auto cfg = load_config(resolve_config_path(c)).value();
    if (estimate) return print_estimate(cfg, opts.date);
    // A model's shutdown is warned of by the scorer, with the provider's date when it says one.
    if (opts.date) {
        // Said plainly here, rather than as "the feed has not been updated yet" after a fetch.
        const auto today = today_in(cfg.schedule.timezone, std::chrono::system_clock::now());
        if (std::chrono::sys_days(*opts.date) > std::chrono::sys_days(today)) {
            throw failure(make_error(errc::usage, "--date " + date_text + " is in the future (today is " + format_iso_day(today) + " in " +
                                                      cfg.schedule.timezone + ")"));
        }
    }
    // Said before a fetch: on a weekend the feed still carries Friday, which is not "stale".
    const auto day_to_run = opts.date.value_or(today_in(cfg.schedule.timezone, std::chrono::system_clock::now()));
    if (const auto notice = weekend_notice(day_to_run)) {
        std::cerr << "paperboy: " << *notice << (opts.date ? "" : " (give it as --date to run it)") << "\n";
        return exit_code::no_announcement;
    }
    const auto summary = run_day(cfg, opts);
    const auto date = format_iso_day(summary.date);
    if (summary.outcome == run_outcome::no_announcement) {
        std::cerr << "paperboy: no announcement on " << date << " (the arXiv feed is empty: weekend or holiday)\n";
        return exit_code::no_announcement;
    }
    return print_run(summary, !dry_run);
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
        const auto secret = !cfg.public_url.empty() && std::filesystem::exists(cfg.state_path) ? state_store(cfg.state_path).link_secret() : std::string();
        const auto r = build_site(cfg.output_dir / p.name, p.name, cfg.public_url, secret);
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
    auto server = net::http_server::start(io, listen, [&](const net::inbound_request& req) { return serve_site(cfg, req); }).value();
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code&, int) {
        server->stop();
        io.stop();
    });
    spdlog::info("serving the web archive of {} on {} (port {}): /<profile>/", cfg.output_dir.string(), listen, server->port());
    io.run();
    return exit_code::ok;
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
        if (command == "explain") return cmd_explain(args);
        if (command == "preview") return cmd_preview(args);
        if (command == "import") return cmd_import(args);
        if (command == "backfill") return cmd_backfill(args);
        if (command == "init") return cmd_init(args);
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
