// What the daemon reports about itself: /metrics (Prometheus text format) and /healthz, as
// pure functions of a snapshot the event loop keeps.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace paperboy {

struct daemon_metrics {
    std::map<std::string, long> runs;                    // by outcome: reported, no_announcement, failed, missed, not_ready, backfilled
    long papers_fetched = 0, papers_scanned = 0, papers_selected = 0;
    long prompt_tokens = 0, completion_tokens = 0;
    long cached_prompt_tokens = 0;                       // of prompt_tokens, served by the provider's prompt cache
    std::string version;                                 // paperboy_build_info
    std::vector<std::string> channels;                   // configured: every delivery outcome is a series from the start
    double cost_usd = 0;
    std::map<std::pair<std::string, std::string>, long> deliveries;  // (channel, outcome) -> count
    long scoring_failures = 0;                           // digests whose scoring was incomplete (held or sent marked)
    long papers_unscored = 0;                            // papers those digests could not score
    long papers_sent = 0, papers_left_out = 0;           // papers in answered scoring calls, and those the replies left out
    long days_held = 0;                                  // (day, profile) digests held in the ledger now
    long reaction_votes = 0;                             // votes read from chat reactions
    long reaction_errors = 0;                            // reaction sweeps of a digest that failed
    std::map<std::string, long> model_shutdown_days;     // configured model -> days to its announced shutdown (<= 0: shut down)
    std::optional<std::int64_t> last_success_unix;       // seconds
    std::optional<std::int64_t> next_run_unix;
    // Health: whether the last due announcement day was handled.
    bool healthy = false;
    std::string health_reason = "starting";
};

/// The Prometheus text exposition (version 0.0.4) of `m`; label values are escaped.
std::string render_prometheus(const daemon_metrics& m);

/// 200 "ok: ..." when the last due run succeeded, 503 with the reason otherwise.
std::pair<unsigned, std::string> render_health(const daemon_metrics& m);

}  // namespace paperboy
