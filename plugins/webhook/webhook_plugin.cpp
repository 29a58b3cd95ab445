// ABI glue for the webhook channel plugin: the digest as one signed JSON POST.
#include "webhook_format.hpp"

#include "paperboy/plugin_sdk.hpp"

#include <chrono>

namespace {
using nlohmann::json;
namespace wh = paperboy::webhook;

class webhook_plugin {
public:
    webhook_plugin(paperboy::sdk::host host, std::string_view config_json)
        : host_(host), settings_(paperboy::chat::settings_or_invalid_config(wh::parse_settings, config_json)) {}

    std::string call(std::string_view request_json) {
        if (paperboy::sdk::is_probe(request_json)) {
            return json{{"ok", true}, {"skipped", true}, {"detail", "a webhook has no harmless request; send-test posts a sample digest"}}.dump();
        }
        if (paperboy::chat::reactions_request_of(request_json)) return json{{"skipped", true}, {"detail", "a webhook cannot be asked for reactions"}}.dump();
        const auto digest = paperboy::chat::digest_of(request_json);
        const auto text = wh::body(digest);
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        const auto res = host_.http("POST", settings_.url, wh::headers(settings_, digest, now, text).dump(), text, settings_.timeout_ms);
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, "the webhook is unreachable: " + redact(res.error));
        const auto h = json::parse(res.headers_json.empty() ? std::string("{}") : res.headers_json, nullptr, false);
        const auto a = wh::interpret(res.http_status, res.body, h.is_object() ? h : json::object());
        if (a.status != PB_OK) {
            json hints = json::object();
            if (a.retry_after_ms) hints["retry_after_ms"] = *a.retry_after_ms;
            throw paperboy::sdk::plugin_error(a.status, redact(a.error), hints.dump());
        }
        return json{{"messages", 1}, {"receipts", {wh::delivery_id(digest)}}}.dump();
    }

private:
    std::string redact(std::string text) const {
        text = paperboy::sdk::redact(std::move(text), settings_.url);
        if (!settings_.bearer_token.empty()) text = paperboy::sdk::redact(std::move(text), settings_.bearer_token);
        return settings_.secret.empty() ? text : paperboy::sdk::redact(std::move(text), settings_.secret);
    }

    paperboy::sdk::host host_;
    wh::settings settings_;
};

constexpr const char* config_doc = R"doc([
  {"key": "url", "type": "string", "required": true, "secret": true, "doc": "where the digest JSON is POSTed (n8n, ntfy, your own service)"},
  {"key": "secret", "type": "string", "required": false, "secret": true, "doc": "signs each request: a whsec_ key (base64 of 24-64 random bytes) by Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); any other secret of 16+ characters as X-Paperboy-Signature-256 = sha256=hex(HMAC(secret, timestamp + '.' + body))"},
  {"key": "bearer_token", "type": "string", "required": false, "secret": true, "doc": "sent as Authorization: Bearer"},
  {"key": "timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "per request; default 30"}
])doc";

}  // namespace

PAPERBOY_DEFINE_PLUGIN(webhook_plugin, "webhook", "1.0.0", PB_KIND_CHANNEL, config_doc)
