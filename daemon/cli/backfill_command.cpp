// `paperboy backfill`: announcement days the daemon missed, rebuilt from arXiv's search API
// and then scored, reported and delivered like any day, marked as backfilled.
#include "cli/cli_detail.hpp"

#include "cli/exit_codes.hpp"
#include "job/backfill.hpp"
#include "schedule/schedule.hpp"

#include <iostream>

namespace paperboy::cli_detail {
namespace {

constexpr int max_backfill_days = 31;

day parse_day_option(const std::string& value, const char* option) {
    const auto d = parse_iso_day(value);
    if (!d) throw failure(make_error(errc::usage, std::string("--") + option + " '" + value + "' is not a date (YYYY-MM-DD)"));
    return *d;
}

}  // namespace

int cmd_backfill(const std::vector<std::string>& args) {
    common_options c;
    std::string from_text, to_text;
    auto desc = common_description(c);
    desc.add_options()("from", po::value(&from_text))("to", po::value(&to_text));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    if (from_text.empty()) throw failure(make_error(errc::usage, "backfill needs --from YYYY-MM-DD (and optionally --to, default the same day)"));
    const auto cfg = load_config(resolve_config_path(c)).value();
    const auto from = parse_day_option(from_text, "from");
    const auto to = to_text.empty() ? from : parse_day_option(to_text, "to");
    const auto today = today_in(cfg.schedule.timezone, std::chrono::system_clock::now());
    if (std::chrono::sys_days{to} < std::chrono::sys_days{from}) throw failure(make_error(errc::usage, "--to is before --from"));
    if (std::chrono::sys_days{to} >= std::chrono::sys_days{today}) {
        throw failure(make_error(errc::usage, "--to must be a past day: today's feed is read by run (arXiv's API lists a day only after it)"));
    }
    if ((std::chrono::sys_days{to} - std::chrono::sys_days{from}).count() >= max_backfill_days) {
        throw failure(make_error(errc::usage, "at most " + std::to_string(max_backfill_days) + " days at a time (one request per 3 s: be kind to arXiv)"));
    }
    int status = exit_code::ok;
    for (auto d = std::chrono::sys_days{from}; d <= std::chrono::sys_days{to}; d += std::chrono::days{1}) {
        const day date{d};
        const auto date_text = format_iso_day(date);
        if (!is_announcement_weekday(date)) continue;
        const auto b = backfill_day(
            cfg, date, [&](std::size_t done, std::size_t total) {
                if (!c.quiet) std::cerr << "paperboy: " << date_text << ": " << done << " of " << total << " papers\n";
            },
            [&] { std::cerr << "paperboy: " << date_text << ": asking arXiv's API for the day's papers (one request every 3 s)\n"; });
        switch (b.what) {
            case backfill_result::outcome::already_stored:
                std::cout << "paperboy: " << date_text << ": already stored; `paperboy run --date " << date_text << "` runs it again\n";
                break;
            case backfill_result::outcome::no_papers:
                std::cout << "paperboy: " << date_text << ": arXiv's API lists no paper for that day's window (an arXiv holiday?); nothing to do\n";
                break;
            case backfill_result::outcome::failed:
                std::cerr << "paperboy: " << date_text << ": not backfilled: " << b.failure->message() << "\n";
                status = worse_exit(status, b.failure->transient() ? exit_code::temporary : exit_code::failure);
                break;
            case backfill_result::outcome::ran: status = worse_exit(status, print_run(*b.summary, true)); break;
        }
    }
    return status;
}

}  // namespace paperboy::cli_detail
