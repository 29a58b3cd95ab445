#include "openai_protocol.hpp"

#include <catch2/catch.hpp>

using namespace paperboy::openai;
using nlohmann::json;

TEST_CASE("settings are validated and unknown keys named") {
    CHECK(parse_settings(R"({"model": "gpt-4o-mini"})").base_url == "https://api.openai.com/v1");
    CHECK_THROWS_WITH(parse_settings(R"({})"), Catch::Contains("model: required"));
    CHECK_THROWS_WITH(parse_settings(R"({"model": "m", "colour": 1})"), Catch::Contains("colour: unknown key"));
    CHECK_THROWS_WITH(parse_settings(R"({"model": "m", "base_url": "ftp://x"})"), Catch::Contains("base_url:"));
    CHECK_THROWS_WITH(parse_settings(R"({"model": "m", "temperature": 5})"), Catch::Contains("temperature:"));
    CHECK_THROWS_WITH(parse_settings(R"({"model": "m", "api_key": "a\nb"})"), Catch::Contains("api_key:"));
}

TEST_CASE("the request carries only what is set, temperature is omitted unless configured") {
    auto s = parse_settings(R"({"model": "gpt-5-mini", "api_key": "sk-1"})");
    auto body = build_request(s, "sys", "user text", false);
    CHECK(body["model"] == "gpt-5-mini");
    CHECK(body["messages"][0] == json{{"role", "system"}, {"content", "sys"}});
    CHECK(body["messages"][1]["content"] == "user text");
    CHECK_FALSE(body.contains("temperature"));
    CHECK_FALSE(body.contains("response_format"));
    s.temperature = 0;
    CHECK_FALSE(build_request(s, "", "u", false).contains("temperature"));  // a reasoning model takes only the default
    s.model = "gpt-4.1-mini";
    body = build_request(s, "", "u", true);
    CHECK(body["temperature"] == 0);
    CHECK(body["messages"].size() == 1);
    CHECK(body["response_format"]["json_schema"]["schema"]["required"] == json{"papers"});
    CHECK(request_headers(s)["Authorization"] == "Bearer sk-1");
    s.api_key_header = "api-key";
    CHECK(request_headers(s)["api-key"] == "sk-1");
    s.base_url = "http://localhost:11434/v1/";
    CHECK(endpoint(s) == "http://localhost:11434/v1/chat/completions");
}

TEST_CASE("usage is read from OpenAI's and DeepSeek's fields") {
    const auto c = std::get<completion>(interpret_response(200, R"({"choices": [{"message": {"content": "x"}, "finish_reason": "length"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 7, "prompt_tokens_details": {"cached_tokens": 64}}})", json::object()));
    CHECK(c.content == "x");
    CHECK(c.finish_reason == "length");
    CHECK(c.tokens.cached_tokens == 64);
    const auto d = std::get<completion>(interpret_response(200, R"({"choices": [{"message": {"content": "y"}}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 7, "prompt_cache_hit_tokens": 50}})", json::object()));
    CHECK(d.tokens.cached_tokens == 50);
    const auto none = std::get<completion>(interpret_response(200, R"({"choices": [{"message": {"content": "z"}}]})", json::object()));
    CHECK(none.tokens.prompt_tokens == 0);
}

TEST_CASE("errors are classified for the retry policy, with the server's retry hint") {
    auto f = std::get<failure>(interpret_response(429, R"({"error": {"code": "rate_limit_exceeded", "message": "slow down"}})",
                                                  json{{"retry-after-ms", "1500"}}));
    CHECK(f.status == PB_TRANSIENT);
    CHECK(f.retry_after_ms == 1500);
    f = std::get<failure>(interpret_response(429, "{}", json{{"retry-after", "2"}}));
    CHECK(f.retry_after_ms == 2000);
    // Hostile hints: capped at a day, or ignored; never a negative or undefined wait.
    CHECK(std::get<failure>(interpret_response(429, "{}", json{{"retry-after", "6e95"}})).retry_after_ms == 86'400'000);
    CHECK_FALSE(std::get<failure>(interpret_response(429, "{}", json{{"retry-after", "-4"}})).retry_after_ms);
    CHECK_FALSE(std::get<failure>(interpret_response(429, "{}", json{{"retry-after-ms", "nan"}})).retry_after_ms);
    CHECK(std::get<failure>(interpret_response(400, "bad", json::object())).status == PB_PERMANENT);
    CHECK(std::get<failure>(interpret_response(503, "<html>down</html>", json::object())).status == PB_TRANSIENT);
    CHECK(std::get<failure>(interpret_response(200, "not json", json::object())).status == PB_TRANSIENT);
}

TEST_CASE("what only the configuration can fix is a config error that names the key to change") {
    // OpenAI's answers, as its error-codes guide lists them.
    const std::tuple<int, const char*, const char*> cases[] = {
        {401, R"({"error": {"code": "invalid_api_key", "message": "Incorrect API key provided"}})", "api_key: the provider refused this key"},
        {403, R"({"error": {"code": "unsupported_country_region_territory", "message": "Country not supported"}})", "api_key: the provider refused"},
        {429, R"({"error": {"code": "insufficient_quota", "message": "You exceeded your current quota"}})", "api_key: the account behind this key has no quota"},
        {404, R"({"error": {"code": "model_not_found", "message": "The model `gpt-5` does not exist"}})", "model: the provider has no such model"},
        {404, "<html>Not Found</html>", "base_url: the provider has no chat completions endpoint"},
    };
    for (const auto& [status, body, start] : cases) {
        INFO(body);
        const auto f = std::get<failure>(interpret_response(status, body, json::object()));
        CHECK(f.status == PB_INVALID_CONFIG);
        CHECK(f.message.starts_with(start));
        CHECK(f.message.find("HTTP " + std::to_string(status)) != std::string::npos);  // the provider's own words follow
    }
}

TEST_CASE("reasoning models get max_completion_tokens and no temperature, a refused parameter names the key") {
    for (const auto* m : {"gpt-5", "gpt-5-mini", "gpt-5.4-nano", "GPT-5", "o1", "o1-mini", "o3-mini", "o4-mini", "openai/gpt-5", "gpt-6-luna"}) {
        INFO(m);
        CHECK(reasoning_model(m));
    }
    for (const auto* m : {"gpt-4o", "gpt-4.1-mini", "gpt-4o-mini", "o10x", "llama3", "gpt-", "ox"}) {
        INFO(m);
        CHECK_FALSE(reasoning_model(m));
    }
    auto s = parse_settings(R"({"model": "gpt-5-mini", "max_tokens": 800})");
    const auto body = build_request(s, "sys", "user", false);
    CHECK(body["max_completion_tokens"] == 800);
    CHECK_FALSE(body.contains("max_tokens"));
    CHECK(build_request(parse_settings(R"({"model": "gpt-4o", "max_tokens": 800})"), "s", "u", false)["max_tokens"] == 800);
    CHECK_THROWS_WITH(parse_settings(R"({"model": "o3-mini", "temperature": 0})"), Catch::StartsWith("temperature: o3-mini is a reasoning model"));
    CHECK_NOTHROW(parse_settings(R"({"model": "o3-mini", "temperature": 1})"));

    const auto f = std::get<failure>(interpret_response(
        400, R"({"error": {"message": "Unsupported parameter: 'max_tokens' is not supported with this model.", "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"}})",
        json::object()));
    CHECK(f.status == PB_INVALID_CONFIG);
    CHECK(f.message.starts_with("max_tokens: the model refuses it"));
}

TEST_CASE("the model list gives a model's shutdown date, null for none announced, nothing where the provider has no such field") {
    const std::string openai = R"({"object": "list", "data": [
        {"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "system", "shutdown_date": "2027-01-14"},
        {"id": "gpt-6-luna", "object": "model", "created": 1790000000, "owned_by": "system", "shutdown_date": null},
        {"id": "bad", "object": "model", "shutdown_date": "soon; rm -rf /"}]})";
    CHECK(model_listing(openai, "gpt-4o") == json{{"model", "gpt-4o"}, {"listed", true}, {"shutdown_date", "2027-01-14"}});
    CHECK(model_listing(openai, "gpt-6-luna") == json{{"model", "gpt-6-luna"}, {"listed", true}, {"shutdown_date", nullptr}});
    CHECK(model_listing(openai, "bad") == json{{"model", "bad"}, {"listed", true}});
    CHECK(model_listing(openai, "gpt-9") == json{{"model", "gpt-9"}, {"listed", false}});
    // Ollama's and vLLM's lists have no shutdown_date: the host falls back to its table.
    CHECK(model_listing(R"({"object": "list", "data": [{"id": "llama3.1:8b", "object": "model", "owned_by": "library"}]})", "llama3.1:8b") ==
          json{{"model", "llama3.1:8b"}, {"listed", true}});
    CHECK(model_listing("<html>", "x") == json{{"model", "x"}, {"listed", false}});
}
