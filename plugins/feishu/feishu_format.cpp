#include "feishu_format.hpp"

#include "inert_html.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace paperboy::feishu {
using nlohmann::json;

namespace {

// Control characters as spaces, cut to `max`: plain_text needs no other escaping.
std::string plain(std::string_view text, std::size_t max) {
    return chat::escape_and_cut(text, max, [](std::string_view unit) {
        return unit.size() == 1 && static_cast<unsigned char>(unit[0]) < 0x20 && unit[0] != '\n' ? std::string(" ") : std::string(unit);
    });
}

json text_block(const std::string& content) { return {{"tag", "div"}, {"text", {{"tag", "plain_text"}, {"content", content}}}}; }

// Links paperboy builds (the paper's server from a checked id, the host's http(s) links); the labels are ours.
json link_line(const json& p) {
    const auto links = chat::links(p);
    std::string md = "[" + links.source + "](" + links.abs + ") \xC2\xB7 [PDF](" + links.pdf + ")";
    const auto safe = [](const std::string& u) { return u.find_first_of("()[] <>\"") == std::string::npos; };
    if (chat::http_url(p, "vote_up_url") && chat::http_url(p, "vote_down_url") && safe(p["vote_up_url"]) && safe(p["vote_down_url"])) {
        md += " \xC2\xB7 [\xF0\x9F\x91\x8D More like this](" + p["vote_up_url"].get<std::string>() + ") \xC2\xB7 [\xF0\x9F\x91\x8E Less like this](" +
              p["vote_down_url"].get<std::string>() + ")";
    }
    return {{"tag", "div"}, {"text", {{"tag", "lark_md"}, {"content", md}}}};
}

std::vector<json> paper_elements(const json& p, const settings& s) {
    std::string text = std::to_string(p["rank"].get<int>()) + ". " + plain(p["title"].get<std::string>(), 300);
    if (const auto authors = chat::join_authors(p["authors"]); !authors.empty()) text += "\n" + plain(authors, 200);
    text += "\n" + chat::scores_line(p);
    if (const auto comment = p.value("comment", std::string()); !comment.empty() && !p.value("author_match", false)) text += "\n" + plain(comment, 400);
    const auto tldr = p.contains("tldr") && p["tldr"].is_string() ? p["tldr"].get<std::string>() : std::string();
    if (!tldr.empty()) text += "\nTL;DR: " + plain(tldr, 600);
    else if (s.abstract_chars > 0) text += "\n\n" + plain(p["abstract"].get<std::string>(), s.abstract_chars);
    return {{{"tag", "hr"}}, text_block(text), link_line(p)};
}

json card(std::string title, json elements) {
    return {{"msg_type", "interactive"},
            {"card", {{"config", {{"wide_screen_mode", true}}},
                      {"header", {{"title", {{"tag", "plain_text"}, {"content", std::move(title)}}}, {"template", "blue"}}},
                      {"elements", std::move(elements)}}}};
}

std::size_t bytes(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace).size(); }

}  // namespace

settings parse_settings(std::string_view config_json) {
    const auto j = chat::config_object(config_json, {"webhook_url", "secret"}, "feishu");
    settings s;
    if (!j.contains("webhook_url")) throw std::invalid_argument("webhook_url: required (the custom bot's webhook address)");
    s.webhook_url = chat::string_key(j, "webhook_url");
    if (!(s.webhook_url.starts_with("https://") || s.webhook_url.starts_with("http://")) || s.webhook_url.find("/open-apis/bot/v2/hook/") == std::string::npos) {
        throw std::invalid_argument("webhook_url: expected the custom bot's address, https://open.feishu.cn/open-apis/bot/v2/hook/...");
    }
    if (j.contains("secret")) s.secret = chat::string_key(j, "secret");
    chat::read_common(j, s, 2000);
    return s;
}

std::vector<json> build_messages(const json& digest, const settings& s) {
    const auto count = digest["papers"].size();
    const auto title = "paperboy \xC2\xB7 " + plain(digest.value("date", std::string()), 20) + " \xC2\xB7 " + std::to_string(count) +
                       (count == 1 ? " paper" : " papers") + " for " + plain(digest.value("profile", std::string()), 60);
    json head = json::array();
    if (const auto notice = chat::incomplete_text(digest); !notice.empty()) head.push_back(text_block("\xE2\x9A\xA0\xEF\xB8\x8F " + plain(notice, 900)));
    head.push_back(text_block(plain(chat::usage_line(digest), 300)));
    std::vector<json> messages;
    json elements = head;
    std::size_t sent = 0;
    for (const auto& p : digest["papers"]) {
        if (s.top_n > 0 && sent >= static_cast<std::size_t>(s.top_n)) break;
        auto more = elements;
        for (auto& e : paper_elements(p, s)) more.push_back(std::move(e));
        if (bytes(card(title, more)) + 200 > max_body_bytes && elements.size() > head.size()) {
            messages.push_back(card(title, std::move(elements)));
            elements = json::array();
            for (auto& e : paper_elements(p, s)) elements.push_back(std::move(e));
        } else {
            elements = std::move(more);
        }
        ++sent;
    }
    messages.push_back(card(title, std::move(elements)));
    return messages;
}

std::string sign(std::int64_t timestamp, std::string_view secret) {
    const auto key = std::to_string(timestamp) + "\n" + std::string(secret);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), nullptr, 0, mac, &len);
    std::string out(4 * ((len + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

json signed_body(json message, const settings& s, std::int64_t timestamp) {
    if (!s.secret.empty()) {
        message["timestamp"] = std::to_string(timestamp);
        message["sign"] = sign(timestamp, s.secret);
    }
    return message;
}

answer interpret(int http_status, std::string_view body) {
    answer a;
    const auto parsed = json::parse(body, nullptr, false);
    const long code = parsed.is_object() && parsed.contains("code") && parsed["code"].is_number_integer() ? parsed["code"].get<long>()
                      : parsed.is_object() && parsed.contains("StatusCode") && parsed["StatusCode"].is_number_integer() ? parsed["StatusCode"].get<long>()
                                                                                                                         : -1;
    if (http_status == 200 && code == 0) return a;
    const auto msg = parsed.is_object() ? parsed.value("msg", parsed.value("StatusMessage", std::string())) : chat::truncate(std::string(body), 200);
    a.error = "Feishu answered HTTP " + std::to_string(http_status) + (code >= 0 ? ", code " + std::to_string(code) : std::string()) + ": " + chat::truncate(msg, 300);
    if (code == 19021) a.error += " (the secret does not match the bot's signature setting)";
    const bool limited = http_status == 429 || code == 11232;
    if (limited) {
        a.status = PB_TRANSIENT;
        a.retry_after_ms = 1000;
    } else {
        a.status = http_status >= 500 ? PB_TRANSIENT : PB_PERMANENT;
    }
    return a;
}

}  // namespace paperboy::feishu
