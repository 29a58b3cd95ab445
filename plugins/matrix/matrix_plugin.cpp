// ABI glue for the matrix channel plugin: a digest in, m.room.message events out, in order,
// each under a transaction id that makes a retried send the same event.
#include "chat_common.hpp"
#include "chat_sender.hpp"
#include "matrix_format.hpp"

#include "paperboy/plugin_sdk.hpp"

namespace {
using nlohmann::json;
namespace mx = paperboy::matrix;

class matrix_plugin {
public:
    matrix_plugin(paperboy::sdk::host host, std::string_view config_json)
        : host_(host), settings_(paperboy::chat::settings_or_invalid_config(mx::parse_settings, config_json)) {}

    std::string call(std::string_view request_json) {
        if (paperboy::sdk::is_probe(request_json)) return probe();
        if (paperboy::chat::reactions_request_of(request_json)) {
            return json{{"skipped", true}, {"detail", "the matrix plugin posts several papers per event, so a reaction names no paper"}}.dump();
        }
        const auto digest = paperboy::chat::digest_of(request_json);
        const auto messages = mx::build_messages(digest, settings_);
        const auto headers = json{{"Content-Type", "application/json"}, {"Authorization", "Bearer " + settings_.access_token}}.dump();
        return paperboy::chat::send_in_order(messages, digest.value("resume_from", 0UL), [&](const json& m, std::size_t index) {
            paperboy::chat::post_result out;
            const auto res = host_.http("PUT", mx::send_url(settings_, mx::transaction_id(digest, index)), headers,
                                        m.dump(-1, ' ', false, json::error_handler_t::replace), settings_.timeout_ms);
            if (res.status != PB_OK) {
                out.status = res.status;
                out.error = "Matrix unreachable: " + redact(res.error);
                return out;
            }
            const auto h = json::parse(res.headers_json.empty() ? std::string("{}") : res.headers_json, nullptr, false);
            const auto a = mx::interpret(res.http_status, res.body, h.is_object() ? h : json::object());
            out.status = a.status;
            out.receipt = a.event_id;
            out.error = redact(a.error);
            out.retry_after_ms = a.retry_after_ms;
            return out;
        }, host_);
    }

private:
    // whoami checks the token and posts nothing.
    std::string probe() {
        const auto res = host_.http("GET", settings_.homeserver + "/_matrix/client/v3/account/whoami",
                                    json{{"Authorization", "Bearer " + settings_.access_token}}.dump(), "", settings_.timeout_ms);
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, "Matrix unreachable: " + redact(res.error));
        const auto body = json::parse(res.body, nullptr, false);
        if (res.http_status != 200 || !body.is_object() || !body.contains("user_id") || !body["user_id"].is_string()) {
            const auto a = mx::interpret(res.http_status, res.body, json::object());
            throw paperboy::sdk::plugin_error(a.status == PB_OK ? PB_PERMANENT : a.status, redact(a.error));
        }
        return json{{"ok", true}, {"detail", "signed in as " + body["user_id"].get<std::string>() + ", posting to " + settings_.room_id}}.dump(
            -1, ' ', false, json::error_handler_t::replace);
    }

    std::string redact(std::string text) const { return paperboy::sdk::redact(std::move(text), settings_.access_token); }

    paperboy::sdk::host host_;
    mx::settings settings_;
};

constexpr const char* config_doc = R"doc([
  {"key": "homeserver", "type": "string", "required": true, "secret": false, "doc": "the bot account's server, e.g. https://matrix.example.org"},
  {"key": "access_token", "type": "string", "required": true, "secret": true, "doc": "the bot account's access token"},
  {"key": "room_id", "type": "string", "required": true, "secret": false, "doc": "the room's id (!...:server, or !... from room version 12), which the bot has joined"},
  {"key": "top_n", "type": "integer", "required": false, "secret": false, "doc": "post at most this many papers; 0 = all"},
  {"key": "abstract_chars", "type": "integer", "required": false, "secret": false, "doc": "abstracts shortened to this length; default 700"},
  {"key": "timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "per request; default 30"}
])doc";

}  // namespace

PAPERBOY_DEFINE_PLUGIN(matrix_plugin, "matrix", "1.0.0", PB_KIND_CHANNEL, config_doc)
