#include "openai_protocol.hpp"

#include "paperboy/plugin_sdk.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

namespace paperboy::openai {
using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& what) { throw std::invalid_argument(key + ": " + what); }

std::string string_key(const json& j, const std::string& key) {
    const auto& v = j.at(key);
    if (!v.is_string()) bad(key, std::string("expected a string, got ") + v.type_name());
    return v.get<std::string>();
}

// A retry header as milliseconds: "retry-after-ms" holds milliseconds, "retry-after" seconds.
std::optional<long> header_ms(const json& headers, const char* name, double unit_ms) {
    const auto it = headers.find(name);
    if (it == headers.end() || !it->is_string()) return std::nullopt;
    const auto value = sdk::number_text(it->get<std::string>());
    if (!value) return std::nullopt;
    const auto ms = sdk::clamp_ms(*value * unit_ms);
    if (!ms) return std::nullopt;
    return static_cast<long>(*ms);
}

// A short, single-line excerpt of a body for error messages.
std::string excerpt(std::string_view body) {
    std::string out;
    for (const char c : body.substr(0, 300)) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
    return out;
}

// The setting a permanent refusal asks the reader to change, or "" when the answer is not one.
std::string key_to_fix(int http_status, const std::string& code) {
    if (code == "model_not_found") return "model";
    if (code == "insufficient_quota" || http_status == 401 || http_status == 403) return "api_key";
    if (http_status == 404) return "base_url";  // no such endpoint at this address
    return "";
}

std::string what_to_fix(const std::string& key, const std::string& code) {
    if (key == "model") return "the provider has no such model for this key; set a current model (see GET /v1/models)";
    if (key == "base_url") return "the provider has no chat completions endpoint at this address; check the URL (it usually ends in /v1)";
    if (code == "insufficient_quota") return "the account behind this key has no quota left; add credit or use another key";
    return "the provider refused this key; set a valid key";
}

}  // namespace

bool reasoning_model(std::string_view model) {
    if (const auto slash = model.rfind('/'); slash != std::string_view::npos) model.remove_prefix(slash + 1);
    std::string m(model);
    for (auto& c : m) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (const std::string_view family : {"o1", "o3", "o4"}) {
        if (m.starts_with(family) && (m.size() == 2 || m[2] == '-' || m[2] == '.')) return true;
    }
    if (!m.starts_with("gpt-")) return false;
    int major = 0;
    const auto [ptr, ec] = std::from_chars(m.data() + 4, m.data() + m.size(), major);
    return ec == std::errc{} && major >= 5 && (ptr == m.data() + m.size() || *ptr == '-' || *ptr == '.');
}

settings parse_settings(std::string_view config_json) {
    const auto j = json::parse(config_json, nullptr, false);
    if (!j.is_object()) throw std::invalid_argument("the configuration must be a JSON object");
    static const std::set<std::string> known{"model",       "base_url",   "api_key",         "api_key_header",
                                             "temperature", "max_tokens", "timeout_seconds", "structured_output"};
    for (const auto& [key, value] : j.items()) {
        if (!known.contains(key)) bad(key, "unknown key for the openai plugin");
    }
    settings s;
    if (!j.contains("model")) bad("model", "required (e.g. \"gpt-6-luna\")");
    s.model = string_key(j, "model");
    if (s.model.empty()) bad("model", "must not be empty");
    if (j.contains("base_url")) s.base_url = string_key(j, "base_url");
    if (!s.base_url.starts_with("https://") && !s.base_url.starts_with("http://")) bad("base_url", "must start with http:// or https://");
    if (j.contains("api_key")) s.api_key = string_key(j, "api_key");
    if (s.api_key.find_first_of("\r\n") != std::string::npos) bad("api_key", "contains a line break");
    if (j.contains("api_key_header")) s.api_key_header = string_key(j, "api_key_header");
    if (s.api_key_header != "Authorization" && s.api_key_header != "api-key") bad("api_key_header", "must be \"Authorization\" or \"api-key\"");
    if (j.contains("temperature")) {
        if (!j["temperature"].is_number()) bad("temperature", "expected a number");
        s.temperature = j["temperature"].get<double>();
        if (*s.temperature < 0 || *s.temperature > 2) bad("temperature", "must be between 0 and 2");
        if (*s.temperature != 1 && reasoning_model(s.model)) {
            bad("temperature", s.model + " is a reasoning model, which accepts only the default temperature; remove this key");
        }
    }
    if (j.contains("max_tokens")) {
        if (!j["max_tokens"].is_number_integer() || j["max_tokens"].get<int>() < 1) bad("max_tokens", "expected a positive integer");
        s.max_tokens = j["max_tokens"].get<int>();
    }
    if (j.contains("timeout_seconds")) {
        const auto ms = j["timeout_seconds"].is_number() ? sdk::timeout_setting_ms(j["timeout_seconds"].get<double>()) : std::nullopt;
        if (!ms) bad("timeout_seconds", "expected a number of seconds above 0 and at most 3600");
        s.timeout_ms = *ms;
    }
    if (j.contains("structured_output")) {
        if (!j["structured_output"].is_boolean()) bad("structured_output", "expected true or false");
        s.structured_output = j["structured_output"].get<bool>();
    }
    return s;
}

json paper_scores_schema() {
    return {
        {"type", "object"},
        {"properties",
         {{"papers",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"ARXIVID", {{"type", "string"}}},
                {"COMMENT", {{"type", "string"}}},
                {"RELEVANCE", {{"type", "integer"}}},
                {"NOVELTY", {{"type", "integer"}}}}},
              {"required", {"ARXIVID", "COMMENT", "RELEVANCE", "NOVELTY"}},
              {"additionalProperties", false}}}}}}},
        {"required", {"papers"}},
        {"additionalProperties", false},
    };
}

