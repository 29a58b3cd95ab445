// ABI glue for the teams channel plugin: a digest in, Adaptive Card messages out, in order.
#include "chat_common.hpp"
#include "chat_sender.hpp"
#include "teams_format.hpp"

#include "paperboy/plugin_sdk.hpp"

namespace {
using nlohmann::json;
namespace tm = paperboy::teams;

class teams_plugin {
public:
    teams_plugin(paperboy::sdk::host host, std::string_view config_json)
        : host_(host), settings_(paperboy::chat::settings_or_invalid_config(tm::parse_settings, config_json)) {}

    std::string call(std::string_view request_json) {
        if (paperboy::sdk::is_probe(request_json)) {
            return json{{"ok", true}, {"skipped", true}, {"detail", "a Workflows webhook has no harmless request; send-test posts a sample digest"}}.dump();
        }
        if (paperboy::chat::reactions_request_of(request_json)) return json{{"skipped", true}, {"detail", "a Workflows webhook cannot read reactions"}}.dump();
        const auto digest = paperboy::chat::digest_of(request_json);
        const auto messages = tm::build_messages(digest, settings_);
        return paperboy::chat::send_in_order(messages, digest.value("resume_from", 0UL), [&](const json& m, std::size_t) {
            paperboy::chat::post_result out;
            const auto res = host_.http("POST", settings_.webhook_url, R"({"Content-Type": "application/json"})",
                                        m.dump(-1, ' ', false, json::error_handler_t::replace), settings_.timeout_ms);
            if (res.status != PB_OK) {
                out.status = res.status;
                out.error = "Teams unreachable: " + paperboy::sdk::redact(res.error, settings_.webhook_url);
                return out;
            }
            const auto headers = json::parse(res.headers_json.empty() ? std::string("{}") : res.headers_json, nullptr, false);
            const auto a = tm::interpret(res.http_status, headers, res.body);
            out.status = a.status;
            out.error = paperboy::sdk::redact(a.error, settings_.webhook_url);
            out.retry_after_ms = a.retry_after_ms;
            out.receipt = "card";
            // Each request starts a flow run of its own: spaced out, the posts keep their order.
            out.pause_ms = 500;
            return out;
        }, host_);
    }

private:
    paperboy::sdk::host host_;
    tm::settings settings_;
};

constexpr const char* config_doc = R"doc([
  {"key": "webhook_url", "type": "string", "required": true, "secret": true, "doc": "the Workflows trigger address (\"Post to a channel when a webhook request is received\")"},
  {"key": "top_n", "type": "integer", "required": false, "secret": false, "doc": "post at most this many papers; 0 = all"},
  {"key": "abstract_chars", "type": "integer", "required": false, "secret": false, "doc": "abstracts shortened to this length; default 500"},
  {"key": "timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "per request; default 30"}
])doc";

}  // namespace

PAPERBOY_DEFINE_PLUGIN(teams_plugin, "teams", "1.0.0", PB_KIND_CHANNEL, config_doc)
