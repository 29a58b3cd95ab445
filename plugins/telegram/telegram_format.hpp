// Telegram Bot API sendMessage payloads (HTML parse mode) and answers, as pure functions.
#pragma once

#include "chat_common.hpp"
#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy::telegram {

struct settings : chat::common_settings {
    settings() : chat::common_settings{0, 600, 30'000} {}
    std::string bot_token;                    // "123456789:AA..." from @BotFather
    std::string chat_id;                      // "-1001234567890", "42" or "@channelname"
    std::string api_base = "https://api.telegram.org";
    std::optional<long> message_thread_id;    // a forum topic of the chat
    bool disable_notification = false;
    long pause_ms = 1000;                     // between two messages: Telegram asks for at most one a second in a chat
};

/// Throws std::invalid_argument naming the key; unknown keys are errors. The token must look
/// like one (digits ':' then at least 30 of [A-Za-z0-9_-]): it goes into every URL.
settings parse_settings(std::string_view config_json);

// The Bot API's limit (core.telegram.org/bots/api#sendmessage): 4,096 characters of text after
// entity parsing, counted in UTF-16 code units.
inline constexpr std::size_t max_text = 4096;

/// Escapes text for parse_mode HTML (& < > ") and breaks what Telegram would turn into an
/// entity on its own: "@name" (a mention), "#tag", "/command", "scheme://" and "domain.tld"
/// get a zero-width space after "@", "#", a word-initial "/", ':' before '/', and a '.' after a
/// letter. Newlines become spaces.
std::string escape(std::string_view text);

/// UTF-16 length of the text Telegram shows for `html` (tags dropped, each entity one unit).
std::size_t visible_length(std::string_view html);

/// The digest as sendMessage bodies, in order: a header (the incomplete notice first, then the
/// date, count and usage), then one block per paper (title linked to arXiv, authors, scores,
/// comment, TL;DR or abstract, vote links), packed into messages of at most `max_text` visible
/// characters; a paper is never split across messages. Link previews are off.
std::vector<nlohmann::json> build_messages(const nlohmann::json& digest, const settings& s);

/// "<api_base>/bot<token>/<method>"
std::string method_url(const settings& s, std::string_view method);

struct answer {
    pb_status status = PB_OK;
    std::string message_id;                 // on success
    std::string error;                      // on failure
    std::optional<long> retry_after_ms;
};

/// {"ok": true, "result": {"message_id"}}: delivered. 429 (or any answer with
/// parameters.retry_after): transient after that many seconds; 5xx transient; a group that
/// became a supergroup (parameters.migrate_to_chat_id) permanent, naming the new chat id;
/// other 4xx permanent with Telegram's description.
answer interpret(int http_status, std::string_view body);

}  // namespace paperboy::telegram
