// paperboy's exit statuses, as documented in README.md ("Exit codes") and `paperboy --help`.
#pragma once

namespace paperboy::exit_code {
inline constexpr int ok = 0;               // the report(s) were written (or the config is valid)
inline constexpr int failure = 1;          // a run failed in a way retrying will not fix
inline constexpr int usage = 2;            // the command line is wrong
inline constexpr int no_announcement = 3;  // the feed is empty: weekend or arXiv holiday
inline constexpr int incomplete = 4;       // delivered, but marked incomplete: some papers could not be scored
inline constexpr int temporary = 75;       // EX_TEMPFAIL: network, timeout, 5xx, feed not updated yet
inline constexpr int config = 78;          // EX_CONFIG: the configuration is invalid
}  // namespace paperboy::exit_code
