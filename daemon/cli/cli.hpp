// The command-line interface: parses arguments, runs the command, maps errors to exit codes.
#pragma once

namespace paperboy {

/// Runs `paperboy <command> ...` and returns the process exit status (cli/exit_codes.hpp).
/// Never throws.
int cli_main(int argc, char** argv);

}  // namespace paperboy
