// Delivering a rendered report to the profile's channels through channel plugins
// (plugin.h, kind PB_KIND_CHANNEL).
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "render/report.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paperboy {

class state_store;
class plugin_instance;
struct run_record;

/// The document a channel plugin gets (schema 1):
/// {"schema": 1, "kind": "digest", "date", "profile", "model", "stats": {...}, "notes": [...],
///  "web_url": null, "papers": [{"rank", "id", "title", "authors", "abstract", "comment",
///  "relevance", "novelty", "author_match", "url", "pdf_url"}], "markdown": the Markdown report}
/// deliver() adds "channel" (the channel's name) before handing it to the plugin.
/// Text is as in the feed (untrusted): every plugin escapes it for its own format.
nlohmann::json digest_payload(const report& r);

/// The channel's plugin, loaded and configured; errc::config_invalid names the JSON pointer.
result<std::unique_ptr<plugin_instance>> open_channel(const config& cfg, const channel_config& ch);

struct delivery_outcome {
    std::string channel;
    std::string date, profile;
    int generation = 0;          // 0: the day's digest; n: the n-th resend
    bool delivered = false;
    bool skipped = false;        // delivered by an earlier run: not sent again
    bool pending = false;        // not delivered yet; the ledger retries it later
    bool held = false;           // not sent: its papers are not all scored yet (llm.on_failure "hold")
    std::string hold_reason;
    std::int64_t held_until_ms = 0;
    int attempts = 0;
    std::string receipt;         // the plugin's answer (message ids, ts, recipients)
    std::optional<error> failure;  // the last failure (also while pending)
};

/// The ledger entries of one report: creates them with the run record (one transaction), then
/// delivers them. Each channel is independent: every due entry is tried in turn, and a channel
/// that must wait for a retry (delivery policy, server retry hints) does not hold back the
/// others. Retries due within cfg.delivery.wait_in_run are waited for; later ones stay pending
/// for the next run or the daemon. Channels delivered by an earlier run are skipped.
/// With `hold` (a day whose scoring failed, llm.on_failure "hold"), the entries are created held
/// and nothing is sent; the outcomes say so.
std::vector<delivery_outcome> deliver_report(const config& cfg, state_store& state, const run_record& record,
                                             const std::vector<std::string>& channels, const nlohmann::json& payload,
                                             const std::optional<std::pair<std::string, std::int64_t>>& hold = std::nullopt);

/// Delivers the given ledger entries as deliver_report does (waiting up to `wait`).
std::vector<delivery_outcome> deliver_entries(const config& cfg, state_store& state, const std::vector<std::int64_t>& ids,
                                              std::chrono::milliseconds wait);

/// What earlier processes left: entries a dead process was sending become due again (the
/// channel may then get that message twice; see README "Delivery guarantees"), held digests
/// past their hold deadline become due (marked incomplete), then every due pending entry, of
/// any day, is tried once. Entries whose channel is no longer configured fail.
std::vector<delivery_outcome> resume_deliveries(const config& cfg, state_store& state);

/// Loads the channel's plugin and lets it validate its settings (no network).
result<void> check_channel(const config& cfg, const channel_config& channel);

/// What one probe of a service found (check --probe).
struct probe_outcome {
    bool ok = false;
    bool skipped = false;   // the service has no harmless call (a Slack incoming webhook)
    std::string detail;     // what was proven, or the error
    bool transient = false; // the failure may pass (timeouts, 5xx)
};

/// Asks a loaded plugin for its probe ({"schema": 1, "kind": "probe"}, paperboy/plugin_sdk.hpp
/// is_probe): one harmless real request to its service.
probe_outcome probe_plugin(plugin_instance& instance);

/// The channel's probe: Slack bot auth.test, Discord GET webhook, SMTP connect, STARTTLS,
/// AUTH, NOOP, QUIT.
probe_outcome probe_channel(const config& cfg, const channel_config& channel);

/// send-test: a two-paper sample digest delivered through channel `name`.
delivery_outcome send_test(const config& cfg, const std::string& name);

}  // namespace paperboy
