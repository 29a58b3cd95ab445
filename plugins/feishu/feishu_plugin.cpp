// ABI glue for the feishu channel plugin: a digest in, signed interactive cards out, in order.
#include "chat_common.hpp"
#include "chat_sender.hpp"
#include "feishu_format.hpp"

#include "paperboy/plugin_sdk.hpp"

#include <chrono>

namespace {
using nlohmann::json;
namespace fs = paperboy::feishu;

class feishu_plugin {
public:
    feishu_plugin(paperboy::sdk::host host, std::string_view config_json)
        : host_(host), settings_(paperboy::chat::settings_or_invalid_config(fs::parse_settings, config_json)) {}

    std::string call(std::string_view request_json) {
        if (paperboy::sdk::is_probe(request_json)) {
            return json{{"ok", true}, {"skipped", true}, {"detail", "a custom bot has no harmless request; send-test posts a sample digest"}}.dump();
        }
        if (paperboy::chat::reactions_request_of(request_json)) return json{{"skipped", true}, {"detail", "a custom bot cannot read reactions"}}.dump();
        const auto digest = paperboy::chat::digest_of(request_json);
        const auto messages = fs::build_messages(digest, settings_);
        return paperboy::chat::send_in_order(messages, digest.value("resume_from", 0UL), [&](const json& m, std::size_t) {
            paperboy::chat::post_result out;
            const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
            const auto res = host_.http("POST", settings_.webhook_url, R"({"Content-Type": "application/json"})",
                                        fs::signed_body(m, settings_, now).dump(-1, ' ', false, json::error_handler_t::replace), settings_.timeout_ms);
            if (res.status != PB_OK) {
                out.status = res.status;
                out.error = "Feishu unreachable: " + redact(res.error);
                return out;
            }
            const auto a = fs::interpret(res.http_status, res.body);
            out.status = a.status;
            out.error = redact(a.error);
            out.retry_after_ms = a.retry_after_ms;
            out.receipt = "card";
            // Custom bots allow 5 requests a second.
            out.pause_ms = 250;
            return out;
        }, host_);
    }

private:
    std::string redact(std::string text) const {
        text = paperboy::sdk::redact(std::move(text), settings_.webhook_url);
        return settings_.secret.empty() ? text : paperboy::sdk::redact(std::move(text), settings_.secret);
    }

    paperboy::sdk::host host_;
    fs::settings settings_;
};

constexpr const char* config_doc = R"doc([
  {"key": "webhook_url", "type": "string", "required": true, "secret": true, "doc": "the custom bot's webhook (open.feishu.cn or open.larksuite.com)"},
  {"key": "secret", "type": "string", "required": false, "secret": true, "doc": "the bot's signature secret (security setting 'signature verification')"},
  {"key": "top_n", "type": "integer", "required": false, "secret": false, "doc": "post at most this many papers; 0 = all"},
  {"key": "abstract_chars", "type": "integer", "required": false, "secret": false, "doc": "abstracts shortened to this length; default 500"},
  {"key": "timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "per request; default 30"}
])doc";

}  // namespace

PAPERBOY_DEFINE_PLUGIN(feishu_plugin, "feishu", "1.0.0", PB_KIND_CHANNEL, config_doc)
