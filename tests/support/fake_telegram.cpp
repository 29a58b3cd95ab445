#include "support/fake_telegram.hpp"

#include "support/html_text.hpp"

#include <regex>
#include <set>

namespace paperboy::test {
using nlohmann::json;

namespace {

std::size_t utf16_length(const std::string& s) {
    std::size_t n = 0;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c & 0xC0) == 0x80) continue;
        n += c >= 0xF0 ? 2 : 1;
    }
    return n;
}

scripted_response error(int code, const std::string& description, json parameters = nullptr) {
    json body{{"ok", false}, {"error_code", code}, {"description", description}};
    if (!parameters.is_null()) body["parameters"] = parameters;
    return {static_cast<unsigned>(code), body.dump(), {{"Content-Type", "application/json"}}};
}

}  // namespace

std::optional<std::string> telegram_parse_html(const std::string& html, std::string& err) {
    static const std::set<std::string> allowed{"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler", "span"};
    return shown_html_text(html, allowed, {}, err);
}

fake_telegram::fake_telegram() : server([this](const recorded_request& r) { return answer(r); }) {}

std::vector<json> fake_telegram::accepted() const {
    std::lock_guard lock(mutex_);
    return accepted_;
}

std::vector<std::string> fake_telegram::titles() const {
    static const std::set<std::string> allowed{"b", "i", "a", "blockquote"};
    std::vector<std::string> out;
    for (const auto& m : accepted()) {
        for (auto& t : linked_titles(m["text"].get<std::string>(), allowed)) out.push_back(std::move(t));
    }
    return out;
}

std::vector<std::string> fake_telegram::detected_entities() const {
    std::vector<std::string> out;
    for (const auto& m : accepted()) {
        std::string err;
        for (auto& e : auto_entities(telegram_parse_html(m["text"].get<std::string>(), err).value_or(""))) out.push_back(std::move(e));
    }
    return out;
}

scripted_response fake_telegram::answer(const recorded_request& req) {
    const auto body = json::parse(req.body, nullptr, false);
    int index = 0;
    {
        std::lock_guard lock(mutex_);
        index = count_++;
    }
    if (script) {
        if (auto r = script(index, body)) return *r;
    }
    const std::string prefix = "/bot" + std::string(token) + "/";
    if (!req.target.starts_with(prefix)) return error(401, "Unauthorized");
    const auto method = req.target.substr(prefix.size());
    if (method == "getMe") return {200, R"({"ok": true, "result": {"id": 123456789, "is_bot": true, "first_name": "paperboy", "username": "paperboy_bot"}})", {}};
    if (method != "sendMessage") return error(404, "Not Found: method not found");
    if (!body.is_object() || !body.contains("chat_id")) return error(400, "Bad Request: chat_id is empty");
    if (body["chat_id"] != "-1001234567890" && body["chat_id"] != "@paperboy_lab") return error(400, "Bad Request: chat not found");
    if (!body.contains("text") || !body["text"].is_string() || body["text"].get<std::string>().empty()) return error(400, "Bad Request: message text is empty");
    if (body.value("parse_mode", "") != "HTML") return error(400, "Bad Request: this fake expects parse_mode HTML");
    std::string err;
    const auto shown = telegram_parse_html(body["text"].get<std::string>(), err);
    if (!shown) return error(400, err);
    if (utf16_length(*shown) > 4096) return error(400, "Bad Request: message is too long");
    std::lock_guard lock(mutex_);
    accepted_.push_back(body);
    return {200, json{{"ok", true}, {"result", {{"message_id", 100 + accepted_.size()}, {"chat", {{"id", -1001234567890LL}}}, {"text", *shown}}}}.dump(), {}};
}

}  // namespace paperboy::test
