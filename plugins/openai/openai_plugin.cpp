// ABI glue for the openai plugin: config in, one chat completion per call out.
//
// Call protocol (request_json, schema 1):
//   {"schema": 1, "system": "...", "user": "...", "structured": false}
// Answer on success:
//   {"content": "...", "finish_reason": "stop", "model": "...",
//    "usage": {"prompt_tokens": N, "completion_tokens": N, "cached_tokens": N}}
// On failure the status says whether to retry, and the answer may carry {"retry_after_ms": N}.
#include "openai_protocol.hpp"

#include "paperboy/plugin_sdk.hpp"

namespace {
using nlohmann::json;
namespace oa = paperboy::openai;

class openai_plugin {
public:
    openai_plugin(paperboy::sdk::host host, std::string_view config_json) : host_(host) {
        try {
            settings_ = oa::parse_settings(config_json);
        } catch (const std::exception& e) {
            throw paperboy::sdk::plugin_error(PB_INVALID_CONFIG, e.what());
        }
    }

    // A provider may echo the key back in an error ("Incorrect API key provided: sk-..."):
    // it must never reach a log or an error message.
    std::string redact(std::string text) const { return paperboy::sdk::redact(std::move(text), settings_.api_key); }

    std::string call(std::string_view request_json) {
        if (paperboy::sdk::is_probe(request_json)) return probe();
        const auto req = json::parse(request_json, nullptr, false);
        if (!req.is_object() || req.value("schema", 0) != 1 || !req.contains("user")) {
            throw paperboy::sdk::plugin_error(PB_INTERNAL, "unsupported request (expected schema 1 with a user prompt)");
        }
        const bool structured = req.value("structured", false) || settings_.structured_output;
        const auto body = oa::build_request(settings_, req.value("system", std::string()), req["user"].get<std::string>(), structured);
        const auto res = host_.http("POST", oa::endpoint(settings_), oa::request_headers(settings_).dump(), body.dump(),
                                    settings_.timeout_ms);
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, redact(res.error));
        const auto headers = json::parse(res.headers_json.empty() ? std::string("{}") : res.headers_json, nullptr, false);
        auto outcome = oa::interpret_response(res.http_status, res.body, headers.is_object() ? headers : json::object());
        if (auto* f = std::get_if<oa::failure>(&outcome)) {
            json hints = json::object();
            if (f->retry_after_ms) hints["retry_after_ms"] = *f->retry_after_ms;
            throw paperboy::sdk::plugin_error(f->status, redact(f->message), hints.dump());
        }
        const auto& c = std::get<oa::completion>(outcome);
        return json{{"content", c.content},
                    {"finish_reason", c.finish_reason},
                    {"model", c.model},
                    {"usage",
                     {{"prompt_tokens", c.tokens.prompt_tokens},
                      {"completion_tokens", c.tokens.completion_tokens},
                      {"cached_tokens", c.tokens.cached_tokens}}}}
            .dump(-1, ' ', false, json::error_handler_t::replace);
    }

private:
    // A one-word completion capped at a few tokens: proves the URL, the key and the model.
    std::string probe() {
        auto s = settings_;
        s.max_tokens = 8;
        const auto body = oa::build_request(s, "", "Reply with OK.", false);
        const auto res = host_.http("POST", oa::endpoint(s), oa::request_headers(s).dump(), body.dump(), s.timeout_ms);
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, redact(res.error));
        auto outcome = oa::interpret_response(res.http_status, res.body, json::object());
        if (auto* f = std::get_if<oa::failure>(&outcome)) throw paperboy::sdk::plugin_error(f->status, redact(f->message));
        const auto& c = std::get<oa::completion>(outcome);
        return json{{"ok", true},
                    {"detail", "model " + (c.model.empty() ? settings_.model : c.model) + " answered (" +
                                   std::to_string(c.tokens.prompt_tokens + c.tokens.completion_tokens) + " tokens)"}}
            .dump(-1, ' ', false, json::error_handler_t::replace);
    }

    paperboy::sdk::host host_;
    oa::settings settings_;
};

constexpr const char* config_doc = R"doc([
  {"key": "model", "type": "string", "required": true, "secret": false, "doc": "model id, e.g. gpt-4o-mini"},
  {"key": "base_url", "type": "string", "required": false, "secret": false, "doc": "OpenAI-compatible API base; default https://api.openai.com/v1"},
  {"key": "api_key", "type": "string", "required": false, "secret": true, "doc": "API key; use api_key_file or ${ENV}"},
  {"key": "api_key_header", "type": "string", "required": false, "secret": false, "doc": "Authorization (Bearer, default) or api-key (Azure)"},
  {"key": "temperature", "type": "number", "required": false, "secret": false, "doc": "omitted unless set (some models reject it)"},
  {"key": "max_tokens", "type": "integer", "required": false, "secret": false, "doc": "cap on completion tokens per call"},
  {"key": "timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "per call; default 120"},
  {"key": "structured_output", "type": "boolean", "required": false, "secret": false, "doc": "ask for {\"papers\": [...]} via response_format json_schema"}
])doc";

}  // namespace

PAPERBOY_DEFINE_PLUGIN(openai_plugin, "openai", "1.0.0", PB_KIND_LLM, config_doc)
