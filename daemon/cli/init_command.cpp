// `paperboy init`: a starter configuration and topics file, from flags, from answers on a
// terminal, or the defaults. Never overwrites a file.
#include "cli/cli_detail.hpp"
#include "cli/exit_codes.hpp"
#include "cli/init_files.hpp"
#include "core/files.hpp"

#include <unistd.h>

#include <iostream>

namespace paperboy::cli_detail {
namespace {

std::string ask(const std::string& question, const std::string& fallback) {
    std::cout << question << (fallback.empty() ? "" : " [" + fallback + "]") << ": " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) return fallback;
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) return fallback;
    return line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
}

void ask_all(init_answers& a) {
    std::cout << "paperboy init: a few questions (Enter keeps the default in brackets).\n";
    a.categories = split_categories(ask("arXiv categories, e.g. cs.LG cs.CL stat.ML", join_categories(a.categories)));
    a.interests = ask("Your research interests, in a line (keywords or phrases, comma-separated)", a.interests);
    const auto target = ask("Deliver to: an email address, a Slack or Discord webhook URL, or Enter for files only", "");
    if (target.find('@') != std::string::npos && target.find("://") == std::string::npos) {
        a.email = target;
        a.smtp_url = ask("Your SMTP server (smtp://host:587 with STARTTLS, or smtps://host:465)", "smtp://localhost:587");
    } else if (target.starts_with("https://hooks.slack.com/")) {
        a.slack_webhook = target;
    } else if (target.find("discord") != std::string::npos) {
        a.discord_webhook = target;
    } else if (!target.empty()) {
        std::cout << "  (not an email address or a Slack/Discord webhook: the digest stays in files; edit the channels later)\n";
    }
    a.time = ask("Daily run time (HH:MM)", a.time);
    a.timezone = ask("Time zone (IANA name)", a.timezone);
}

}  // namespace

int cmd_init(const std::vector<std::string>& args) {
    common_options c;
    std::string dir = ".", categories;
    init_answers a;
    auto desc = common_description(c);
    desc.add_options()("dir", po::value(&dir), "where to write paperboy.json and topics.txt (default: here)")(
        "categories", po::value(&categories), "arXiv categories, e.g. \"cs.LG cs.AI\"")("interests", po::value(&a.interests),
                                                                                      "your research interests, comma-separated")(
        "email", po::value(&a.email), "deliver by email to this address")("smtp-url", po::value(&a.smtp_url), "the SMTP server for --email")(
        "slack-webhook", po::value(&a.slack_webhook), "deliver to this Slack incoming webhook")(
        "discord-webhook", po::value(&a.discord_webhook), "deliver to this Discord webhook")("time", po::value(&a.time), "daily run time, HH:MM")(
        "timezone", po::value(&a.timezone), "IANA time zone");
    if (!parse_command(args, desc, c)) return exit_code::ok;
    if (!categories.empty()) a.categories = split_categories(categories);

    const std::filesystem::path folder(dir);
    const auto config_path = folder / "paperboy.json", topics_path = folder / "topics.txt";
    for (const auto& p : {config_path, topics_path}) {
        std::error_code ec;
        if (std::filesystem::exists(p, ec)) {
            std::cerr << "paperboy: " << p.string() << " exists; init never overwrites a file (use another --dir, or edit it)\n";
            return exit_code::usage;
        }
    }
    const init_answers defaults;
    const bool flags = !categories.empty() || !a.interests.empty() || !a.email.empty() || !a.smtp_url.empty() || !a.slack_webhook.empty() ||
                       !a.discord_webhook.empty() || a.time != defaults.time || a.timezone != defaults.timezone;
    const bool terminal = ::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1;
    if (!flags && terminal) ask_all(a);
    if (!a.email.empty() && a.smtp_url.empty()) {
        std::cerr << "paperboy: --email needs --smtp-url (smtp://host:587 or smtps://host:465)\n";
        return exit_code::usage;
    }
    const auto files = starter_files(a);
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    for (const auto& [path, text] : {std::pair{config_path, files.config}, std::pair{topics_path, files.topics}}) {
        if (auto w = write_file_atomic(path, text); !w) throw failure(w.error());
    }
    std::cout << "paperboy: wrote " << config_path.string() << " and " << topics_path.string() << "\n";
    if (!flags && !terminal) {
        std::cout << "  the defaults: categories " << join_categories(a.categories)
                  << ", the built-in ranker, the digest as files in out/, a run at " << a.time << " " << a.timezone << "\n";
    }
    std::cout << "  next: describe what you read in " << topics_path.string() << " (the ranker and a model both read it)\n";
    if (!a.email.empty()) std::cout << "  if your SMTP server wants a login: see the \"//\" note in the email channel\n";
    std::cout << "  then: paperboy check --config " << config_path.string() << "   and   paperboy run --config " << config_path.string()
              << "\n";
    return exit_code::ok;
}

}  // namespace paperboy::cli_detail
