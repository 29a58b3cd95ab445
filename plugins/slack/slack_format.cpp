#include "slack_format.hpp"

#include "chat_common.hpp"

#include <cctype>
#include <stdexcept>

namespace paperboy::slack {
using nlohmann::json;

settings parse_settings(std::string_view config_json) {
    const auto j = chat::config_object(config_json, {"webhook_url", "token", "channel", "api_url", "thread", "reactions", "reactions_interval_ms", "seconds_between_messages"}, "slack");
    auto str = [&](const char* key) { return chat::string_key(j, key); };
    settings s;
    if (j.contains("webhook_url")) s.webhook_url = str("webhook_url");
    if (j.contains("token")) s.token = str("token");
    if (j.contains("channel")) s.channel = str("channel");
    if (j.contains("api_url")) s.api_url = str("api_url");
    if (s.webhook_url.empty() == s.token.empty()) throw std::invalid_argument("webhook_url: give either webhook_url or token (with channel)");
    if (!s.token.empty() && s.channel.empty()) throw std::invalid_argument("channel: required with token");
    for (const auto* url : {&s.webhook_url, &s.api_url}) {
        if (!url->empty() && !url->starts_with("https://") && !url->starts_with("http://")) {
            throw std::invalid_argument(std::string(url == &s.webhook_url ? "webhook_url" : "api_url") + ": must be an https:// URL");
        }
    }
    if (s.token.find_first_of("\r\n") != std::string::npos) throw std::invalid_argument("token: contains a line break");
    if (j.contains("thread")) {
        if (!j["thread"].is_boolean()) throw std::invalid_argument("thread: expected true or false");
        s.thread = j["thread"].get<bool>();
        if (s.thread && !s.bot()) throw std::invalid_argument("thread: needs token and channel (webhooks cannot reply in threads)");
    }
    if (j.contains("reactions")) {
        if (!j["reactions"].is_boolean()) throw std::invalid_argument("reactions: expected true or false");
        s.reactions = j["reactions"].get<bool>();
        if (s.reactions && !s.thread) throw std::invalid_argument("reactions: needs thread (each paper its own reply, for its own reactions)");
    }
    if (j.contains("reactions_interval_ms")) {
        if (!j["reactions_interval_ms"].is_number_integer() || j["reactions_interval_ms"].get<long>() < 0 || j["reactions_interval_ms"].get<long>() > 60'000) {
            throw std::invalid_argument("reactions_interval_ms: expected 0 to 60000");
        }
        s.reactions_interval_ms = j["reactions_interval_ms"].get<long>();
    }
    if (j.contains("seconds_between_messages")) {
        const auto& v = j["seconds_between_messages"];
        if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 60) throw std::invalid_argument("seconds_between_messages: expected a number from 0 to 60");
        s.pause_ms = static_cast<long>(v.get<double>() * 1000);
    }
    chat::read_common(j, s, 2500);
    return s;
}

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\r': case '\n': case '\t': out.push_back(' '); break;
            default: out.push_back(c);
        }
    }
    return out;
}

namespace {

// Callers build section text within max_section_text themselves (escape_and_cut with budgets),
// so nothing is cut here, where a cut could land inside a link or an entity.
json section(std::string text) { return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(text)}}}}; }

const json divider{{"type", "divider"}};

std::string cut(std::string_view text, std::size_t max) {
    return chat::escape_and_cut(text, max, [](std::string_view unit) { return escape(unit); });
}

std::string paper_text(const json& p, const settings& s) {
    // Link text is escaped; a '|' would end the URL part only before it, so it is safe after.
    std::string text = "*<" + chat::links(p).abs + "|" + std::to_string(p["rank"].get<int>()) + ". " +
                       cut(p["title"].get<std::string>(), 400) + ">*\n";
    text += cut(chat::join_authors(p["authors"]), 500) + "\n";
    text += "*" + escape(chat::scores_line(p)) + "*";
    if (const auto comment = p.value("comment", std::string()); !comment.empty() && !p.value("author_match", false)) {
        text += "\n_" + cut(comment, 500) + "_";
    }
    const auto used = chat::length(text) + 1;
    const auto room = used < max_section_text ? max_section_text - used : 0;
    // A TL;DR (report.tldr) reads in seconds; the abstract stays in email and the archive.
    const auto tldr = p.contains("tldr") && p["tldr"].is_string() ? p["tldr"].get<std::string>() : std::string();
    if (!tldr.empty() && room > 8) text += "\n*TL;DR:* " + cut(tldr, room - 8);
    else if (s.abstract_chars > 0 && room > 1) text += "\n" + cut(p["abstract"].get<std::string>(), std::min(s.abstract_chars, room));
    return text;
}

// The incomplete-scoring notice as the first block of a digest, or nothing.
std::optional<json> notice_block(const json& digest) {
    const auto notice = chat::incomplete_text(digest);
    if (notice.empty()) return std::nullopt;
    return section(":warning: *" + cut(notice, max_section_text - 20) + "*");
}

}  // namespace

