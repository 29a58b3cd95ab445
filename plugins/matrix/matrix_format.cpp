#include "matrix_format.hpp"

#include "inert_html.hpp"


namespace paperboy::matrix {
using nlohmann::json;

namespace {

std::string html(std::string_view text, std::size_t max) { return chat::inert_cut(text, max, true); }
std::string plain(std::string_view text, std::size_t max) { return chat::inert_cut(text, max, false); }

struct block {
    std::string body, formatted;
};

block paper_block(const json& p, const settings& s) {
    const auto url = chat::links(p).abs;
    const auto rank = std::to_string(p["rank"].get<int>()) + ". ";
    block b;
    b.formatted = "<p><b>" + rank + chat::html_link(url, html(p["title"].get<std::string>(), 300)) + "</b><br>";
    b.body = rank + plain(p["title"].get<std::string>(), 300) + "\n" + url + "\n";
    if (const auto authors = chat::join_authors(p["authors"]); !authors.empty()) {
        b.formatted += "<i>" + html(authors, 300) + "</i><br>";
        b.body += plain(authors, 300) + "\n";
    }
    b.formatted += html(chat::scores_line(p), 80);
    b.body += plain(chat::scores_line(p), 80) + "\n";
    if (const auto comment = p.value("comment", std::string()); !comment.empty() && !p.value("author_match", false)) {
        b.formatted += "<br><i>" + html(comment, 500) + "</i>";
        b.body += plain(comment, 500) + "\n";
    }
    b.formatted += "</p>";
    const auto tldr = p.contains("tldr") && p["tldr"].is_string() ? p["tldr"].get<std::string>() : std::string();
    if (!tldr.empty()) {
        b.formatted += "<p><b>TL;DR:</b> " + html(tldr, 700) + "</p>";
        b.body += "TL;DR: " + plain(tldr, 700) + "\n";
    } else if (s.abstract_chars > 0) {
        b.formatted += "<blockquote>" + html(p["abstract"].get<std::string>(), s.abstract_chars) + "</blockquote>";
        b.body += plain(p["abstract"].get<std::string>(), s.abstract_chars) + "\n";
    }
    if (chat::http_url(p, "vote_up_url") && chat::http_url(p, "vote_down_url")) {
        b.formatted += "<p>" + chat::html_link(p["vote_up_url"].get<std::string>(), "\xF0\x9F\x91\x8D More like this") + " \xC2\xB7 " +
                       chat::html_link(p["vote_down_url"].get<std::string>(), "\xF0\x9F\x91\x8E Less like this") + "</p>";
        b.body += "More like this: " + p["vote_up_url"].get<std::string>() + "\nLess like this: " + p["vote_down_url"].get<std::string>() + "\n";
    }
    return b;
}

json content(const block& b) {
    return {{"msgtype", "m.notice"}, {"body", b.body}, {"format", "org.matrix.custom.html"}, {"formatted_body", b.formatted}, {"m.mentions", json::object()}};
}

std::size_t bytes(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace).size(); }

// "!opaque:server" before room version 12; "!" and the unpadded URL-safe base64 of the create
// event's hash from version 12 on (the spec's room id grammar, Appendices: Room IDs).
bool room_id_ok(const std::string& r) {
    const auto colon = r.find(':');
    return r.size() <= 255 && r.size() > 1 && r.starts_with('!') && colon != 1 && !r.ends_with(':') &&
           std::all_of(r.begin() + 1, r.end(), [](char c) {
               return chat::ascii_word(c) || c == '-' || c == '.' || c == ':' || c == '=' || c == '/' || c == '+';
           });
}

}  // namespace

settings parse_settings(std::string_view config_json) {
    const auto j = chat::config_object(config_json, {"homeserver", "access_token", "room_id"}, "matrix");
    settings s;
    for (const char* key : {"homeserver", "access_token", "room_id"}) {
        if (!j.contains(key)) throw std::invalid_argument(std::string(key) + ": required");
    }
    s.homeserver = chat::string_key(j, "homeserver");
    if (!(s.homeserver.starts_with("https://") || s.homeserver.starts_with("http://")) || s.homeserver.find_first_of("?# ") != std::string::npos) {
        throw std::invalid_argument("homeserver: expected the server's base URL, such as https://matrix.example.org");
    }
    while (s.homeserver.ends_with('/')) s.homeserver.pop_back();
    s.access_token = chat::string_key(j, "access_token");
    if (s.access_token.empty() || s.access_token.size() > 1024 ||
        !std::all_of(s.access_token.begin(), s.access_token.end(), [](char c) { return c > ' ' && c < 127; })) {
        throw std::invalid_argument("access_token: expected the bot account's access token (printable ASCII)");
    }
    s.room_id = chat::string_key(j, "room_id");
    if (!room_id_ok(s.room_id)) {
        throw std::invalid_argument("room_id: expected a room id such as !AbCdEf:example.org or, from room version 12, !31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM (Element: Room settings, Advanced), not an #alias");
    }
    chat::read_common(j, s, 3000);  // so that one paper, at its worst (every character escaped), fits an event
    return s;
}

