// Discord execute-webhook payloads and answers, as pure functions.
#pragma once

#include "chat_common.hpp"
#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paperboy::discord {

struct settings : chat::common_settings {
    settings() : chat::common_settings{0, 700, 30'000} {}
    std::string webhook_url;          // https://discord.com/api/webhooks/<id>/<token>
    std::string thread_id;            // post into this thread (optional)
    std::string username = "paperboy";
    std::string avatar_url;
    std::string bot_token;            // read reactions (feedback.reactions); then one paper per message
    bool reactions() const { return !bot_token.empty(); }
};

/// Throws std::invalid_argument naming the key; unknown keys are errors.
settings parse_settings(std::string_view config_json);

/// Escapes Discord markdown (\ * _ ~ ` | > # [ ] ( )) and breaks "@" so no text from a paper can
/// format the message or look like a mention (allowed_mentions already stops pings).
std::string escape(std::string_view text);

// Discord's limits (protocols.md 4.2).
inline constexpr std::size_t max_embeds = 10, max_message_chars = 6000, max_title = 256, max_description = 4096,
                             max_content = 2000;

/// The digest as webhook messages, in order: the first carries a summary line as content;
/// every message has at most 10 embeds and 6,000 embed characters, one embed per paper, and
/// "allowed_mentions": {"parse": []}. No paper is dropped; long text is shortened.
std::vector<nlohmann::json> build_messages(const nlohmann::json& digest, const settings& s);

/// For each message (by index), the paper it alone holds, or "" when it holds several: only
/// a reaction on a one-paper message is a vote on that paper. With bot_token every message
/// holds one paper.
std::vector<std::string> single_paper_messages(const std::vector<nlohmann::json>& messages);

/// The API version every call names (the webhook URL's "/api/webhooks/" becomes "/api/v10/webhooks/").
inline constexpr int api_version = 10;

/// The REST base of the webhook's host: "https://discord.com/api/v10/webhooks/1/t" -> "https://discord.com/api/v10".
std::string api_base(const settings& s);

/// A message's reactions from GET /channels/{channel}/messages/{id}: (emoji name, count).
using reactions_answer = chat::reaction_read;
reactions_answer interpret_message(int http_status, std::string_view body, const nlohmann::json& headers);

/// "<webhook_url>?wait=true[&thread_id=...]"
std::string endpoint(const settings& s);

struct answer {
    pb_status status = PB_OK;
    std::string message_id;            // on success
    std::string error;                 // on failure
    std::optional<long> retry_after_ms;
};

/// 200/204: delivered; 429: transient with the delay from the body's retry_after or the
/// Retry-After header; 5xx transient; 400 (with Discord's code and message), 401, 403, 404:
/// permanent.
answer interpret(int http_status, std::string_view body, const nlohmann::json& headers);

}  // namespace paperboy::discord
