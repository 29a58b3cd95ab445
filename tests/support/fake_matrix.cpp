#include "support/fake_matrix.hpp"

#include "support/html_text.hpp"

#include <regex>

namespace paperboy::test {
using nlohmann::json;

namespace {

scripted_response error(unsigned status, const std::string& errcode, const std::string& message) {
    return {status, json{{"errcode", errcode}, {"error", message}}.dump(), {{"Content-Type", "application/json"}}};
}

const std::set<std::string>& matrix_tags() {
    static const std::set<std::string> tags{"font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol", "sup", "sub", "li",
                                            "b", "i", "u", "strong", "em", "s", "code", "hr", "br", "div", "table", "thead", "tbody", "tr", "th",
                                            "td", "caption", "pre", "span", "details", "summary"};
    return tags;
}

}  // namespace

fake_matrix::fake_matrix() : server([this](const recorded_request& r) { return answer(r); }) {}

std::vector<json> fake_matrix::events() const {
    std::lock_guard lock(mutex_);
    return events_;
}

std::vector<std::string> fake_matrix::titles() const {
    std::vector<std::string> out;
    for (const auto& e : events()) {
        for (auto& t : linked_titles(e["formatted_body"].get<std::string>(), matrix_tags())) out.push_back(std::move(t));
    }
    return out;
}

std::vector<std::string> fake_matrix::detected_entities() const {
    std::vector<std::string> out;
    static const std::regex own_links(R"(https://arxiv\.org/abs/\S+|http://127\.0\.0\.1\S*)");
    for (const auto& e : events()) {
        std::string err;
        const auto shown = shown_html_text(e["formatted_body"].get<std::string>(), matrix_tags(), {"br", "hr"}, err).value_or("");
        // The plain body carries our own arXiv and vote links as text; anything else is foreign.
        const auto body = std::regex_replace(e["body"].get<std::string>(), own_links, "");
        for (const auto* text : {&shown, &body}) {
            for (auto& x : auto_entities(*text)) out.push_back(std::move(x));
        }
        if (e["body"].get<std::string>().find("@room") != std::string::npos) out.push_back("@room");
    }
    return out;
}

scripted_response fake_matrix::answer(const recorded_request& req) {
    const auto body = json::parse(req.body, nullptr, false);
    int index = 0;
    {
        std::lock_guard lock(mutex_);
        index = count_++;
    }
    if (script) {
        if (auto r = script(index, body)) return *r;
    }
    const auto auth = req.headers.count("authorization") ? req.headers.at("authorization") : std::string();
    if (auth != std::string("Bearer ") + token) return error(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.");
    if (req.method == "GET" && req.target == "/_matrix/client/v3/account/whoami") return {200, R"({"user_id": "@paperboy:example.org"})", {}};
    // The room ids percent-encoded in the path, as the client-server API requires.
    std::string prefix;
    for (const auto* joined : {"/_matrix/client/v3/rooms/%21lab%3Aexample.org/send/m.room.message/",
                               "/_matrix/client/v3/rooms/%2131hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM/send/m.room.message/"}) {
        if (req.target.starts_with(joined)) prefix = joined;
    }
    if (req.method != "PUT") return error(405, "M_UNRECOGNIZED", "Unrecognized request");
    if (prefix.empty()) {
        return req.target.find("/rooms/") != std::string::npos ? error(403, "M_FORBIDDEN", "User @paperboy:example.org not in room") : error(404, "M_UNRECOGNIZED", "Unrecognized request");
    }
    const auto txn = req.target.substr(prefix.size());
    if (txn.empty() || txn.find('/') != std::string::npos) return error(400, "M_INVALID_PARAM", "bad transaction id");
    if (req.body.size() + 600 > 65536) return error(413, "M_TOO_LARGE", "event too large");
    if (!body.is_object() || body.value("msgtype", "") != "m.notice" || !body.contains("body") || !body["body"].is_string()) {
        return error(400, "M_BAD_JSON", "this fake expects m.notice with a body");
    }
    if (body.value("format", "") != "org.matrix.custom.html" || !body.contains("formatted_body") || body.value("m.mentions", json()) != json::object()) {
        return error(400, "M_BAD_JSON", "this fake expects formatted_body and an empty m.mentions");
    }
    std::string err;
    if (!shown_html_text(body["formatted_body"].get<std::string>(), matrix_tags(), {"br", "hr"}, err)) return error(400, "M_BAD_JSON", err);
    std::lock_guard lock(mutex_);
    if (const auto seen = by_txn_.find(txn); seen != by_txn_.end()) return {200, json{{"event_id", seen->second}}.dump(), {}};
    const auto event_id = "$event" + std::to_string(events_.size() + 1);
    by_txn_[txn] = event_id;
    events_.push_back(body);
    if (lose_answer.contains(index)) return {502, "<html>502 Bad Gateway</html>", {}};
    return {200, json{{"event_id", event_id}}.dump(), {}};
}

}  // namespace paperboy::test