json build_request(const settings& s, std::string_view system, std::string_view user, bool structured) {
    json messages = json::array();
    if (!system.empty()) messages.push_back({{"role", "system"}, {"content", system}});
    messages.push_back({{"role", "user"}, {"content", user}});
    json body{{"model", s.model}, {"messages", std::move(messages)}};
    // Reasoning models accept only the default temperature: a llm.title_model of that kind
    // beside a sampled llm.model gets none, rather than a 400.
    if (s.temperature && !reasoning_model(s.model)) body["temperature"] = *s.temperature;
    if (s.max_tokens) body[reasoning_model(s.model) ? "max_completion_tokens" : "max_tokens"] = *s.max_tokens;
    if (structured) {
        body["response_format"] = {{"type", "json_schema"},
                                   {"json_schema", {{"name", "paper_scores"}, {"strict", true}, {"schema", paper_scores_schema()}}}};
    }
    return body;
}

std::string endpoint(const settings& s) {
    auto base = s.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/chat/completions";
}

json request_headers(const settings& s) {
    json h{{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    if (!s.api_key.empty()) {
        if (s.api_key_header == "api-key") h["api-key"] = s.api_key;
        else h["Authorization"] = "Bearer " + s.api_key;
    }
    return h;
}

std::variant<completion, failure> interpret_response(int http_status, std::string_view body, const json& headers) {
    const auto parsed = json::parse(body, nullptr, false);
    if (http_status != 200) {
        failure f;
        std::string code, message;
        if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
            const auto& e = parsed["error"];
            if (e.contains("code") && e["code"].is_string()) code = e["code"].get<std::string>();
            if (code.empty() && e.contains("type") && e["type"].is_string()) code = e["type"].get<std::string>();
            if (e.contains("message") && e["message"].is_string()) message = e["message"].get<std::string>();
        }
        f.message = "HTTP " + std::to_string(http_status) + (code.empty() ? "" : " " + code) + ": " +
                    (message.empty() ? excerpt(body) : excerpt(message));
        std::string param;
        if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object() && parsed["error"].contains("param") &&
            parsed["error"]["param"].is_string()) {
            param = parsed["error"]["param"].get<std::string>();
        }
        if (http_status == 400 && (code == "unsupported_parameter" || code == "unsupported_value") && !param.empty()) {
            // The configuration sent something this model refuses: say which key to change.
            f.status = PB_INVALID_CONFIG;
            f.message = excerpt(param) + ": the model refuses it (HTTP 400 " + code + ": " + excerpt(message) + ")";
        } else if (const auto key = key_to_fix(http_status, code); !key.empty()) {
            // No retry and no wait can fix these, only a change of configuration (or account).
            f.status = PB_INVALID_CONFIG;
            f.message = key + ": " + what_to_fix(key, code) + " (" + f.message + ")";
        } else if (http_status == 429 || http_status >= 500 || http_status == 408) {
            f.status = PB_TRANSIENT;
            if (auto ms = header_ms(headers, "retry-after-ms", 1)) f.retry_after_ms = *ms;
            else if (auto s = header_ms(headers, "retry-after", 1000)) f.retry_after_ms = *s;
        } else {
            f.status = PB_PERMANENT;
        }
        return f;
    }
    if (!parsed.is_object() || !parsed.contains("choices") || !parsed["choices"].is_array() || parsed["choices"].empty()) {
        return failure{PB_TRANSIENT, "HTTP 200 without choices: " + excerpt(body), std::nullopt};
    }
    completion c;
    const auto& choice = parsed["choices"][0];
    if (choice.contains("message") && choice["message"].is_object()) {
        const auto& m = choice["message"];
        if (m.contains("content") && m["content"].is_string()) c.content = m["content"].get<std::string>();
        else if (m.contains("refusal") && m["refusal"].is_string()) {
            return failure{PB_PERMANENT, "the model refused: " + excerpt(m["refusal"].get<std::string>()), std::nullopt};
        }
    }
    if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) c.finish_reason = choice["finish_reason"];
    if (parsed.contains("model") && parsed["model"].is_string()) c.model = parsed["model"];
    if (parsed.contains("usage") && parsed["usage"].is_object()) {
        const auto& u = parsed["usage"];
        auto number = [](const json& o, const char* k) { return o.contains(k) && o[k].is_number() ? o[k].get<long>() : 0L; };
        c.tokens.prompt_tokens = number(u, "prompt_tokens");
        c.tokens.completion_tokens = number(u, "completion_tokens");
        if (u.contains("prompt_tokens_details") && u["prompt_tokens_details"].is_object()) {
            c.tokens.cached_tokens = number(u["prompt_tokens_details"], "cached_tokens");
        } else {
            c.tokens.cached_tokens = number(u, "prompt_cache_hit_tokens");
        }
    }
    return c;
}

json model_listing(std::string_view body, const std::string& model) {
    json out{{"model", model}, {"listed", false}};
    const auto parsed = json::parse(body, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("data") || !parsed["data"].is_array()) return out;
    for (const auto& m : parsed["data"]) {
        if (!m.is_object() || !m.contains("id") || m["id"] != model) continue;
        out["listed"] = true;
        if (m.contains("shutdown_date") && m["shutdown_date"].is_null()) out["shutdown_date"] = nullptr;  // none announced
        if (m.contains("shutdown_date") && m["shutdown_date"].is_string()) {
            const auto d = m["shutdown_date"].get<std::string>();
            const bool iso = d.size() == 10 && d[4] == '-' && d[7] == '-' &&
                             std::all_of(d.begin(), d.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
            if (iso) out["shutdown_date"] = d;
        }
        break;
    }
    return out;
}

}  // namespace paperboy::openai
