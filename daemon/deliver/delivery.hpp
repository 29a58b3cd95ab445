// Delivering a rendered report to the profile's channels through channel plugins
// (plugin.h, kind PB_KIND_CHANNEL).
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "render/report.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace paperboy {

class state_store;

/// The document a channel plugin gets (schema 1):
/// {"schema": 1, "kind": "digest", "date", "profile", "model", "stats": {...}, "notes": [...],
///  "web_url": null, "papers": [{"rank", "id", "title", "authors", "abstract", "comment",
///  "relevance", "novelty", "author_match", "url", "pdf_url"}], "markdown": the Markdown report}
/// deliver() adds "channel" (the channel's name) before handing it to the plugin.
/// Text is as in the feed (untrusted): every plugin escapes it for its own format.
nlohmann::json digest_payload(const report& r);

struct delivery_outcome {
    std::string channel;
    bool delivered = false;
    bool skipped = false;        // already delivered for this date and profile
    std::string receipt;         // the plugin's answer (message ids, ts)
    std::optional<error> failure;
};

/// Delivers `r` to each of the profile's channels, independently: one failing channel does
/// not hold back the others. Transient failures are retried per plugin_retry_delay
/// (llm.max_attempts, backoff from llm.retry_delay, server retry hints honoured). With `state`,
/// a channel already delivered for (date, profile) is skipped, so running a day again never
/// posts twice, and each success is recorded.
std::vector<delivery_outcome> deliver(const config& cfg, const profile_config& profile, const report& r, state_store* state);

/// Loads the channel's plugin and lets it validate its settings (no network).
result<void> check_channel(const config& cfg, const channel_config& channel);

/// send-test: a two-paper sample digest delivered through channel `name`.
delivery_outcome send_test(const config& cfg, const std::string& name);

}  // namespace paperboy
