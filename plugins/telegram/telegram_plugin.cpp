// ABI glue for the telegram channel plugin: a digest in, sendMessage calls out, in order.
#include "chat_common.hpp"
#include "chat_sender.hpp"
#include "telegram_format.hpp"

#include "paperboy/plugin_sdk.hpp"

namespace {
using nlohmann::json;
namespace tg = paperboy::telegram;

class telegram_plugin {
public:
    telegram_plugin(paperboy::sdk::host host, std::string_view config_json)
        : host_(host), settings_(paperboy::chat::settings_or_invalid_config(tg::parse_settings, config_json)) {}

    std::string call(std::string_view request_json) {
        if (paperboy::sdk::is_probe(request_json)) return probe();
        if (paperboy::chat::reactions_request_of(request_json)) {
            // Reactions reach a bot only as updates (getUpdates or a webhook), never by asking
            // about a message; paperboy does not consume a bot's update stream.
            return json{{"skipped", true}, {"detail", "Telegram gives bots reactions only as updates, not on request"}}.dump();
        }
        const auto digest = paperboy::chat::digest_of(request_json);
        const auto messages = tg::build_messages(digest, settings_);
        const auto url = tg::method_url(settings_, "sendMessage");
        return paperboy::chat::send_in_order(messages, digest.value("resume_from", 0UL), [&](const json& m, std::size_t) {
            paperboy::chat::post_result out;
            const auto res = host_.http("POST", url, R"({"Content-Type": "application/json"})", m.dump(-1, ' ', false, json::error_handler_t::replace),
                                        settings_.timeout_ms);
            if (res.status != PB_OK) {
                out.status = res.status;
                out.error = "Telegram unreachable: " + redact(res.error);
                return out;
            }
            const auto a = tg::interpret(res.http_status, res.body);
            out.status = a.status;
            out.receipt = a.message_id;
            out.error = redact(a.error);
            out.retry_after_ms = a.retry_after_ms;
            // Telegram allows about one message a second in a chat (20 a minute in a group).
            if (settings_.pause_ms > 0) out.pause_ms = settings_.pause_ms;
            return out;
        }, host_);
    }

private:
    // getMe checks the token and posts nothing.
    std::string probe() {
        const auto res = host_.http("GET", tg::method_url(settings_, "getMe"), "{}", "", settings_.timeout_ms);
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, "Telegram unreachable: " + redact(res.error));
        const auto a = tg::interpret(res.http_status, res.body);
        if (a.status != PB_OK) throw paperboy::sdk::plugin_error(a.status, redact(a.error));
        const auto body = json::parse(res.body, nullptr, false);
        const auto name = body.is_object() && body.contains("result") && body["result"].is_object() ? body["result"].value("username", std::string("?"))
                                                                                                     : std::string("?");
        return json{{"ok", true}, {"detail", "bot @" + name + ", posting to " + settings_.chat_id}}.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    std::string redact(std::string text) const { return paperboy::sdk::redact(std::move(text), settings_.bot_token); }

    paperboy::sdk::host host_;
    tg::settings settings_;
};

constexpr const char* config_doc = R"doc([
  {"key": "bot_token", "type": "string", "required": true, "secret": true, "doc": "the bot's token from @BotFather"},
  {"key": "chat_id", "type": "string", "required": true, "secret": false, "doc": "numeric chat id (e.g. -1001234567890) or @channelname; the bot must be a member (an admin of a channel)"},
  {"key": "message_thread_id", "type": "integer", "required": false, "secret": false, "doc": "post into this forum topic"},
  {"key": "disable_notification", "type": "boolean", "required": false, "secret": false, "doc": "deliver silently"},
  {"key": "seconds_between_messages", "type": "number", "required": false, "secret": false, "doc": "pause between the messages of a digest; default 1 (Telegram's limit per chat)"},
  {"key": "api_base", "type": "string", "required": false, "secret": false, "doc": "Bot API server; default https://api.telegram.org"},
  {"key": "top_n", "type": "integer", "required": false, "secret": false, "doc": "post at most this many papers; 0 = all"},
  {"key": "abstract_chars", "type": "integer", "required": false, "secret": false, "doc": "abstracts shortened to this length; default 600"},
  {"key": "timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "per request; default 30"}
])doc";

}  // namespace

PAPERBOY_DEFINE_PLUGIN(telegram_plugin, "telegram", "1.0.0", PB_KIND_CHANNEL, config_doc)
