// ABI glue for the slack channel plugin: a digest in, Block Kit messages out, in order,
// through an incoming webhook or chat.postMessage (optionally threaded).
#include "chat_common.hpp"
#include "chat_sender.hpp"
#include "slack_format.hpp"

#include "paperboy/plugin_sdk.hpp"

#include <chrono>
#include <thread>

namespace {
using nlohmann::json;
namespace sl = paperboy::slack;

class slack_plugin {
public:
    slack_plugin(paperboy::sdk::host host, std::string_view config_json)
        : host_(host), settings_(paperboy::chat::settings_or_invalid_config(sl::parse_settings, config_json)) {}

    std::string call(std::string_view request_json) {
        if (paperboy::sdk::is_probe(request_json)) return probe();
        if (auto r = paperboy::chat::reactions_request_of(request_json)) return reactions(*r);
        const auto digest = paperboy::chat::digest_of(request_json);
        const auto plan = sl::build_messages(digest, settings_);
        // A resumed thread needs its parent's ts, which the host hands back with the receipts.
        std::string parent_ts;
        if (plan.first_is_thread_parent && digest.contains("receipts") && !digest["receipts"].empty()) {
            parent_ts = digest["receipts"][0].get<std::string>();
        }
        return paperboy::chat::send_in_order(plan.messages, digest.value("resume_from", 0UL), [&](const json& m, std::size_t index) {
            json body = m;
            body["unfurl_links"] = false;
            body["unfurl_media"] = false;
            std::string url = settings_.webhook_url;
            std::string headers = R"({"Content-Type": "application/json; charset=utf-8"})";
            if (settings_.bot()) {
                url = settings_.api_url + "/chat.postMessage";
                headers = json{{"Content-Type", "application/json; charset=utf-8"}, {"Authorization", "Bearer " + settings_.token}}.dump();
                body["channel"] = settings_.channel;
                if (plan.first_is_thread_parent && index > 0) body["thread_ts"] = parent_ts;
            }
            paperboy::chat::post_result out;
            const auto res = host_.http("POST", url, headers, body.dump(-1, ' ', false, json::error_handler_t::replace), settings_.timeout_ms);
            if (res.status != PB_OK) {
                out.status = res.status;
                out.error = "Slack unreachable: " + redact(res.error);
                return out;
            }
            const auto h = json::parse(res.headers_json.empty() ? std::string("{}") : res.headers_json, nullptr, false);
            const auto hs = h.is_object() ? h : json::object();
            const auto a = settings_.bot() ? sl::interpret_api(res.http_status, res.body, hs) : sl::interpret_webhook(res.http_status, res.body, hs);
            out.status = a.status;
            out.error = redact(a.error);
            out.retry_after_ms = a.retry_after_ms;
            out.receipt = settings_.bot() ? a.ts : "ok";
            if (settings_.pause_ms > 0) out.pause_ms = settings_.pause_ms;  // paced, not pushed into 429s
            if (index == 0 && plan.first_is_thread_parent) parent_ts = a.ts;
            return out;
        }, host_);
    }

private:
    // reactions.get on each one-paper reply of the digest's thread. A 429 (or "ratelimited")
    // is waited out once per message with its Retry-After; calls are spaced by
    // reactions_interval_ms so that a week of digests stays within Tier 3.
    std::string reactions(const paperboy::chat::reactions_request& r) {
        if (!settings_.reactions) {
            return json{{"skipped", true}, {"detail", "reactions are read only with token, thread and reactions: true"}}.dump();
        }
        const auto papers = sl::single_paper_messages(sl::build_messages(r.digest, settings_), r.digest, settings_);
        const auto headers = json{{"Authorization", "Bearer " + settings_.token}}.dump();
        return paperboy::chat::collect_reaction_votes(papers, r, settings_.reactions_interval_ms, [&](const std::string& ts) {
            const auto res = host_.http("GET", sl::reactions_url(settings_, ts), headers, "", settings_.timeout_ms);
            if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, "Slack unreachable: " + redact(res.error));
            const auto h = json::parse(res.headers_json.empty() ? std::string("{}") : res.headers_json, nullptr, false);
            auto a = sl::interpret_reactions(res.http_status, res.body, h.is_object() ? h : json::object());
            a.error = redact(a.error);
            return a;
        });
    }

    // auth.test proves the bot token; an incoming webhook has no call that posts nothing.
    std::string probe() {
        if (!settings_.bot()) {
            return json{{"ok", true}, {"skipped", true}, {"detail", "an incoming webhook has no harmless call; paperboy send-test posts a sample"}}.dump();
        }
        const auto headers = json{{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Bearer " + settings_.token}}.dump();
        const auto res = host_.http("POST", settings_.api_url + "/auth.test", headers, "", settings_.timeout_ms);
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, "Slack unreachable: " + redact(res.error));
        const auto a = sl::interpret_api(res.http_status, res.body, json::object());
        if (a.status != PB_OK) throw paperboy::sdk::plugin_error(a.status, redact(a.error));
        const auto body = json::parse(res.body, nullptr, false);
        const auto who = body.is_object() ? body.value("user", std::string()) + " in " + body.value("team", std::string()) : std::string();
        return json{{"ok", true}, {"detail", "auth.test: token valid (" + who + ")"}}.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    std::string redact(std::string text) const {
        return paperboy::sdk::redact(paperboy::sdk::redact(std::move(text), settings_.token), settings_.webhook_url);
    }

    paperboy::sdk::host host_;
    sl::settings settings_;
};

constexpr const char* config_doc = R"doc([
  {"key": "webhook_url", "type": "string", "required": false, "secret": true, "doc": "incoming webhook URL (or use token + channel)"},
  {"key": "token", "type": "string", "required": false, "secret": true, "doc": "bot token for chat.postMessage"},
  {"key": "channel", "type": "string", "required": false, "secret": false, "doc": "channel id, with token"},
  {"key": "thread", "type": "boolean", "required": false, "secret": false, "doc": "with token: summary message, papers in its thread"},
  {"key": "reactions", "type": "boolean", "required": false, "secret": false, "doc": "with thread: one paper per reply; reactions on them are votes (feedback.reactions)"},
  {"key": "seconds_between_messages", "type": "number", "required": false, "secret": false, "doc": "pause between the messages of a digest; default 1 (Slack's limit per channel)"},
  {"key": "reactions_interval_ms", "type": "integer", "required": false, "secret": false, "doc": "between reactions.get calls; default 1200 (Tier 3)"},
  {"key": "top_n", "type": "integer", "required": false, "secret": false, "doc": "post at most this many papers; 0 = all"},
  {"key": "abstract_chars", "type": "integer", "required": false, "secret": false, "doc": "abstracts shortened to this length; default 600"},
  {"key": "api_url", "type": "string", "required": false, "secret": false, "doc": "Slack Web API base; default https://slack.com/api"},
  {"key": "timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "per request; default 30"}
])doc";

}  // namespace

PAPERBOY_DEFINE_PLUGIN(slack_plugin, "slack", "1.0.0", PB_KIND_CHANNEL, config_doc)
