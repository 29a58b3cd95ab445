#include "discord_format.hpp"

#include "chat_common.hpp"

#include <regex>
#include <stdexcept>

namespace paperboy::discord {
using nlohmann::json;

namespace {

// Discord serves an unversioned /api as its default version, which moves on: every call names
// the version this plugin was written for.
std::string versioned(const std::string& url) {
    static const std::regex api(R"(/api(/v[0-9]+)?/webhooks/)");
    return std::regex_replace(url, api, "/api/v" + std::to_string(api_version) + "/webhooks/", std::regex_constants::format_first_only);
}

}  // namespace

settings parse_settings(std::string_view config_json) {
    const auto j = chat::config_object(config_json, {"webhook_url", "thread_id", "username", "avatar_url", "bot_token"}, "discord");
    auto str = [&](const char* key) { return chat::string_key(j, key); };
    settings s;
    if (!j.contains("webhook_url")) throw std::invalid_argument("webhook_url: required");
    s.webhook_url = str("webhook_url");
    if (!s.webhook_url.starts_with("https://") && !s.webhook_url.starts_with("http://")) {
        throw std::invalid_argument("webhook_url: must be an https:// URL");
    }
    if (s.webhook_url.find('?') != std::string::npos) throw std::invalid_argument("webhook_url: give thread_id as its own key, not in the URL");
    s.webhook_url = versioned(s.webhook_url);
    if (j.contains("thread_id")) s.thread_id = str("thread_id");
    if (s.thread_id.find_first_not_of("0123456789") != std::string::npos) throw std::invalid_argument("thread_id: expected a numeric id");
    if (j.contains("username")) s.username = str("username");
    if (j.contains("avatar_url")) s.avatar_url = str("avatar_url");
    if (j.contains("bot_token")) s.bot_token = str("bot_token");
    if (s.bot_token.find_first_of("\r\n") != std::string::npos) throw std::invalid_argument("bot_token: contains a line break");
    if (s.reactions() && s.webhook_url.find("/webhooks/") == std::string::npos) {
        throw std::invalid_argument("webhook_url: with bot_token it must be an execute-webhook URL (.../api/webhooks/<id>/<token>)");
    }
    chat::read_common(j, s, 3500);
    return s;
}

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '\\': case '*': case '_': case '~': case '`': case '|': case '>': case '#': case '[': case ']': case '(': case ')':
                out.push_back('\\');
                out.push_back(c);
                break;
            case '@':
                out += "@\xE2\x80\x8B";  // a zero-width space keeps @everyone from reading as a mention
                break;
            case '\r': case '\n': case '\t':
                out.push_back(' ');
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

namespace {

std::size_t embed_chars(const json& e) {
    std::size_t n = 0;
    if (e.contains("title")) n += chat::length(e["title"].get<std::string>());
    if (e.contains("description")) n += chat::length(e["description"].get<std::string>());
    if (e.contains("author")) n += chat::length(e["author"]["name"].get<std::string>());
    if (e.contains("footer")) n += chat::length(e["footer"]["text"].get<std::string>());
    return n;
}

std::string cut(std::string_view text, std::size_t max) {
    return chat::escape_and_cut(text, max, [](std::string_view unit) { return escape(unit); });
}

json paper_embed(const json& p, const settings& s) {
    // Each text is escaped, then cut to its limit: a title cut before escaping could grow past
    // Discord's 256 characters, and the message would be refused.
    const auto title = cut(std::to_string(p["rank"].get<int>()) + ". " + p["title"].get<std::string>(), max_title);
    std::string description = "**" + escape(chat::scores_line(p)) + "**";
    if (const auto comment = p.value("comment", std::string()); !comment.empty() && !p.value("author_match", false)) {
        description += "\n*" + cut(comment, 500) + "*";
    }
    const auto used = chat::length(description) + 2;
    // A TL;DR (report.tldr) reads in seconds; the abstract stays in email and the archive.
    const auto tldr = p.contains("tldr") && p["tldr"].is_string() ? p["tldr"].get<std::string>() : std::string();
    if (!tldr.empty() && used + 12 < max_description) {
        description += "\n\n**TL;DR:** " + cut(tldr, max_description - used - 12);
    } else if (s.abstract_chars > 0 && used + 1 < max_description) {
        description += "\n\n" + cut(p["abstract"].get<std::string>(), std::min(s.abstract_chars, max_description - used));
    }
    const auto id = chat::paper_id(p);
    json e{{"title", title},
           {"url", chat::links(p).abs},
           {"description", description},
           {"author", {{"name", cut(chat::join_authors(p["authors"]), 256)}}},
           {"footer", {{"text", sdk::is_preprint_id(id) ? id : "arXiv:" + id}}},  // read back by single_paper_messages
           {"color", p.value("author_match", false) ? 0xE67E22 : 0x2F80ED}};
    return e;
}

json new_message(const settings& s) {
    json m{{"allowed_mentions", {{"parse", json::array()}}}, {"embeds", json::array()}};
    if (!s.username.empty()) m["username"] = s.username;
    if (!s.avatar_url.empty()) m["avatar_url"] = s.avatar_url;
    return m;
}

}  // namespace

std::vector<json> build_messages(const json& digest, const settings& s) {
    std::vector<json> messages;
    auto current = new_message(s);
    const auto count = digest["papers"].size();
    const auto notice = chat::incomplete_text(digest);
    // The notice comes first and is cut on its own, so the limit never splits an escape.
    const auto notice_line = notice.empty() ? std::string() : "\xE2\x9A\xA0\xEF\xB8\x8F **" + cut(notice, 900) + "**\n";
    current["content"] = notice_line + chat::truncate("**paperboy** \xC2\xB7 " + digest.value("date", std::string()) + " \xC2\xB7 " +
                                            std::to_string(count) + (count == 1 ? " paper" : " papers") + " for " +
                                            escape(digest.value("profile", std::string())) + "\n" + escape(chat::usage_line(digest)) +
                                            (digest.contains("web_url") && digest["web_url"].is_string()
                                                 ? "\n<" + digest["web_url"].get<std::string>() + ">"
                                                 : std::string()),
                                        max_content - 1000);
    std::size_t chars = 0;
    std::size_t sent = 0;
    for (const auto& p : digest["papers"]) {
        if (s.top_n > 0 && sent >= static_cast<std::size_t>(s.top_n)) break;
        auto e = paper_embed(p, s);
        const auto n = embed_chars(e);
        if (current["embeds"].size() >= (s.reactions() ? 1 : max_embeds) || chars + n > max_message_chars) {
            messages.push_back(std::move(current));
            current = new_message(s);
            chars = 0;
        }
        chars += n;
        current["embeds"].push_back(std::move(e));
        ++sent;
    }
    if (!current["embeds"].empty() || messages.empty()) messages.push_back(std::move(current));
    return messages;
}

std::string endpoint(const settings& s) {
    return s.webhook_url + "?wait=true" + (s.thread_id.empty() ? "" : "&thread_id=" + s.thread_id);
}

answer interpret(int http_status, std::string_view body, const json& headers) {
    answer a;
    const auto parsed = json::parse(body, nullptr, false);
    if (http_status == 200 || http_status == 204) {
        if (parsed.is_object() && parsed.contains("id")) a.message_id = parsed["id"].is_string() ? parsed["id"].get<std::string>() : parsed["id"].dump();
        return a;
    }
    std::string message = parsed.is_object() ? parsed.value("message", std::string()) : std::string();
    if (parsed.is_object() && parsed.contains("code")) message = "code " + parsed["code"].dump() + ": " + message;
    if (parsed.is_object() && parsed.contains("errors")) message += " " + chat::truncate(parsed["errors"].dump(), 300);
    if (message.empty()) message = chat::truncate(std::string(body), 200);
    a.error = "Discord answered HTTP " + std::to_string(http_status) + ": " + message;
    if (http_status == 429) {
        a.status = PB_TRANSIENT;
        if (parsed.is_object() && parsed.contains("retry_after") && parsed["retry_after"].is_number()) {
            if (const auto ms = sdk::clamp_ms(parsed["retry_after"].get<double>() * 1000)) a.retry_after_ms = static_cast<long>(*ms);
        } else if (headers.contains("retry-after") && headers["retry-after"].is_string()) {
            a.retry_after_ms = chat::seconds_to_ms(headers["retry-after"].get<std::string>());
        }
    } else if (http_status >= 500) {
        a.status = PB_TRANSIENT;
    } else {
        a.status = PB_PERMANENT;
    }
    return a;
}

std::vector<std::string> single_paper_messages(const std::vector<json>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) {
        const auto embeds = m.value("embeds", json::array());
        std::string id;
        if (embeds.size() == 1) {
            const auto footer = embeds[0].contains("footer") ? embeds[0]["footer"].value("text", std::string()) : std::string();
            if (footer.starts_with("arXiv:")) id = footer.substr(6);
            else if (sdk::is_preprint_id(footer)) id = footer;
        }
        out.push_back(std::move(id));
    }
    return out;
}

std::string api_base(const settings& s) { return s.webhook_url.substr(0, s.webhook_url.find("/webhooks/")); }

reactions_answer interpret_message(int http_status, std::string_view body, const json& headers) {
    reactions_answer r;
    const auto a = interpret(http_status, body, headers);
    r.status = a.status;
    r.error = a.error;
    r.retry_after_ms = a.retry_after_ms;
    if (a.status != PB_OK) return r;
    const auto m = json::parse(body, nullptr, false);
    if (!m.is_object()) return r;
    for (const auto& x : m.value("reactions", json::array())) {
        if (!x.is_object() || !x.contains("count") || !x["count"].is_number_integer() || !x.contains("emoji") || !x["emoji"].is_object()) continue;
        const auto& e = x["emoji"];
        if (!e.contains("name") || !e["name"].is_string()) continue;
        r.reactions.emplace_back(e["name"].get<std::string>(), x["count"].get<long>());
    }
    return r;
}

}  // namespace paperboy::discord
