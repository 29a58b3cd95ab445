// What the command implementations share: option parsing, the usage text, configuration
// lookup and the printing of delivery outcomes. Internal to daemon/cli.
#pragma once

#include "config/config.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "deliver/delivery.hpp"
#include "job/daily_run.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy::cli_detail {
namespace po = boost::program_options;

/// `paperboy --help`.
extern const std::string_view usage_text;

/// The exit status for an error (cli/exit_codes.hpp).
int exit_for(const error& e);

struct common_options {
    std::string config_path;
    bool verbose = false;
    bool quiet = false;
};

/// -c/--config, -v, -q, -h for every command.
po::options_description common_description(common_options& c);
/// --config, else $PAPERBOY_CONFIG; errc::usage otherwise.
std::string resolve_config_path(const common_options& c);
/// Parses a command's options; prints the help and returns false for --help, otherwise starts
/// logging and returns true. Throws po::error on bad options.
/// `positional`, when given, names the options bare arguments fill (a paper id, a file).
bool parse_command(const std::vector<std::string>& args, const po::options_description& desc, const common_options& c,
                   const po::positional_options_description* positional = nullptr);
/// The more serious of two exit statuses (ok < incomplete < temporary < failure).
int worse_exit(int a, int b);
/// Prints what a run did (when `print`) and returns its exit status: run and backfill.
int print_run(const run_summary& summary, bool print);
/// One line (or two) per delivery outcome, as run and resend print them.
void print_delivery(const delivery_outcome& d);

int cmd_status(const std::vector<std::string>& args);
int cmd_resend(const std::vector<std::string>& args);
int cmd_feedback(const std::vector<std::string>& args);
/// The profile named `name`; the only one when `name` is empty. errc::usage otherwise.
const profile_config& pick_profile(const config& cfg, const std::string& name);

/// `run --estimate`: what scoring `date` (else the last stored day) would cost, per profile,
/// without calling the model. errc::usage when no day is stored.
int print_estimate(const config& cfg, std::optional<day> date, bool brief = false);

int cmd_import(const std::vector<std::string>& args);
int cmd_backfill(const std::vector<std::string>& args);
int cmd_init(const std::vector<std::string>& args);
int cmd_explain(const std::vector<std::string>& args);
int cmd_preview(const std::vector<std::string>& args);

}  // namespace paperboy::cli_detail