std::vector<json> build_messages(const json& digest, const settings& s) {
    std::vector<block> blocks;
    const auto count = digest["papers"].size();
    block head;
    if (const auto notice = chat::incomplete_text(digest); !notice.empty()) {
        head.formatted = "<p><b>\xE2\x9A\xA0\xEF\xB8\x8F " + html(notice, 900) + "</b></p>";
        head.body = "\xE2\x9A\xA0\xEF\xB8\x8F " + plain(notice, 900) + "\n\n";
    }
    const auto title = "paperboy \xC2\xB7 " + digest.value("date", std::string()) + " \xC2\xB7 " + std::to_string(count) +
                       (count == 1 ? " paper" : " papers") + " for " + digest.value("profile", std::string());
    head.formatted += "<p><b>" + html(title, 200) + "</b><br>" + html(chat::usage_line(digest), 300);
    head.body += plain(title, 200) + "\n" + plain(chat::usage_line(digest), 300) + "\n";
    if (chat::http_url(digest, "web_url")) {
        head.formatted += "<br>" + chat::html_link(digest["web_url"].get<std::string>(), "Web archive");
        head.body += digest["web_url"].get<std::string>() + "\n";
    }
    head.formatted += "</p>";
    blocks.push_back(std::move(head));
    std::size_t sent = 0;
    for (const auto& p : digest["papers"]) {
        if (s.top_n > 0 && sent >= static_cast<std::size_t>(s.top_n)) break;
        blocks.push_back(paper_block(p, s));
        ++sent;
    }
    std::vector<json> messages;
    block current;
    for (const auto& b : blocks) {
        block joined{current.body + (current.body.empty() ? "" : "\n") + b.body, current.formatted + b.formatted};
        if (!current.body.empty() && bytes(content(joined)) > max_content_bytes) {
            messages.push_back(content(current));
            joined = b;
        }
        current = std::move(joined);
    }
    messages.push_back(content(current));
    return messages;
}

std::string transaction_id(const json& digest, std::size_t index) { return chat::delivery_id(digest) + "-" + std::to_string(index); }

std::string send_url(const settings& s, std::string_view txn) {
    return s.homeserver + "/_matrix/client/v3/rooms/" + chat::url_encoded(s.room_id) + "/send/m.room.message/" + chat::url_encoded(txn);
}

answer interpret(int http_status, std::string_view body, const json& headers) {
    answer a;
    const auto parsed = json::parse(body, nullptr, false);
    if (http_status == 200 && parsed.is_object() && parsed.contains("event_id") && parsed["event_id"].is_string()) {
        a.event_id = parsed["event_id"].get<std::string>();
        return a;
    }
    const auto errcode = parsed.is_object() ? parsed.value("errcode", std::string()) : std::string();
    const auto message = parsed.is_object() ? parsed.value("error", std::string()) : chat::truncate(std::string(body), 200);
    a.error = "Matrix answered HTTP " + std::to_string(http_status) + (errcode.empty() ? "" : " " + errcode) + ": " + chat::truncate(message, 300);
    if (errcode == "M_FORBIDDEN") a.error += " (is the bot a member of the room, allowed to post?)";
    if (errcode == "M_UNKNOWN_TOKEN") a.error += " (the access_token is wrong or was logged out)";
    if (http_status == 429 || errcode == "M_LIMIT_EXCEEDED") {
        a.status = PB_TRANSIENT;
        if (parsed.is_object() && parsed.contains("retry_after_ms") && parsed["retry_after_ms"].is_number()) {
            if (const auto ms = sdk::clamp_ms(parsed["retry_after_ms"].get<double>())) a.retry_after_ms = static_cast<long>(*ms);
        } else if (headers.contains("retry-after") && headers["retry-after"].is_string()) {
            a.retry_after_ms = chat::seconds_to_ms(headers["retry-after"].get<std::string>());
        }
    } else {
        a.status = http_status >= 500 || http_status == 0 ? PB_TRANSIENT : PB_PERMANENT;
    }
    return a;
}

}  // namespace paperboy::matrix
