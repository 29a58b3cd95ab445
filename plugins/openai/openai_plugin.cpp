// ABI glue for the openai plugin: config in, one chat completion per call out.
//
// Call protocol (request_json, schema 1):
//   {"schema": 1, "system": "...", "user": "...", "structured": false, "model": "..."}
// ("model", optional: this call's model instead of the configured one, for llm.title_model)
// Answer on success:
//   {"content": "...", "finish_reason": "stop", "model": "...",
//    "usage": {"prompt_tokens": N, "completion_tokens": N, "cached_tokens": N}}
// On failure the status says whether to retry, and the answer may carry {"retry_after_ms": N}.
//
// The Batch API (llm.mode "batch"), schema 1 with a "kind":
//   {"kind": "batch_submit", "requests": [{"custom_id", "system", "user", "structured"}]}
//     -> {"batch_id": "batch_...", "status": "validating"}
//   {"kind": "batch_poll", "batch_id": "..."}
//     -> {"status": "...", "finished": bool, "error": "...", "results": [...]} with, once
//        finished, one result per output or error line: {"custom_id", "content",
//        "finish_reason", "usage"} or {"custom_id", "error", "transient"}
//   {"kind": "batch_cancel", "batch_id": "..."} -> {"status": "cancelling"}
//
// A model's retirement, from GET /models (once a day: check and the run):
//   {"kind": "model_info", "model": "..."} -> {"model", "listed", "shutdown_date"?}
#include "openai_batch.hpp"
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
        if (req.is_object() && req.value("schema", 0) == 1 && req.contains("kind") && req["kind"].is_string()) {
            const auto kind = req["kind"].get<std::string>();
            if (kind == "batch_submit") return batch_submit(req);
            if (kind == "batch_poll") return batch_poll(req);
            if (kind == "batch_cancel") return batch_cancel(req);
            if (kind == "model_info") return model_info(req);
            throw paperboy::sdk::plugin_error(PB_INTERNAL, "unsupported request kind");
        }
        if (!req.is_object() || req.value("schema", 0) != 1 || !req.contains("user")) {
            throw paperboy::sdk::plugin_error(PB_INTERNAL, "unsupported request (expected schema 1 with a user prompt)");
        }
        const bool structured = req.value("structured", false) || settings_.structured_output;
        auto s = settings_;
        if (req.contains("model")) {  // llm.title_model: a cheaper model for this call
            if (!req["model"].is_string() || req["model"].get<std::string>().empty() || req["model"].get<std::string>().size() > 200) {
                throw paperboy::sdk::plugin_error(PB_INTERNAL, "the request's model is not a model id");
            }
            s.model = req["model"].get<std::string>();
        }
        const auto body = oa::build_request(s, req.value("system", std::string()), req["user"].get<std::string>(), structured);
        const auto res = host_.http("POST", oa::endpoint(s), oa::request_headers(s).dump(), body.dump(), s.timeout_ms);
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, redact(res.error));
        auto outcome = oa::interpret_response(res.http_status, res.body, headers_of(res));
        if (auto* f = std::get_if<oa::failure>(&outcome)) {
            json hints = json::object();
            if (f->retry_after_ms) hints["retry_after_ms"] = *f->retry_after_ms;
            throw paperboy::sdk::plugin_error(f->status, redact(f->message), hints.dump());
        }
        return completion_json(std::get<oa::completion>(outcome)).dump(-1, ' ', false, json::error_handler_t::replace);
    }

