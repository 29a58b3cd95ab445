#include "telegram_format.hpp"

#include "inert_html.hpp"

#include <algorithm>

namespace paperboy::telegram {
using nlohmann::json;

namespace {

std::string cut(std::string_view text, std::size_t max) { return chat::inert_cut(text, max); }
std::string link(std::string_view href, std::string_view label) { return chat::html_link(href, label); }
bool http_url(const json& j, const char* key) { return chat::http_url(j, key); }
bool is_letter(char c) { return chat::ascii_letter(c); }
bool is_word(char c) { return chat::ascii_word(c); }

std::string paper_block(const json& p, const settings& s) {
    std::string out = "<b>" + std::to_string(p["rank"].get<int>()) + ". " + link(chat::links(p).abs, cut(p["title"].get<std::string>(), 300)) + "</b>\n";
    if (const auto authors = chat::join_authors(p["authors"]); !authors.empty()) out += "<i>" + cut(authors, 200) + "</i>\n";
    out += cut(chat::scores_line(p), 80) + "\n";
    if (const auto comment = p.value("comment", std::string()); !comment.empty() && !p.value("author_match", false)) {
        out += "<i>" + cut(comment, 400) + "</i>\n";
    }
    const auto tldr = p.contains("tldr") && p["tldr"].is_string() ? p["tldr"].get<std::string>() : std::string();
    if (!tldr.empty()) out += "<b>TL;DR:</b> " + cut(tldr, 600) + "\n";
    else if (s.abstract_chars > 0) out += "<blockquote>" + cut(p["abstract"].get<std::string>(), s.abstract_chars) + "</blockquote>\n";
    if (http_url(p, "vote_up_url") && http_url(p, "vote_down_url")) {
        out += link(p["vote_up_url"].get<std::string>(), "\xF0\x9F\x91\x8D More like this") + " \xC2\xB7 " +
               link(p["vote_down_url"].get<std::string>(), "\xF0\x9F\x91\x8E Less like this") + "\n";
    }
    return out;
}

json new_message(const settings& s) {
    json m{{"chat_id", s.chat_id}, {"parse_mode", "HTML"}, {"link_preview_options", {{"is_disabled", true}}}, {"text", ""}};
    if (s.message_thread_id) m["message_thread_id"] = *s.message_thread_id;
    if (s.disable_notification) m["disable_notification"] = true;
    return m;
}

bool valid_token(const std::string& t) {
    const auto colon = t.find(':');
    if (colon == std::string::npos || colon == 0 || colon > 20 || t.size() - colon - 1 < 30 || t.size() > 100) return false;
    return std::all_of(t.begin(), t.begin() + static_cast<long>(colon), [](char c) { return c >= '0' && c <= '9'; }) &&
           std::all_of(t.begin() + static_cast<long>(colon) + 1, t.end(), [](char c) { return is_word(c) || c == '-'; });
}

bool valid_chat(const std::string& c) {
    if (c.starts_with('@')) {
        return c.size() >= 6 && c.size() <= 33 && is_letter(c[1]) && std::all_of(c.begin() + 1, c.end(), is_word);
    }
    const auto digits = c.starts_with('-') ? c.substr(1) : c;
    return !digits.empty() && digits.size() <= 20 && std::all_of(digits.begin(), digits.end(), [](char d) { return d >= '0' && d <= '9'; });
}

}  // namespace

std::string escape(std::string_view text) { return cut(text, text.size() * 8 + 8); }

std::size_t visible_length(std::string_view html) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < html.size();) {
        const auto c = static_cast<unsigned char>(html[i]);
        if (c == '<') {
            const auto close = html.find('>', i);
            i = close == std::string_view::npos ? html.size() : close + 1;
            continue;
        }
        if (c == '&') {
            const auto semi = html.find(';', i);
            ++n;
            i = semi == std::string_view::npos ? i + 1 : semi + 1;
            continue;
        }
        const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        n += len == 4 ? 2 : 1;  // beyond the BMP, a surrogate pair
        i += len;
    }
    return n;
}

