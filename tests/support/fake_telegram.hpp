// A fake Telegram Bot API (sendMessage, getMe) for fake_http_server that checks what the real
// one does (core.telegram.org/bots/api): the bot token in the path, parse_mode HTML with only
// the tags Telegram knows, balanced, valid entities, at most 4,096 UTF-16 units of text after
// parsing; errors as {"ok": false, "error_code", "description", "parameters"}. It also finds
// the entities Telegram would detect in the shown text on its own (mentions, hashtags, bot
// commands, URLs), so a test can check that no untrusted text became one.
#pragma once

#include "support/fake_http_server.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace paperboy::test {

struct fake_telegram {
    static constexpr const char* token = "123456789:AAHfakeTokenForTestsOnly_abcdefghij";

    fake_telegram();

    /// Overrides the answer to request number `index` (0-based) when it returns one.
    std::function<std::optional<scripted_response>(int index, const nlohmann::json& body)> script;

    std::vector<nlohmann::json> accepted() const;     // sendMessage bodies accepted, in order
    std::vector<std::string> titles() const;          // "N. title" of each paper link, in order (HTML-unescaped)
    std::vector<std::string> detected_entities() const;  // auto-detected entities in accepted texts
    std::string api_base() const { return server.url(""); }
    std::vector<recorded_request> requests() const { return server.requests(); }

private:
    scripted_response answer(const recorded_request& req);
    mutable std::mutex mutex_;
    int count_ = 0;
    std::vector<nlohmann::json> accepted_;

public:
    fake_http_server server;  // last: stops before the members above go away
};

/// The text Telegram would show for `html` (tags dropped, entities decoded), or an error
/// naming what Telegram would refuse ("Unsupported start tag", "Can't find end tag", ...).
std::optional<std::string> telegram_parse_html(const std::string& html, std::string& error);

}  // namespace paperboy::test