message_plan build_messages(const json& digest, const settings& s) {
    message_plan plan;
    const auto count = digest["papers"].size();
    const auto date = digest.value("date", std::string());
    const auto heading = chat::truncate("paperboy \xC2\xB7 " + date + " \xC2\xB7 " + std::to_string(count) + (count == 1 ? " paper" : " papers"),
                                        max_header_text);
    const json header{{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", heading}}}};
    std::string context_text = escape(digest.value("profile", std::string()) + " \xC2\xB7 " + chat::usage_line(digest));
    if (digest.contains("web_url") && digest["web_url"].is_string()) {
        context_text += " \xC2\xB7 <" + escape(digest["web_url"].get<std::string>()) + "|web page>";
    }
    const json context{{"type", "context"}, {"elements", {{{"type", "mrkdwn"}, {"text", context_text}}}}};

    std::vector<json> papers;
    for (const auto& p : digest["papers"]) {
        if (s.top_n > 0 && papers.size() >= static_cast<std::size_t>(s.top_n)) break;
        papers.push_back(p);
    }

    json blocks = json::array({header, context, divider});
    const auto notice = notice_block(digest);
    if (notice) blocks.insert(blocks.begin(), *notice);
    const std::string prefix = notice ? "[incomplete] " : "";
    if (s.thread) {
        // The parent lists the titles; the papers go in its thread.
        std::string list;
        for (const auto& p : papers) {
            auto line = std::to_string(p["rank"].get<int>()) + ". <" + chat::links(p).abs + "|" +
                        cut(p["title"].get<std::string>(), 200) + ">\n";
            if (list.size() + line.size() > max_section_text - 100 || blocks.size() >= max_blocks) break;
            list += line;
        }
        if (!list.empty()) blocks.push_back(section(list));
        if (papers.size() > 0) blocks.push_back({{"type", "context"}, {"elements", {{{"type", "mrkdwn"}, {"text", "Details in the thread."}}}}});
        plan.messages.push_back({{"text", prefix + heading}, {"blocks", std::move(blocks)}});
        plan.first_is_thread_parent = true;
        blocks = json::array();
    }
    std::size_t part = 1;
    for (const auto& p : papers) {
        if (blocks.size() + 2 > max_blocks || (s.reactions && !blocks.empty())) {
            plan.messages.push_back({{"text", prefix + heading + " (part " + std::to_string(part++) + ")"}, {"blocks", std::move(blocks)}});
            blocks = json::array();
        }
        blocks.push_back(section(paper_text(p, s)));
        blocks.push_back(divider);
    }
    if (!blocks.empty() || plan.messages.empty()) {
        plan.messages.push_back({{"text", prefix + heading + (part > 1 ? " (part " + std::to_string(part) + ")" : "")}, {"blocks", std::move(blocks)}});
    }
    return plan;
}

namespace {
std::optional<long> retry_after(const json& headers) {
    if (headers.contains("retry-after") && headers["retry-after"].is_string()) return chat::seconds_to_ms(headers["retry-after"].get<std::string>());
    return std::nullopt;
}
}  // namespace

answer interpret_webhook(int http_status, std::string_view body, const json& headers) {
    answer a;
    if (http_status == 200) return a;
    a.error = "Slack answered HTTP " + std::to_string(http_status) + ": " + chat::truncate(std::string(body), 200);
    if (http_status == 429) {
        a.status = PB_TRANSIENT;
        a.retry_after_ms = retry_after(headers);
    } else {
        a.status = http_status >= 500 ? PB_TRANSIENT : PB_PERMANENT;
    }
    return a;
}

answer interpret_api(int http_status, std::string_view body, const json& headers) {
    answer a;
    const auto parsed = json::parse(body, nullptr, false);
    if (http_status == 200 && parsed.is_object() && parsed.value("ok", false)) {
        a.ts = parsed.value("ts", std::string());
        return a;
    }
    const auto error = parsed.is_object() ? parsed.value("error", std::string()) : std::string();
    a.error = "Slack answered HTTP " + std::to_string(http_status) + ": " + (error.empty() ? chat::truncate(std::string(body), 200) : error);
    if (http_status == 429 || error == "ratelimited") {
        a.status = PB_TRANSIENT;
        a.retry_after_ms = retry_after(headers);
    } else if (http_status >= 500 || error == "internal_error" || error == "service_unavailable" || error == "request_timeout") {
        a.status = PB_TRANSIENT;
    } else {
        a.status = PB_PERMANENT;
    }
    return a;
}


std::string reactions_url(const settings& s, std::string_view ts) {
    return s.api_url + "/reactions.get?channel=" + chat::url_encoded(s.channel) + "&timestamp=" + chat::url_encoded(ts) + "&full=true";
}

reactions_answer interpret_reactions(int http_status, std::string_view body, const json& headers) {
    reactions_answer r;
    const auto a = interpret_api(http_status, body, headers);
    r.status = a.status;
    r.error = a.error;
    r.retry_after_ms = a.retry_after_ms;
    if (a.status != PB_OK) return r;
    const auto parsed = json::parse(body, nullptr, false);
    const auto& message = parsed.contains("message") && parsed["message"].is_object() ? parsed["message"] : json::object();
    for (const auto& x : message.value("reactions", json::array())) {
        if (!x.is_object() || !x.contains("name") || !x["name"].is_string() || !x.contains("count") || !x["count"].is_number_integer()) continue;
        r.reactions.emplace_back(x["name"].get<std::string>(), x["count"].get<long>());
    }
    return r;
}

std::vector<std::string> single_paper_messages(const message_plan& plan, const json& digest, const settings& s) {
    std::vector<std::string> out(plan.messages.size());
    if (!s.reactions) return out;
    // With reactions, the thread's replies are the papers in order, one each.
    std::size_t index = 1;
    for (const auto& p : digest["papers"]) {
        if (s.top_n > 0 && index > static_cast<std::size_t>(s.top_n)) break;
        if (index >= out.size()) break;
        out[index++] = chat::paper_id(p);
    }
    return out;
}

}  // namespace paperboy::slack