settings parse_settings(std::string_view config_json) {
    const auto j = chat::config_object(config_json, {"bot_token", "chat_id", "api_base", "message_thread_id", "disable_notification", "seconds_between_messages"}, "telegram");
    settings s;
    if (!j.contains("bot_token")) throw std::invalid_argument("bot_token: required (the token @BotFather gave the bot)");
    s.bot_token = chat::string_key(j, "bot_token");
    if (!valid_token(s.bot_token)) throw std::invalid_argument("bot_token: not a Telegram bot token (digits, ':', then letters, digits, '_' or '-')");
    if (!j.contains("chat_id")) throw std::invalid_argument("chat_id: required (a numeric chat id such as -1001234567890, or @channelname)");
    s.chat_id = j["chat_id"].is_number_integer() ? std::to_string(j["chat_id"].get<long long>()) : chat::string_key(j, "chat_id");
    if (!valid_chat(s.chat_id)) throw std::invalid_argument("chat_id: expected a numeric chat id or @channelname (5 to 32 letters, digits or '_')");
    if (j.contains("api_base")) {
        s.api_base = chat::string_key(j, "api_base");
        if (!(s.api_base.starts_with("https://") || s.api_base.starts_with("http://"))) throw std::invalid_argument("api_base: expected an http(s) URL");
        while (s.api_base.ends_with('/')) s.api_base.pop_back();
    }
    if (j.contains("message_thread_id")) {
        if (!j["message_thread_id"].is_number_integer() || j["message_thread_id"].get<long>() <= 0) {
            throw std::invalid_argument("message_thread_id: expected a positive integer (the forum topic's id)");
        }
        s.message_thread_id = j["message_thread_id"].get<long>();
    }
    if (j.contains("disable_notification")) {
        if (!j["disable_notification"].is_boolean()) throw std::invalid_argument("disable_notification: expected true or false");
        s.disable_notification = j["disable_notification"].get<bool>();
    }
    if (j.contains("seconds_between_messages")) {
        const auto& v = j["seconds_between_messages"];
        if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 60) throw std::invalid_argument("seconds_between_messages: expected a number from 0 to 60");
        s.pause_ms = static_cast<long>(v.get<double>() * 1000);
    }
    chat::read_common(j, s, 2500);  // with the other parts, a paper always fits one message
    return s;
}

std::vector<json> build_messages(const json& digest, const settings& s) {
    std::vector<std::string> blocks;
    const auto count = digest["papers"].size();
    std::string header;
    if (const auto notice = chat::incomplete_text(digest); !notice.empty()) header += "\xE2\x9A\xA0\xEF\xB8\x8F <b>" + cut(notice, 900) + "</b>\n\n";
    header += "<b>paperboy</b> \xC2\xB7 " + cut(digest.value("date", std::string()), 20) + " \xC2\xB7 " + std::to_string(count) +
              (count == 1 ? " paper" : " papers") + " for " + cut(digest.value("profile", std::string()), 100) + "\n" +
              cut(chat::usage_line(digest), 300);
    if (http_url(digest, "web_url")) header += "\n" + link(digest["web_url"].get<std::string>(), "Web archive");
    blocks.push_back(header + "\n");
    std::size_t sent = 0;
    for (const auto& p : digest["papers"]) {
        if (s.top_n > 0 && sent >= static_cast<std::size_t>(s.top_n)) break;
        blocks.push_back(paper_block(p, s));
        ++sent;
    }
    std::vector<json> messages;
    std::string text;
    for (const auto& b : blocks) {
        if (!text.empty() && visible_length(text) + 1 + visible_length(b) > max_text) {
            messages.push_back(new_message(s));
            messages.back()["text"] = text;
            text.clear();
        }
        text += (text.empty() ? "" : "\n") + b;
    }
    messages.push_back(new_message(s));
    messages.back()["text"] = text;
    return messages;
}

std::string method_url(const settings& s, std::string_view method) { return s.api_base + "/bot" + s.bot_token + "/" + std::string(method); }

answer interpret(int http_status, std::string_view body) {
    answer a;
    const auto parsed = json::parse(body, nullptr, false);
    const bool ok = parsed.is_object() && parsed.value("ok", false) == true;
    if (http_status == 200 && ok) {
        if (parsed.contains("result") && parsed["result"].is_object() && parsed["result"].contains("message_id")) {
            a.message_id = parsed["result"]["message_id"].dump();
        }
        return a;
    }
    std::string description = parsed.is_object() && parsed.contains("description") && parsed["description"].is_string()
                                  ? parsed["description"].get<std::string>()
                                  : chat::truncate(std::string(body), 200);
    a.error = "Telegram answered HTTP " + std::to_string(http_status) + ": " + chat::truncate(description, 300);
    const auto params = parsed.is_object() && parsed.contains("parameters") && parsed["parameters"].is_object() ? parsed["parameters"] : json::object();
    if (params.contains("retry_after") && params["retry_after"].is_number()) {
        if (const auto ms = sdk::clamp_ms(params["retry_after"].get<double>() * 1000)) a.retry_after_ms = static_cast<long>(*ms);
    }
    if (params.contains("migrate_to_chat_id") && params["migrate_to_chat_id"].is_number_integer()) {
        a.status = PB_PERMANENT;
        a.error += " (the group is now the supergroup " + params["migrate_to_chat_id"].dump() + ": set chat_id to it)";
        return a;
    }
    a.status = http_status == 429 || http_status >= 500 || a.retry_after_ms ? PB_TRANSIENT : PB_PERMANENT;
    return a;
}

}  // namespace paperboy::telegram
