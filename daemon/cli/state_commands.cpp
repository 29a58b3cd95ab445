// Commands on the state: status, resend, feedback.
#include "cli/cli_detail.hpp"

#include "cli/exit_codes.hpp"
#include "config/config.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "feedback/reactions.hpp"
#include "feedback/votes.hpp"
#include "schedule/schedule.hpp"
#include "state/state_store.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace paperboy::cli_detail {

namespace {

std::string megabytes(std::int64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return buf;
}

// Whether SQLite found the file intact.
bool print_storage(const config& cfg, state_store& state) {
    const auto r = state.storage();
    std::error_code ec;
    const auto wal = std::filesystem::file_size(cfg.state_path.string() + "-wal", ec);
    std::cout << "state: " << cfg.state_path.string() << ": " << megabytes(r.file_bytes) << " (" << megabytes(r.free_bytes)
              << " of it free pages)" << (ec ? std::string() : ", write-ahead log " + megabytes(static_cast<std::int64_t>(wal))) << "\n";
    const auto rows = [&](const char* t) { return r.rows.contains(t) ? r.rows.at(t) : 0L; };
    std::cout << "days stored: " << rows("days");
    if (!r.first_day.empty()) std::cout << " (" << r.first_day << " to " << r.last_day << ")";
    std::cout << ", " << rows("papers") << " papers";
    if (rows("days") > 0 && r.table_bytes.contains("papers")) std::cout << ", " << megabytes(r.table_bytes.at("papers") / rows("days")) << " a day";
    std::cout << "\nintegrity: " << r.integrity;
    std::cout << "\nstate.keep_days: "
              << (cfg.keep_days ? std::to_string(*cfg.keep_days) + " (older days keep only what a vote, the library or a digest needs)"
                                : std::string("not set (every day is kept)"))
              << "\n\n";
    std::cout << "table              rows      size\n";
    for (const auto& [table, n] : r.rows) {
        char line[96];
        const auto bytes = r.table_bytes.contains(table) ? megabytes(r.table_bytes.at(table)) : std::string("-");
        std::snprintf(line, sizeof line, "%-16s %8ld %9s\n", table.c_str(), n, bytes.c_str());
        std::cout << line;
    }
    return r.integrity == "ok";
}

}  // namespace

