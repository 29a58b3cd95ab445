// Microsoft Teams Workflows webhook payloads (Adaptive Cards) and answers, as pure functions.
#pragma once

#include "chat_common.hpp"
#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy::teams {

struct settings : chat::common_settings {
    settings() : chat::common_settings{0, 500, 30'000} {}
    // The Workflows trigger address ("When a Teams webhook request is received"): its sig
    // parameter is the credential, so it is a secret.
    std::string webhook_url;
};

/// Throws std::invalid_argument naming the key; unknown keys are errors.
settings parse_settings(std::string_view config_json);

// Teams refuses a message over about 28 KB; the cards stay well under it.
inline constexpr std::size_t max_body_bytes = 24'000;

/// The digest as Workflows messages ({"type": "message", "attachments": [an Adaptive Card
/// 1.4]}), in order: the header (date, count, the incomplete notice and the costs), then per
/// paper a container with RichTextBlock lines (title, authors, scores, comment, TL;DR or
/// abstract) and an ActionSet of the links paperboy builds (arXiv, PDF, the vote links).
/// Untrusted text is only ever a TextRun, which Teams never parses as Markdown, and no card
/// has msteams.entities, so "<at>" in a paper mentions no one. Each body at most
/// max_body_bytes; a paper is never split.
std::vector<nlohmann::json> build_messages(const nlohmann::json& digest, const settings& s);

struct answer {
    pb_status status = PB_OK;
    std::string error;
    std::optional<long> retry_after_ms;
};

/// 200 or 202: delivered (a flow answers 202 Accepted). 429 (Power Automate throttles a flow):
/// transient, after Retry-After or 5 s; 5xx transient; any other status permanent, quoting
/// the flow's error message, with the fix for the usual ones (401/403/404: the address).
answer interpret(int http_status, const nlohmann::json& headers, std::string_view body);

}  // namespace paperboy::teams