private:
    static json completion_json(const oa::completion& c) {
        return {{"content", c.content},
                {"finish_reason", c.finish_reason},
                {"model", c.model},
                {"usage",
                 {{"prompt_tokens", c.tokens.prompt_tokens},
                  {"completion_tokens", c.tokens.completion_tokens},
                  {"cached_tokens", c.tokens.cached_tokens}}}};
    }

    std::string base() const {
        auto b = settings_.base_url;
        while (!b.empty() && b.back() == '/') b.pop_back();
        return b;
    }

    [[noreturn]] void fail(const oa::failure& f) const {
        json hints = json::object();
        if (f.retry_after_ms) hints["retry_after_ms"] = *f.retry_after_ms;
        throw paperboy::sdk::plugin_error(f.status, redact(f.message), hints.dump());
    }

    paperboy::sdk::http_result send(std::string_view method, const std::string& url, const json& headers, std::string_view body) const {
        auto res = host_.http(method, url, headers.dump(), body, settings_.timeout_ms);
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, redact(res.error));
        return res;
    }
    // An answer's headers (Retry-After) for the classifiers, as a JSON object.
    static json headers_of(const paperboy::sdk::http_result& res) {
        const auto h = json::parse(res.headers_json.empty() ? std::string("{}") : res.headers_json, nullptr, false);
        return h.is_object() ? h : json::object();
    }

    std::string batch_id_of(const json& req) const {
        const auto id = req.contains("batch_id") && req["batch_id"].is_string() ? req["batch_id"].get<std::string>() : std::string();
        if (!oa::valid_object_id(id)) throw paperboy::sdk::plugin_error(PB_INTERNAL, "batch_id missing or not a provider id");
        return id;
    }

    std::string batch_submit(const json& req) {
        std::vector<oa::batch_request> requests;
        if (req.contains("requests") && req["requests"].is_array()) {
            for (const auto& r : req["requests"]) {
                if (!r.is_object()) continue;
                requests.push_back({r.value("custom_id", std::string()), r.value("system", std::string()), r.value("user", std::string()),
                                    r.value("structured", false)});
            }
        }
        if (requests.empty()) throw paperboy::sdk::plugin_error(PB_INTERNAL, "batch_submit without requests");
        const auto jsonl = oa::batch_input_jsonl(settings_, requests);
        const auto boundary = oa::batch_boundary(jsonl);
        auto headers = oa::request_headers(settings_);
        headers["Content-Type"] = "multipart/form-data; boundary=" + boundary;
        const auto up = send("POST", base() + "/files", headers, oa::batch_upload_body(boundary, jsonl));
        const auto file = oa::created_id(up.http_status, up.body, headers_of(up));
        if (const auto* f = std::get_if<oa::failure>(&file)) fail(*f);
        const json create{{"input_file_id", std::get<std::string>(file)}, {"endpoint", "/v1/chat/completions"}, {"completion_window", "24h"}};
        const auto made = send("POST", base() + "/batches", oa::request_headers(settings_), create.dump());
        const auto id = oa::created_id(made.http_status, made.body, headers_of(made));
        if (const auto* f = std::get_if<oa::failure>(&id)) fail(*f);
        return json{{"batch_id", std::get<std::string>(id)}, {"status", "validating"}}.dump();
    }

    std::string file_content(const std::string& id) const {
        auto headers = oa::request_headers(settings_);
        headers.erase("Content-Type");
        const auto res = send("GET", base() + "/files/" + id + "/content", headers, "");
        if (res.http_status != 200) fail(oa::interpret_status(res.http_status, res.body, headers_of(res)));
        return res.body;
    }

    std::string batch_poll(const json& req) {
        const auto id = batch_id_of(req);
        auto headers = oa::request_headers(settings_);
        headers.erase("Content-Type");
        const auto res = send("GET", base() + "/batches/" + id, headers, "");
        const auto status = oa::interpret_batch(res.http_status, res.body, headers_of(res));
        if (const auto* f = std::get_if<oa::failure>(&status)) fail(*f);
        const auto& s = std::get<oa::batch_status>(status);
        json out{{"status", s.status}, {"finished", s.finished()}, {"error", redact(s.error)}, {"results", json::array()}};
        if (!s.finished()) return out.dump();
        for (const auto& file : {s.output_file_id, s.error_file_id}) {
            if (file.empty()) continue;
            for (const auto& line : oa::parse_batch_output(file_content(file))) {
                if (const auto* c = std::get_if<oa::completion>(&line.outcome)) {
                    auto r = completion_json(*c);
                    r["custom_id"] = line.custom_id;
                    out["results"].push_back(std::move(r));
                } else {
                    const auto& f = std::get<oa::failure>(line.outcome);
                    out["results"].push_back({{"custom_id", line.custom_id}, {"error", redact(f.message)}, {"transient", f.status == PB_TRANSIENT}});
                }
            }
        }
        return out.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    std::string batch_cancel(const json& req) {
        const auto id = batch_id_of(req);
        const auto res = send("POST", base() + "/batches/" + id + "/cancel", oa::request_headers(settings_), "{}");
        const auto status = oa::interpret_batch(res.http_status, res.body, headers_of(res));
        if (const auto* f = std::get_if<oa::failure>(&status)) fail(*f);
        return json{{"status", std::get<oa::batch_status>(status).status}}.dump();
    }

    // The list, not GET /models/{id}: vLLM and llama.cpp serve only the list.
    std::string model_info(const json& req) {
        const auto model = req.value("model", std::string());
        if (model.empty() || model.size() > 200) throw paperboy::sdk::plugin_error(PB_INTERNAL, "model_info without a model id");
        auto headers = oa::request_headers(settings_);
        headers.erase("Content-Type");
        const auto res = host_.http("GET", base() + "/models", headers.dump(), "", std::min<std::uint32_t>(settings_.timeout_ms, 15'000));
        if (res.status != PB_OK) throw paperboy::sdk::plugin_error(res.status, redact(res.error));
        if (res.http_status != 200) fail(oa::interpret_status(res.http_status, res.body, headers_of(res)));
        return oa::model_listing(res.body, model).dump();
    }

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
  {"key": "model", "type": "string", "required": true, "secret": false, "doc": "model id, e.g. gpt-6-luna"},
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
