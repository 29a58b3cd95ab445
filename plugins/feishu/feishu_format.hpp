// Feishu / Lark custom-bot webhook payloads (interactive cards) and answers, as pure functions.
#pragma once

#include "chat_common.hpp"
#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy::feishu {

struct settings : chat::common_settings {
    settings() : chat::common_settings{0, 500, 30'000} {}
    std::string webhook_url;  // https://open.feishu.cn/open-apis/bot/v2/hook/<token> (or open.larksuite.com)
    std::string secret;       // the bot's "signature verification" secret; empty: unsigned
};

/// Throws std::invalid_argument naming the key; unknown keys are errors.
settings parse_settings(std::string_view config_json);

// A custom bot's request body may hold at most 20 KB; the cards stay under this.
inline constexpr std::size_t max_body_bytes = 18'000;

/// The digest as interactive-card messages, in order: a header card line with the date and
/// count, then per paper a plain_text block (title, authors, scores, comment, TL;DR or abstract:
/// plain_text is never parsed, so no text from a paper can mention "all", format or link) and
/// a lark_md line with the links paperboy builds itself (arXiv, PDF, the vote links). Each
/// body at most max_body_bytes; a paper is never split.
std::vector<nlohmann::json> build_messages(const nlohmann::json& digest, const settings& s);

/// base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")), as Feishu verifies it.
std::string sign(std::int64_t timestamp, std::string_view secret);

/// `message` with "timestamp" and "sign" added when a secret is set.
nlohmann::json signed_body(nlohmann::json message, const settings& s, std::int64_t timestamp);

struct answer {
    pb_status status = PB_OK;
    std::string error;
    std::optional<long> retry_after_ms;
};

/// {"code": 0}: delivered. Rate limited (HTTP 429, or code 11232, "frequency limited"):
/// transient, after a second; 5xx transient; a signature mismatch (19021), an expired
/// timestamp (19001), a bad card or any other code permanent, quoting Feishu's msg.
answer interpret(int http_status, std::string_view body);

}  // namespace paperboy::feishu
