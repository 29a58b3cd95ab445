// `paperboy daemon`: the long-running service. A Boost.Asio event loop owns the schedule,
// signals, the systemd notifications and the HTTP server; runs, deliveries, configuration
// reloads and SQLite work go to one worker thread, so the loop never blocks.
#pragma once

#include <filesystem>

namespace paperboy {

/// Runs until SIGTERM or SIGINT; returns the process exit status (0 after a clean stop).
/// - On start: opens the state (a corrupt or unwritable file fails here), records days that
///   were missed while it was down, runs the last due announcement day if it has no completed
///   run (catch-up), then sleeps until the next scheduled run (schedule.hpp).
/// - A feed still carrying an earlier day is polled every schedule.retry_every until
///   schedule.give_up_after; a feed that has moved on, or giving up, records the day as missed.
/// - Pending ledger deliveries are retried when due.
/// - SIGHUP re-reads the configuration; an invalid one is logged and the old one kept.
/// - SIGTERM/SIGINT: no new work; a run in progress may finish within
///   schedule.shutdown_timeout, then the process exits 0 (every ledger step is committed, so
///   an interrupted delivery resumes on the next start).
/// - systemd: READY=1 once listening, STATUS= after each step, WATCHDOG=1 when asked.
/// - server.listen: /healthz and /metrics (metrics.hpp).
/// PAPERBOY_FAKE_NOW=YYYY-MM-DDTHH:MM:SSZ in the environment starts the daemon's clock at that
/// instant (it then advances normally); PAPERBOY_FAKE_NOW=@FILE makes it the instant FILE
/// holds, read again at every look (daemon_clock.hpp): for tests and benchmarks only.
int run_daemon(const std::filesystem::path& config_path);

}  // namespace paperboy
