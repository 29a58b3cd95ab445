#include "teams_format.hpp"

#include "inert_html.hpp"

namespace paperboy::teams {
using nlohmann::json;

namespace {

// Control characters as spaces, cut to `max`: a TextRun needs no other escaping.
std::string plain(std::string_view text, std::size_t max) {
    return chat::escape_and_cut(text, max, [](std::string_view unit) {
        return unit.size() == 1 && static_cast<unsigned char>(unit[0]) < 0x20 ? std::string(" ") : std::string(unit);
    });
}

json line(std::string text, bool bold = false, bool subtle = false) {
    json run{{"type", "TextRun"}, {"text", std::move(text)}};
    if (bold) run["weight"] = "Bolder";
    if (subtle) run["isSubtle"] = true;
    return {{"type", "RichTextBlock"}, {"inlines", json::array({std::move(run)})}};
}

json open_url(std::string title, std::string url) { return {{"type", "Action.OpenUrl"}, {"title", std::move(title)}, {"url", std::move(url)}}; }

json paper_container(const json& p, const settings& s) {
    json items = json::array();
    items.push_back(line(std::to_string(p["rank"].get<int>()) + ". " + plain(p["title"].get<std::string>(), 300), true));
    if (const auto authors = chat::join_authors(p["authors"]); !authors.empty()) items.push_back(line(plain(authors, 200), false, true));
    items.push_back(line(chat::scores_line(p)));
    if (const auto comment = p.value("comment", std::string()); !comment.empty() && !p.value("author_match", false)) items.push_back(line(plain(comment, 400)));
    const auto tldr = p.contains("tldr") && p["tldr"].is_string() ? p["tldr"].get<std::string>() : std::string();
    if (!tldr.empty()) items.push_back(line("TL;DR: " + plain(tldr, 600)));
    else if (s.abstract_chars > 0) items.push_back(line(plain(p["abstract"].get<std::string>(), s.abstract_chars)));
    // Links paperboy builds: the paper's server's from a checked id, the vote links only when they are http(s).
    const auto links = chat::links(p);
    json actions = json::array({open_url(links.source, links.abs), open_url("PDF", links.pdf)});
    if (chat::http_url(p, "vote_up_url") && chat::http_url(p, "vote_down_url")) {
        actions.push_back(open_url("\xF0\x9F\x91\x8D More like this", p["vote_up_url"]));
        actions.push_back(open_url("\xF0\x9F\x91\x8E Less like this", p["vote_down_url"]));
    }
    items.push_back({{"type", "ActionSet"}, {"actions", std::move(actions)}});
    return {{"type", "Container"}, {"separator", true}, {"spacing", "Medium"}, {"items", std::move(items)}};
}

json message(json body) {
    return {{"type", "message"},
            {"attachments", json::array({{{"contentType", "application/vnd.microsoft.card.adaptive"},
                                          {"contentUrl", nullptr},
                                          {"content", {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                                                       {"type", "AdaptiveCard"},
                                                       {"version", "1.4"},
                                                       {"msteams", {{"width", "Full"}}},
                                                       {"body", std::move(body)}}}}})}};
}

std::size_t bytes(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace).size(); }

}  // namespace

settings parse_settings(std::string_view config_json) {
    const auto j = chat::config_object(config_json, {"webhook_url"}, "teams");
    settings s;
    if (!j.contains("webhook_url")) throw std::invalid_argument("webhook_url: required (the address of a Teams Workflows webhook trigger)");
    s.webhook_url = chat::string_key(j, "webhook_url");
    const bool http = s.webhook_url.starts_with("https://") || s.webhook_url.starts_with("http://");
    if (!http || s.webhook_url.find("/workflows/") == std::string::npos || s.webhook_url.find("/triggers/") == std::string::npos) {
        throw std::invalid_argument(
            "webhook_url: expected a Workflows trigger address, https://...logic.azure.com/workflows/.../triggers/manual/paths/invoke?... "
            "(Teams: ... on the channel > Workflows > \"Post to a channel when a webhook request is received\"; Office 365 connectors are retired)");
    }
    chat::read_common(j, s, 2000);
    return s;
}

std::vector<json> build_messages(const json& digest, const settings& s) {
    const auto count = digest["papers"].size();
    json head = json::array();
    head.push_back(line("paperboy \xC2\xB7 " + plain(digest.value("date", std::string()), 20) + " \xC2\xB7 " + std::to_string(count) +
                            (count == 1 ? " paper" : " papers") + " for " + plain(digest.value("profile", std::string()), 60),
                        true));
    if (const auto notice = chat::incomplete_text(digest); !notice.empty()) {
        auto warn = line("\xE2\x9A\xA0\xEF\xB8\x8F " + plain(notice, 900), true);
        warn["inlines"][0]["color"] = "Attention";
        head.push_back(std::move(warn));
    }
    head.push_back(line(plain(chat::usage_line(digest), 300), false, true));
    std::vector<json> messages;
    json body = head;
    std::size_t sent = 0;
    for (const auto& p : digest["papers"]) {
        if (s.top_n > 0 && sent >= static_cast<std::size_t>(s.top_n)) break;
        auto paper = paper_container(p, s);
        auto more = body;
        more.push_back(paper);
        if (bytes(message(more)) > max_body_bytes && body.size() > head.size()) {
            messages.push_back(message(std::move(body)));
            body = json::array({std::move(paper)});
        } else {
            body = std::move(more);
        }
        ++sent;
    }
    messages.push_back(message(std::move(body)));
    return messages;
}

answer interpret(int http_status, const json& headers, std::string_view body) {
    answer a;
    if (http_status == 200 || http_status == 202) return a;
    const auto parsed = json::parse(body, nullptr, false);
    std::string msg;
    if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
        const auto& e = parsed["error"];
        msg = e.value("code", std::string()) + (e.contains("message") && e["message"].is_string() ? ": " + e["message"].get<std::string>() : "");
    } else {
        msg = std::string(body);
    }
    a.error = "Teams answered HTTP " + std::to_string(http_status) + ": " + chat::truncate(plain(msg, 600), 300);
    if (http_status == 401 || http_status == 403 || http_status == 404) {
        a.error += " (check webhook_url: copy the flow's address again, with its sig parameter)";
    }
    if (http_status == 429) {
        a.status = PB_TRANSIENT;
        a.retry_after_ms = 5000;
        if (headers.is_object() && headers.contains("retry-after") && headers["retry-after"].is_string()) {
            if (auto ms = chat::seconds_to_ms(headers["retry-after"].get<std::string>())) a.retry_after_ms = *ms;
        }
    } else {
        a.status = http_status >= 500 ? PB_TRANSIENT : PB_PERMANENT;
    }
    return a;
}

}  // namespace paperboy::teams
