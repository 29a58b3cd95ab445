// The webhook channel: the digest as JSON to a URL of the reader's, signed, as pure functions.
#pragma once

#include "chat_common.hpp"
#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paperboy::webhook {

struct settings {
    std::string url;           // http(s)://...; may carry a token, so it is treated as a secret
    std::string secret;        // HMAC-SHA256 key; empty: unsigned
    // A "whsec_..." secret signs by Standard Webhooks instead (standardwebhooks.com): the key
    // is the base64 after the prefix, 24 to 64 bytes.
    std::string standard_key;
    std::string bearer_token;  // sent as Authorization: Bearer, when set
    std::uint32_t timeout_ms = 30'000;
};

/// Throws std::invalid_argument naming the key; unknown keys are errors.
settings parse_settings(std::string_view config_json);

/// The body: the digest as the host gave it (schema 1, docs/PLUGINS.md) without the host's
/// resume bookkeeping, plus "event": "paperboy.digest" and "delivery_id".
std::string body(const nlohmann::json& digest);

/// The same for every attempt at one delivery (date, profile, channel, resend number), new for
/// a deliberate resend: receivers deduplicate on it (X-Paperboy-Delivery).
std::string delivery_id(const nlohmann::json& digest);

/// "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body), as X-Paperboy-Signature-256;
/// the timestamp (unix seconds, X-Paperboy-Timestamp) is signed so a captured request cannot
/// be replayed later.
std::string signature(std::string_view secret, std::int64_t timestamp, std::string_view body);

/// Standard Webhooks' "v1," + base64 HMAC-SHA256(key, id + "." + timestamp + "." + body), as
/// webhook-signature: the delivery id and the timestamp are signed with the body.
std::string standard_signature(std::string_view key, std::string_view id, std::int64_t timestamp, std::string_view body);

/// The request headers as the host's JSON object: with a "whsec_" secret webhook-id,
/// webhook-timestamp and webhook-signature (and X-Paperboy-Delivery); with another secret
/// X-Paperboy-Timestamp and X-Paperboy-Signature-256.
nlohmann::json headers(const settings& s, const nlohmann::json& digest, std::int64_t timestamp, std::string_view body);

struct answer {
    pb_status status = PB_OK;
    std::string error;
    std::optional<long> retry_after_ms;
};

/// 2xx: delivered. 408, 425, 429 and 5xx: transient (429 and 503 after Retry-After); other
/// statuses permanent, quoting the start of the body.
answer interpret(int http_status, std::string_view body, const nlohmann::json& headers);

}  // namespace paperboy::webhook
