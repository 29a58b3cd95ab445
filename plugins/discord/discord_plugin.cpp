// ABI glue for the discord channel plugin: a digest in, webhook messages out, in order.
#include "chat_common.hpp"
#include "chat_sender.hpp"
#include "discord_format.hpp"

#include "paperboy/plugin_sdk.hpp"

#include <chrono>
#include <thread>

namespace {
using nlohmann::json;
namespace dc = paperboy::discord;

class discord_plugin {
public:
    discord_plugin(paperboy::sdk::host host, std::string_view config_json)
        : host_(host), settings_(paperboy::chat::settings_or_invalid_config(dc::parse_settings, config_json)) {}

    std::string call(std::string_view request_json) {
        if (paperboy::sdk::is_probe(request_json)) return probe();
        if (auto r = paperboy::chat::reactions_request_of(request_json)) return reactions(*r);
        const auto digest = paperboy::chat::digest_of(request_json);
        const auto messages = dc::build_messages(digest, settings_);
        return paperboy::chat::send_in_order(messages, digest.value("resume_from", 0UL), [&](const json& m, std::size_t) {
            paperboy::chat::post_result out;
            const auto res = host_.http("POST", dc::endpoint(settings_), R"({"Content-Type": "application/json"})",
                                        m.dump(-1, ' ', false, json::error_handler_t::replace), settings_.timeout_ms);
            if (res.status != PB_OK) {
                out.status = res.status;
                out.error = "Discord unreachable: " + res.error;
                return out;
            }
            const auto headers = json::parse(res.headers_json.empty() ? std::string("{}") : res.headers_json, nullptr, false);
            const auto a = dc::interpret(res.http_status, res.body, headers.is_object() ? headers : json::object());
            out.status = a.status;
            out.receipt = a.message_id;
            out.error = a.error;
            out.retry_after_ms = a.retry_after_ms;
            // Discord says when a bucket is empty; wait for it rather than collect a 429.
            if (headers.is_object() && headers.value("x-ratelimit-remaining", std::string()) == "0") {
                out.pause_ms = paperboy::chat::seconds_to_ms(headers.value("x-ratelimit-reset-after", std::string("0")));
            }
            return out;
        }, host_);
    }

private:
    // One GET /channels/{channel}/messages/{id} per one-paper message, with the bot token. The
    // channel is the thread, or the webhook's (GET on the webhook says which). Discord's
    // rate-limit headers are obeyed: an empty bucket is waited out, and a 429 once per message.
    std::string reactions(const paperboy::chat::reactions_request& r) {
        if (!settings_.reactions()) return json{{"skipped", true}, {"detail", "reactions are read only with bot_token"}}.dump();
        std::string channel = settings_.thread_id;
        if (channel.empty()) {
            const auto res = host_.http("GET", settings_.webhook_url, "{}", "", settings_.timeout_ms);
            if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, "Discord unreachable: " + redact(res.error));
            const auto a = dc::interpret(res.http_status, res.body, json::object());
            if (a.status != PB_OK) throw paperboy::sdk::plugin_error(a.status, redact(a.error));
            const auto hook = json::parse(res.body, nullptr, false);
            if (hook.is_object() && hook.contains("channel_id") && hook["channel_id"].is_string()) channel = hook["channel_id"].get<std::string>();
            if (channel.empty() || channel.find_first_not_of("0123456789") != std::string::npos) {
                throw paperboy::sdk::plugin_error(PB_PERMANENT, "the webhook did not name its channel");
            }
        }
        const auto papers = dc::single_paper_messages(dc::build_messages(r.digest, settings_));
        const auto headers = json{{"Authorization", "Bot " + settings_.bot_token}}.dump();
        return paperboy::chat::collect_reaction_votes(papers, r, 0, [&](const std::string& id) {
            if (id.find_first_not_of("0123456789") != std::string::npos) throw paperboy::sdk::plugin_error(PB_INTERNAL, "a receipt is not a message id");
            const auto res = host_.http("GET", dc::api_base(settings_) + "/channels/" + channel + "/messages/" + id, headers, "", settings_.timeout_ms);
            if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, "Discord unreachable: " + redact(res.error));
            const auto h = json::parse(res.headers_json.empty() ? std::string("{}") : res.headers_json, nullptr, false);
            const auto hs = h.is_object() ? h : json::object();
            auto a = dc::interpret_message(res.http_status, res.body, hs);
            a.error = redact(a.error);
            // An empty bucket is waited out before the next read rather than met with a 429.
            if (hs.value("x-ratelimit-remaining", std::string()) == "0") {
                const auto pause = paperboy::chat::seconds_to_ms(hs.value("x-ratelimit-reset-after", std::string("0")));
                if (pause) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(*pause, 60'000L)));
            }
            return a;
        });
    }

    // GET on an execute-webhook URL returns the webhook object and posts nothing.
    std::string probe() {
        const auto res = host_.http("GET", settings_.webhook_url, "{}", "", settings_.timeout_ms);
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, "Discord unreachable: " + redact(res.error));
        const auto a = dc::interpret(res.http_status, res.body, json::object());
        if (a.status != PB_OK) throw paperboy::sdk::plugin_error(a.status, redact(a.error));
        const auto body = json::parse(res.body, nullptr, false);
        const auto name = body.is_object() ? body.value("name", std::string("?")) : std::string("?");
        const auto channel = body.is_object() && body.contains("channel_id") && body["channel_id"].is_string() ? body["channel_id"].get<std::string>() : "?";
        return json{{"ok", true}, {"detail", "webhook '" + name + "' for channel " + channel}}.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    std::string redact(std::string text) const {
        text = paperboy::sdk::redact(std::move(text), settings_.webhook_url);
        return settings_.bot_token.empty() ? text : paperboy::sdk::redact(std::move(text), settings_.bot_token);
    }

    paperboy::sdk::host host_;
    dc::settings settings_;
};

constexpr const char* config_doc = R"doc([
  {"key": "webhook_url", "type": "string", "required": true, "secret": true, "doc": "the channel's webhook URL (contains its token)"},
  {"key": "thread_id", "type": "string", "required": false, "secret": false, "doc": "post into this thread"},
  {"key": "username", "type": "string", "required": false, "secret": false, "doc": "sender name; default paperboy"},
  {"key": "avatar_url", "type": "string", "required": false, "secret": false, "doc": "sender avatar"},
  {"key": "bot_token", "type": "string", "required": false, "secret": true, "doc": "a bot in the channel: one paper per message, reactions on them are votes (feedback.reactions)"},
  {"key": "top_n", "type": "integer", "required": false, "secret": false, "doc": "post at most this many papers; 0 = all"},
  {"key": "abstract_chars", "type": "integer", "required": false, "secret": false, "doc": "abstracts shortened to this length; default 700"},
  {"key": "timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "per request; default 30"}
])doc";

}  // namespace

PAPERBOY_DEFINE_PLUGIN(discord_plugin, "discord", "1.0.0", PB_KIND_CHANNEL, config_doc)
