// The OpenAI Chat Completions protocol, as pure functions: no sockets, no clocks.
// Works with any OpenAI-compatible endpoint (OpenAI, Azure's v1 path, Ollama, vLLM,
// llama.cpp server, DeepSeek, OpenRouter).
#pragma once

#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace paperboy::openai {

struct settings {
    std::string model;                                   // required
    std::string base_url = "https://api.openai.com/v1";  // ".../chat/completions" is appended
    std::string api_key;                                 // empty: no auth header (local servers)
    std::string api_key_header = "Authorization";        // "Authorization" sends "Bearer <key>"; "api-key" (Azure) the bare key
    std::optional<double> temperature;                   // omitted when unset: some models reject it
    std::optional<int> max_tokens;
    std::uint32_t timeout_ms = 120'000;
    bool structured_output = false;                      // response_format json_schema {"papers": [...]}
};

/// Reasoning model families (gpt-5 and later, o1, o3, o4; also behind a "provider/" prefix)
/// take max_completion_tokens instead of max_tokens and only the default temperature.
bool reasoning_model(std::string_view model);

/// Parses the plugin's config object. Throws std::invalid_argument naming the key
/// ("base_url: must start with http:// or https://"); unknown keys are errors.
settings parse_settings(std::string_view config_json);

/// The JSON schema requested when structured_output is on.
nlohmann::json paper_scores_schema();

/// The request body: model, messages (system, user), and only the optional fields that are set
/// (max_tokens goes as max_completion_tokens to reasoning models).
nlohmann::json build_request(const settings& s, std::string_view system, std::string_view user, bool structured);

/// "<base_url>/chat/completions" without a doubled slash.
std::string endpoint(const settings& s);

/// Headers as the host's HTTP service takes them (a JSON object).
nlohmann::json request_headers(const settings& s);

struct usage {
    long prompt_tokens = 0;
    long completion_tokens = 0;
    long cached_tokens = 0;   // prompt_tokens_details.cached_tokens, or DeepSeek's prompt_cache_hit_tokens
};

struct completion {
    std::string content;
    std::string finish_reason;
    std::string model;
    usage tokens;
};

struct failure {
    pb_status status = PB_PERMANENT;
    std::string message;
    std::optional<long> retry_after_ms;
};

/// Interprets an HTTP answer: a completion for 200 with a usable body, otherwise a failure
/// classified for the host's retry policy: 429 and 5xx transient (with the Retry-After hint
/// from "retry-after-ms" or "retry-after"); other 4xx are permanent. What only a change of
/// configuration can fix is PB_INVALID_CONFIG with a message that starts with the key to change,
/// so the host can name it: a 400 unsupported_parameter / unsupported_value ("temperature: ..."),
/// model_not_found ("model: ..."), 401, 403 and 429 insufficient_quota ("api_key: ..."), and
/// any other 404 ("base_url: ..."). The message never contains the API key.
std::variant<completion, failure> interpret_response(int http_status, std::string_view body, const nlohmann::json& headers);

/// What GET /models says of `model` (the OpenAI list format, {"data": [{"id", "shutdown_date"}]}):
/// {"model", "listed": bool, "shutdown_date": "YYYY-MM-DD" or null} with shutdown_date present
/// only when the provider has the field (OpenAI does, null when no shutdown is announced;
/// Ollama, vLLM, llama.cpp and OpenRouter do not; a date that is not YYYY-MM-DD is left out).
/// Ids compare as the provider spells them.
nlohmann::json model_listing(std::string_view body, const std::string& model);

}  // namespace paperboy::openai
