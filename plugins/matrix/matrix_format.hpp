// Matrix client-server API m.room.message events (m.notice with org.matrix.custom.html) and
// answers, as pure functions.
#pragma once

#include "chat_common.hpp"
#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy::matrix {

struct settings : chat::common_settings {
    settings() : chat::common_settings{0, 700, 30'000} {}
    std::string homeserver;    // "https://matrix.example.org"
    std::string access_token;  // the bot account's
    std::string room_id;       // "!AbCdEf:example.org" (an id, not an #alias)
};

/// Throws std::invalid_argument naming the key; unknown keys are errors.
settings parse_settings(std::string_view config_json);

// Servers refuse events over 65,536 bytes (spec: "Size limits"); the content stays well under,
// leaving room for the event's other fields.
inline constexpr std::size_t max_content_bytes = 48'000;

/// The digest as event contents, in order: {"msgtype": "m.notice", "body" (plain text),
/// "format": "org.matrix.custom.html", "formatted_body", "m.mentions": {}}. An empty
/// m.mentions tells clients and servers that the event mentions nobody, and text from papers
/// is escaped with "@room", "#alias", URLs and domains broken, so it can neither notify nor
/// link. Each content's JSON is at most max_content_bytes; a paper is never split.
std::vector<nlohmann::json> build_messages(const nlohmann::json& digest, const settings& s);

/// The transaction id of message `index` of this delivery: the same for every attempt at the
/// same ledger entry (date, profile, channel, delivery_key), so a retry after a crash is one
/// event (the server deduplicates on it), and a deliberate resend a new one.
std::string transaction_id(const nlohmann::json& digest, std::size_t index);

/// PUT <homeserver>/_matrix/client/v3/rooms/<room, encoded>/send/m.room.message/<txn>
std::string send_url(const settings& s, std::string_view txn);

struct answer {
    pb_status status = PB_OK;
    std::string event_id;   // on success
    std::string error;      // on failure
    std::optional<long> retry_after_ms;
};

/// 200 {"event_id"}: delivered. 429 M_LIMIT_EXCEEDED: transient after retry_after_ms (or
/// Retry-After); 5xx transient; M_UNKNOWN_TOKEN, M_FORBIDDEN (not in the room), M_NOT_FOUND,
/// M_TOO_LARGE and other 4xx permanent with the server's errcode and error.
answer interpret(int http_status, std::string_view body, const nlohmann::json& headers);

}  // namespace paperboy::matrix
