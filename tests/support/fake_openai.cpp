#include "support/fake_openai.hpp"

#include <regex>
#include <thread>

namespace paperboy::test {
using nlohmann::json;

fake_openai::fake_openai(options opts)
    : opts_(std::move(opts)), server_([this](const recorded_request& r) { return handle(r); }) {}

std::string fake_openai::completion_body(const std::string& content, long prompt, long completion, long cached,
                                         const std::string& finish_reason, bool deepseek) {
    json usage{{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}};
    if (deepseek) {
        usage["prompt_cache_hit_tokens"] = cached;
        usage["prompt_cache_miss_tokens"] = prompt - cached;
    } else {
        usage["prompt_tokens_details"] = {{"cached_tokens", cached}};
    }
    return json{{"id", "chatcmpl-test"},
                {"object", "chat.completion"},
                {"model", "fake-model"},
                {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", finish_reason}}}},
                {"usage", usage}}
        .dump();
}

std::string fake_openai::answer_text(const openai_call& call) const {
    // The title pre-filter is answered as a careful model would: drop nothing it cannot rule out
    // (options.title_drops lists what it may rule out).
    if (call.summaries) {  // report.tldr's pass: one summary per paper
        std::string lines;
        for (const auto& id : call.ids) lines += json{{"ARXIVID", id}, {"TLDR", "Summary of " + id + "."}}.dump() + "\n";
        return lines;
    }
    if (call.titles_only) {
        json dropped = json::array();
        for (const auto& id : call.ids) {
            if (opts_.title_drops.contains(id)) dropped.push_back(id);
        }
        return dropped.dump();
    }
    json items = json::array();
    for (const auto& id : call.ids) {
        const auto it = opts_.answers.find(id);
        if (it == opts_.answers.end()) continue;
        json item{{"ARXIVID", id}, {"COMMENT", (*it).value("COMMENT", "")}, {"RELEVANCE", (*it)["RELEVANCE"]}, {"NOVELTY", (*it)["NOVELTY"]}};
        items.push_back(std::move(item));
    }
    switch (opts_.format) {
        case reply_format::array: return items.dump(2);
        case reply_format::papers_object: return json{{"papers", items}}.dump();
        case reply_format::fenced_with_prose: {
            std::string lines;
            for (const auto& i : items) lines += i.dump() + "\n";
            return "Here are the scores you asked for:\n\n```jsonl\n" + lines + "```\n\nLet me know if you need more.";
        }
        case reply_format::jsonl:
        default: {
            std::string lines;
            for (const auto& i : items) lines += i.dump() + "\n";
            return lines;
        }
    }
}

namespace {

// The non-empty lines after the last "## Papers" heading: a paper's id for its first line, ""
// for any other line.
std::vector<std::string> paper_lines(const std::string& prompt) {
    std::vector<std::string> out;
    const auto heading = prompt.rfind("## Papers\n");
    if (heading == std::string::npos) return out;
    static const std::regex first_line(R"(^\[([^\]\s]+)\] )");
    std::size_t at = prompt.find('\n', heading);
    while (at != std::string::npos && at < prompt.size()) {
        const auto end = prompt.find('\n', at + 1);
        const auto line = prompt.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
        std::smatch m;
        if (std::regex_search(line, m, first_line)) out.push_back(m[1]);
        else if (!line.empty()) out.emplace_back();
        at = end;
    }
    return out;
}

}  // namespace

std::vector<std::string> prompt_ids(const std::string& prompt) {
    std::vector<std::string> ids;
    for (auto& id : paper_lines(prompt)) {
        if (!id.empty()) ids.push_back(std::move(id));
    }
    return ids;
}

bool is_title_prompt(const std::string& prompt) {
    const auto lines = paper_lines(prompt);
    // The first line after the heading says what the lines are; it is no paper's.
    std::size_t papers = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        ++papers;
        if (i + 1 < lines.size() && lines[i + 1].empty()) return false;
    }
    return papers > 0;
}

fake_openai::answered fake_openai::answer_request(const json& request, int index) {
    answered a;
    a.call.index = index;
    a.call.request = request;
    std::string prompt;
    if (request.is_object() && request.contains("messages") && request["messages"].is_array()) {
        for (const auto& m : request["messages"]) {
            if (m.is_object() && m.contains("content") && m["content"].is_string()) prompt += m["content"].get<std::string>();
        }
    }
    a.call.ids = prompt_ids(prompt);
    a.call.titles_only = is_title_prompt(prompt);
    a.call.summaries = prompt.find("Write a TL;DR for each paper") != std::string::npos;
    a.prompt = static_cast<long>((prompt.size() + 3) / 4);
    {
        std::lock_guard lock(mutex_);
        if (opts_.prefix_cache) {
            std::size_t best = 0;
            for (const auto& earlier : earlier_prompts_) {
                const auto n = std::min(earlier.size(), prompt.size());
                std::size_t k = 0;
                while (k < n && earlier[k] == prompt[k]) ++k;
                best = std::max(best, k);
            }
            const long shared = static_cast<long>(best / 4);
            if (shared >= 1024) a.cached = shared / 128 * 128;
        }
        earlier_prompts_.push_back(prompt);
    }
    a.content = answer_text(a.call);
    a.completion = static_cast<long>(a.content.size() / 4);
    return a;
}

std::vector<recorded_request> fake_openai::requests() const {
    auto all = server_.requests();
    std::erase_if(all, [](const recorded_request& r) { return r.method == "GET" && r.target == "/v1/models"; });
    return all;
}

// The list format of OpenAI's API reference (GET /v1/models), with its shutdown_date field.
scripted_response fake_openai::model_list() const {
    auto models = opts_.models;
    if (models.empty()) {
        for (const auto* id : {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5", "gpt-5-mini", "gpt-5-nano", "o3", "gpt-6-luna"}) {
            models[id] = nullptr;
        }
    }
    json data = json::array();
    for (const auto& [id, shutdown] : models) {
        data.push_back({{"id", id}, {"object", "model"}, {"created", 1'700'000'000}, {"owned_by", "system"}, {"shutdown_date", shutdown}});
    }
    return scripted_response{200, json{{"object", "list"}, {"data", data}}.dump(), {}};
}

scripted_response fake_openai::handle(const recorded_request& req) {
    if (req.method == "GET" && req.target == "/v1/models") {
        ++model_lists_;
        return model_list();
    }
    if (!req.target.ends_with("/chat/completions")) return handle_batch_api(req);
    const int now = ++in_flight_;
    for (int seen = max_in_flight_.load(); now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
    }
    struct leave {
        std::atomic<int>& n;
        ~leave() { --n; }
    } guard{in_flight_};

    // The reply is known before the wait, so the wait can depend on its length.
    auto a = answer_request(json::parse(req.body, nullptr, false), calls_++);
    const auto& call = a.call;
    auto wait = std::chrono::microseconds(opts_.delay);
    if (opts_.completion_tokens_per_second > 0) {
        wait += std::chrono::microseconds(static_cast<long long>(static_cast<double>(a.completion) / opts_.completion_tokens_per_second * 1e6));
    }
    if (wait.count() > 0) std::this_thread::sleep_for(wait);
    model_micros_ += wait.count();
    // Reasoning models refuse the classic sampling parameters, as OpenAI answers them.
    const auto model = call.request.is_object() ? call.request.value("model", std::string()) : std::string();
    if (model.starts_with("gpt-5") || model.starts_with("o1") || model.starts_with("o3") || model.starts_with("o4")) {
        const auto refuse = [&](const std::string& param, const std::string& message, const char* code) {
            return scripted_response{400, json{{"error", {{"message", message}, {"type", "invalid_request_error"}, {"param", param}, {"code", code}}}}.dump(),
                                     {{"Content-Type", "application/json"}}};
        };
        if (call.request.contains("max_tokens")) {
            return refuse("max_tokens", "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
                          "unsupported_parameter");
        }
        if (call.request.contains("temperature") && call.request["temperature"] != 1) {
            return refuse("temperature", "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.",
                          "unsupported_value");
        }
    }
    if (opts_.script) {
        if (auto scripted = opts_.script(call)) return *scripted;
    }
    prompt_tokens_ += a.prompt;
    cached_tokens_ += a.cached;
    completion_tokens_ += a.completion;
    return {200, completion_body(a.content, a.prompt, a.completion, a.cached, "stop", opts_.deepseek_usage),
            {{"Content-Type", "application/json"}}};
}

}  // namespace paperboy::test
