#include "support/fake_chat.hpp"

#include <regex>

namespace paperboy::test {
using nlohmann::json;

namespace {

std::size_t chars(const std::string& s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

// Slack rejects the whole message when any block breaks a limit.
std::optional<std::string> slack_violation(const json& body) {
    if (!body.is_object() || !body.contains("blocks") || !body["blocks"].is_array()) return "invalid_payload";
    if (!body.contains("text")) return "invalid_payload";
    if (body["blocks"].size() > 50) return "invalid_blocks";
    for (const auto& b : body["blocks"]) {
        const auto type = b.value("type", "");
        if (type == "header" && chars(b["text"]["text"].get<std::string>()) > 150) return "invalid_blocks";
        if (type == "section" && chars(b["text"]["text"].get<std::string>()) > 3000) return "invalid_blocks";
    }
    return std::nullopt;
}

std::optional<std::string> discord_violation(const json& body) {
    if (!body.is_object()) return "Cannot send an empty message";
    if (!body.contains("allowed_mentions") || body["allowed_mentions"] != json{{"parse", json::array()}}) return "allowed_mentions missing";
    if (body.contains("content") && chars(body["content"].get<std::string>()) > 2000) return "content too long";
    const auto embeds = body.value("embeds", json::array());
    if (embeds.size() > 10) return "Must be 10 or fewer in length.";
    std::size_t total = 0;
    for (const auto& e : embeds) {
        const auto title = e.value("title", "");
        const auto description = e.value("description", "");
        if (chars(title) > 256) return "title must be 256 or fewer in length";
        if (chars(description) > 4096) return "description must be 4096 or fewer in length";
        total += chars(title) + chars(description);
        if (e.contains("author")) total += chars(e["author"].value("name", ""));
        if (e.contains("footer")) total += chars(e["footer"].value("text", ""));
    }
    if (total > 6000) return "Embed size exceeds maximum size of 6000";
    return std::nullopt;
}

}  // namespace

fake_chat::fake_chat(kind k) : kind_(k), server([this](const recorded_request& r) { return handle(r); }) {}

std::vector<json> fake_chat::accepted() const {
    std::lock_guard lock(mutex_);
    return accepted_;
}

std::vector<std::string> fake_chat::titles() const {
    std::vector<std::string> out;
    static const std::regex slack_link(R"(\*<https://(?:arxiv\.org/abs/|www\.(?:bio|med)rxiv\.org/content/)[^|]+\|(\d+\. [^>]*)>\*)");
    for (const auto& body : accepted()) {
        if (kind_ == kind::discord) {
            for (const auto& e : body.value("embeds", json::array())) out.push_back(e.value("title", ""));
        } else {
            for (const auto& b : body["blocks"]) {
                if (b.value("type", "") != "section") continue;
                const std::string text = b["text"]["text"];
                std::smatch m;
                if (std::regex_search(text, m, slack_link)) out.push_back(m[1]);
            }
        }
    }
    return out;
}

void fake_chat::react(const std::string& message, const std::string& emoji, long count) {
    std::lock_guard lock(mutex_);
    reactions_[message][emoji] = count;
}

int fake_chat::rate_limited() const {
    std::lock_guard lock(mutex_);
    return rate_limited_;
}

std::vector<std::string> fake_chat::message_ids() const {
    std::vector<std::string> out;
    const auto n = accepted().size();
    for (std::size_t i = 1; i <= n; ++i) out.push_back(kind_ == kind::discord ? std::to_string(1000 + i) : std::to_string(1700000000 + i) + ".000100");
    return out;
}

// reactions.get (Slack) or GET /channels/42/messages/ID (Discord), rate-limited; nullopt when
// the request is neither.
std::optional<scripted_response> fake_chat::reaction_read(const recorded_request& req) {
    const bool slack = kind_ == kind::slack_api && req.method == "GET" && req.target.find("/reactions.get?") != std::string::npos;
    const bool discord = kind_ == kind::discord && req.method == "GET" && req.target.find("/channels/") != std::string::npos;
    if (!slack && !discord) return std::nullopt;
    const auto auth = req.headers.count("authorization") ? req.headers.at("authorization") : std::string();
    if (slack && auth != "Bearer xoxb-good") return scripted_response{200, R"({"ok": false, "error": "invalid_auth"})", {}};
    if (discord && auth != "Bot bot-good") return scripted_response{401, R"({"message": "401: Unauthorized", "code": 0})", {}};
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(reads_, [&](auto t) { return now - t >= reaction_window; });
    if (static_cast<int>(reads_.size()) >= reaction_burst) {
        ++rate_limited_;
        const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(reaction_window - (now - reads_.front())).count() + 1;
        const auto seconds = std::to_string((wait_ms + 999) / 1000);
        if (slack) return scripted_response{429, R"({"ok": false, "error": "ratelimited"})", {{"Retry-After", seconds}}};
        return scripted_response{429, json{{"message", "You are being rate limited."}, {"retry_after", wait_ms / 1000.0}, {"global", false}}.dump(),
                                 {{"Retry-After", seconds}, {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset-After", std::to_string(wait_ms / 1000.0)}}};
    }
    reads_.push_back(now);
    std::string id;
    if (slack) {
        const auto at = req.target.find("timestamp=");
        id = req.target.substr(at + 10, req.target.find('&', at) - at - 10);
    } else {
        id = req.target.substr(req.target.rfind('/') + 1);
        if (req.target.find("/channels/42/messages/") == std::string::npos) return scripted_response{404, R"({"message": "Unknown Channel", "code": 10003})", {}};
    }
    json list = json::array();
    if (const auto it = reactions_.find(id); it != reactions_.end()) {
        for (const auto& [name, count] : it->second) {
            list.push_back(slack ? json{{"name", name}, {"count", count}, {"users", json::array()}}
                                 : json{{"count", count}, {"me", false}, {"emoji", {{"id", nullptr}, {"name", name}}}});
        }
    }
    if (slack) return scripted_response{200, json{{"ok", true}, {"type", "message"}, {"channel", "C1"}, {"message", {{"ts", id}, {"reactions", list}}}}.dump(), {}};
    return scripted_response{200, json{{"id", id}, {"channel_id", "42"}, {"reactions", list}}.dump(), {}};
}

scripted_response fake_chat::handle(const recorded_request& req) {
    auto r = answer(req);
    r.delay += latency;
    return r;
}

scripted_response fake_chat::answer(const recorded_request& req) {
    const auto body = json::parse(req.body, nullptr, false);
    int index = 0;
    {
        std::lock_guard lock(mutex_);
        index = count_++;
    }
    if (script) {
        if (auto r = script(index, body)) return *r;
    }
    // Discord's API as versioned in its reference (v10); an unversioned path gets a version
    // that changes under the plugin.
    if (kind_ == kind::discord && !req.target.starts_with("/api/v10/")) return {404, R"({"message": "404: Not Found", "code": 0})", {}};
    if (auto r = reaction_read(req)) return *r;
    // The services' harmless calls, as check --probe uses them; they post nothing.
    if (kind_ == kind::discord && req.method == "GET") {
        return {200, json{{"id", "1"}, {"type", 1}, {"name", "paperboy"}, {"channel_id", "42"}, {"guild_id", "7"}}.dump(), {}};
    }
    if (kind_ == kind::slack_api && req.target.ends_with("/auth.test")) {
        if (req.headers.count("authorization") == 0 || req.headers.at("authorization") != "Bearer xoxb-good") {
            return {200, R"({"ok": false, "error": "invalid_auth"})", {}};
        }
        return {200, R"({"ok": true, "url": "https://lab.slack.com/", "team": "Lab", "user": "paperboy", "team_id": "T1", "user_id": "U1"})", {}};
    }
    if (kind_ == kind::discord) {
        if (req.target.find("wait=true") == std::string::npos) return {400, R"({"message": "wait=true expected by this test"})", {}};
        if (auto v = discord_violation(body)) {
            return {400, json{{"code", 50035}, {"message", "Invalid Form Body"}, {"errors", {{"embeds", *v}}}}.dump(), {}};
        }
        std::lock_guard lock(mutex_);
        accepted_.push_back(body);
        return {200, json{{"id", std::to_string(1000 + accepted_.size())}, {"channel_id", "42"}}.dump(), {{"Content-Type", "application/json"}}};
    }
    if (auto v = slack_violation(body)) {
        if (kind_ == kind::slack_webhook) return {400, *v, {}};
        return {200, json{{"ok", false}, {"error", *v}}.dump(), {}};
    }
    if (kind_ == kind::slack_api && req.headers.count("authorization") == 0) return {200, R"({"ok": false, "error": "not_authed"})", {}};
    std::lock_guard lock(mutex_);
    accepted_.push_back(body);
    if (kind_ == kind::slack_webhook) return {200, "ok", {{"Content-Type", "text/html"}}};
    return {200, json{{"ok", true}, {"channel", "C1"}, {"ts", std::to_string(1700000000 + accepted_.size()) + ".000100"}}.dump(), {}};
}

}  // namespace paperboy::test
