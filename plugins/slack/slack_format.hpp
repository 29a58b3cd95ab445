// Slack Block Kit messages and answers, as pure functions.
#pragma once

#include "chat_common.hpp"
#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paperboy::slack {

struct settings : chat::common_settings {
    settings() : chat::common_settings{0, 600, 30'000} {}
    std::string webhook_url;          // incoming webhook; or:
    std::string token;                // bot token for chat.postMessage
    std::string channel;              // with token
    std::string api_url = "https://slack.com/api";
    bool thread = false;              // with token: summary message, papers in its thread
    bool reactions = false;           // with thread: one paper per reply, so a reaction votes on it
    long reactions_interval_ms = 1200;  // between reactions.get calls (Tier 3: about 50 a minute)
    long pause_ms = 1000;             // between a digest's messages: Slack asks for at most one a second per channel
    bool bot() const { return !token.empty(); }
};

/// Throws std::invalid_argument naming the key; exactly one of webhook_url and token (with channel).
settings parse_settings(std::string_view config_json);

/// Slack's mrkdwn escaping: &, <, > become entities, so "<!channel>" or "<@U1>" from a paper
/// can never become a live mention or link; newlines are flattened.
std::string escape(std::string_view text);

// Block Kit limits (protocols.md 3.2).
inline constexpr std::size_t max_blocks = 50, max_section_text = 3000, max_header_text = 150;

struct message_plan {
    std::vector<nlohmann::json> messages;  // {"text", "blocks"} each, in order
    bool first_is_thread_parent = false;   // the rest go into the first message's thread
};

/// The digest as messages within Slack's limits: a header with the date and count, a context
/// line with the model/tokens/cost, then one section per paper (linked title, authors, scores,
/// comment, shortened abstract) and dividers; split into several messages, in order, never
/// dropping a paper. In thread mode the first message lists the titles and the papers follow
/// in its thread.
message_plan build_messages(const nlohmann::json& digest, const settings& s);

struct answer {
    pb_status status = PB_OK;
    std::string ts;                    // chat.postMessage's message ts
    std::string error;
    std::optional<long> retry_after_ms;
};

/// Incoming webhook answers are plain text: 200 "ok"; errors like 400 "invalid_payload",
/// 403 "action_prohibited", 404 "channel_not_found" are permanent; 429 and 5xx transient.
answer interpret_webhook(int http_status, std::string_view body, const nlohmann::json& headers);

/// "<api_url>/reactions.get?channel=C&timestamp=TS&full=true" (channel and ts URL-encoded).
std::string reactions_url(const settings& s, std::string_view ts);

using reactions_answer = chat::reaction_read;

/// reactions.get's answer: {"ok": true, "message": {"reactions": [{"name", "count"}]}}; a
/// message without reactions has none. "ratelimited" / 429 transient with Retry-After.
reactions_answer interpret_reactions(int http_status, std::string_view body, const nlohmann::json& headers);

/// For each message of `plan` (by index), the paper it alone holds, or "" when it holds
/// none or several: only a reaction on a one-paper message is a vote on that paper.
std::vector<std::string> single_paper_messages(const message_plan& plan, const nlohmann::json& digest, const settings& s);

/// chat.postMessage answers are JSON {"ok": true, "ts"} or {"ok": false, "error"}:
/// "ratelimited" (or 429) and 5xx are transient, other errors permanent.
answer interpret_api(int http_status, std::string_view body, const nlohmann::json& headers);

}  // namespace paperboy::slack