int cmd_status(const std::vector<std::string>& args) {
    common_options c;
    int runs = 10;
    std::size_t limit = 20;
    bool all = false, storage = false;
    auto desc = common_description(c);
    desc.add_options()("runs", po::value(&runs))("all", po::bool_switch(&all))("storage", po::bool_switch(&storage))("limit", po::value(&limit));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    const auto cfg = load_config(resolve_config_path(c)).value();
    if (!std::filesystem::exists(cfg.state_path)) {
        std::cout << "paperboy: no state yet (" << cfg.state_path.string() << " does not exist): nothing has run\n";
        return exit_code::ok;
    }
    state_store state(cfg.state_path);
    if (storage) {
        return print_storage(cfg, state) ? exit_code::ok : exit_code::failure;
    }
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
    std::cout << "\ndeliveries" << (all ? "" : " not delivered") << (limit ? " (the newest " + std::to_string(limit) + ")" : "") << ":\n";
    int shown = 0;
    // Without --all only what is not delivered is read, and at most --limit of it: the
    // ledger of years is not.
    ledger_filter which;
    if (!all) which.statuses = {delivery_status::held, delivery_status::pending, delivery_status::sending, delivery_status::failed};
    which.most_recent = limit;
    for (const auto& e : state.ledger(which)) {
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
    auto counts = state.ledger_counts();
    std::cout << "\n" << counts[delivery_status::held] << " held, " << counts[delivery_status::pending] + counts[delivery_status::sending]
              << " pending, " << counts[delivery_status::failed] << " failed\n";
    return exit_code::ok;
}

int cmd_feedback(const std::vector<std::string>& args) {
    common_options c;
    std::string date_text, profile;
    std::vector<std::string> likes, dislikes;
    bool list = false, collect = false;
    std::size_t limit = 50;
    auto desc = common_description(c);
    desc.add_options()("date", po::value(&date_text))("profile", po::value(&profile))(
        "like", po::value(&likes)->multitoken())("dislike", po::value(&dislikes)->multitoken())("list", po::bool_switch(&list))(
        "collect", po::bool_switch(&collect))("limit", po::value(&limit));
    if (!parse_command(args, desc, c)) return exit_code::ok;
    const auto cfg = load_config(resolve_config_path(c)).value();
    if (!profile.empty() && std::none_of(cfg.profiles.begin(), cfg.profiles.end(), [&](const auto& p) { return p.name == profile; })) {
        throw failure(make_error(errc::usage, "no profile named '" + profile + "' in the configuration"));
    }
    if (profile.empty() && cfg.profiles.size() == 1) profile = cfg.profiles.front().name;
    state_store state(cfg.state_path);
    if (collect) {
        const auto sweep = collect_reactions(cfg, state, std::chrono::system_clock::now());
        for (const auto& s : sweep.skipped) std::cout << "paperboy: not read: " << s << "\n";
        for (const auto& e : sweep.errors) std::cerr << "paperboy: " << e << "\n";
        std::cout << "paperboy: read the reactions on " << sweep.messages << " message(s) of " << sweep.digests << " digest(s) of the last "
                  << cfg.feedback.days << " days; " << sweep.votes << " vote(s) recorded\n";
        return sweep.errors.empty() ? exit_code::ok : exit_code::temporary;
    }
    if (list) {
        for (const auto& p : cfg.profiles) {
            if (!profile.empty() && p.name != profile) continue;
            const auto counted = state.count_votes(p.name);
            const auto total = counted.likes + counted.dislikes;
            // The newest --limit of them: a reader who votes daily has thousands after a year.
            const auto votes = limit ? state.votes(p.name, limit) : state.votes(p.name);
            std::cout << p.name << ": " << total << " vote(s)"
                      << (votes.size() < total ? ", the newest " + std::to_string(votes.size()) + " shown (--limit 0 for all)" : "")
                      << "\n";
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
    const auto joined = [](const std::vector<std::string>& names) { return names.empty() ? std::string("none") : text::join(names); };
    if (p == cfg.profiles.end()) {
        std::vector<std::string> names;
        for (const auto& x : cfg.profiles) names.push_back(x.name);
        throw failure(make_error(errc::usage, "no profile named '" + profile + "' in the configuration; its profiles: " + joined(names)));
    }
    std::vector<std::string> channels = p->channels;
    if (!channel.empty()) {
        if (std::find(channels.begin(), channels.end(), channel) == channels.end()) {
            throw failure(make_error(errc::usage, "profile '" + profile + "' has no channel '" + channel + "'; its channels: " + joined(channels)));
        }
        channels = {channel};
    }
    if (channels.empty()) throw failure(make_error(errc::usage, "profile '" + profile + "' has no channels"));
    state_store state(cfg.state_path);
    std::vector<std::int64_t> ids;
    const auto now = unix_ms(std::chrono::system_clock::now());
    for (const auto& ch : channels) {
        auto id = state.create_resend(date_text, profile, ch, now);
        if (!id) throw failure(make_error(errc::not_found, "no digest of " + date_text + " for profile '" + profile + "' in the state: run that day first"));
        ids.push_back(*id);
    }
    int status = exit_code::ok;
    for (const auto& d : deliver_entries(cfg, state, ids, cfg.delivery.wait_in_run)) {
        print_delivery(d);
        if (!d.delivered) status = d.pending && status != exit_code::failure ? exit_code::temporary : exit_code::failure;
    }
    return status;
}

}  // namespace paperboy::cli_detail
