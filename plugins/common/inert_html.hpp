// Untrusted text for services that take HTML and detect entities on their own (Telegram,
// Matrix clients): escaped for HTML, and with what they would turn into a mention, tag,
// command or link broken by a zero-width space.
#pragma once

#include "chat_common.hpp"

#include <algorithm>
#include <string>
#include <string_view>

namespace paperboy::chat {

inline constexpr std::string_view zero_width_space = "\xE2\x80\x8B";

inline bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool ascii_word(char c) { return ascii_letter(c) || (c >= '0' && c <= '9') || c == '_'; }

/// One code point (its UTF-8 bytes), given the character before it (0 at the start): & < > "
/// escaped when `html`; a zero-width space after '@' and '#', after a word-initial '/', after
/// ':' and after a '.' that follows a letter ("@room", "#tag", "/start", "https://x",
/// "evil.com" stay text); control characters as spaces; a broken UTF-8 sequence as U+FFFD.
inline std::string inert_unit(std::string_view unit, char prev, bool html) {
    const std::string zw(zero_width_space);
    if (unit.size() != 1) {
        // A broken sequence could swallow a '<' after it: the host sends valid UTF-8, but a
        // plugin must not depend on it.
        const bool valid = std::all_of(unit.begin() + 1, unit.end(), [](char b) { return (static_cast<unsigned char>(b) & 0xC0) == 0x80; });
        return valid ? std::string(unit) : std::string("\xEF\xBF\xBD");
    }
    switch (const char c = unit[0]) {
        case '&': return html ? "&amp;" : "&";
        case '<': return html ? "&lt;" : "<";
        case '>': return html ? "&gt;" : ">";
        case '"': return html ? "&quot;" : "\"";
        case '@': case '#': return std::string(1, c) + zw;
        case '/': return ascii_word(prev) ? "/" : "/" + zw;
        case ':': return ":" + zw;
        case '.': return ascii_letter(prev) ? "." + zw : ".";
        default: return static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? " " : std::string(1, c);  // no control character reaches a service
    }
}

/// `text` made inert (inert_unit) and cut to `max` characters with "…" (escape_and_cut).
inline std::string inert_cut(std::string_view text, std::size_t max, bool html = true) {
    char prev = 0;
    return escape_and_cut(text, max, [&](std::string_view unit) {
        auto out = inert_unit(unit, prev, html);
        prev = unit.size() == 1 ? unit[0] : 'x';  // a non-ASCII letter counts as a letter
        return out;
    });
}

/// An <a> element to one of our own URLs (arXiv from a checked id, the host's links), its
/// label already escaped.
inline std::string html_link(std::string_view href, std::string_view label) {
    std::string h;
    for (const char c : href) {
        switch (c) {
            case '&': h += "&amp;"; break;
            case '"': h += "&quot;"; break;
            case '<': h += "&lt;"; break;
            case '>': h += "&gt;"; break;
            default: h.push_back(c);
        }
    }
    return "<a href=\"" + h + "\">" + std::string(label) + "</a>";
}

/// j[key] is an http(s) URL of a sane length (the host's vote and archive links).
inline bool http_url(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || !j[key].is_string()) return false;
    const auto& u = j[key].get_ref<const std::string&>();
    return (u.starts_with("https://") || u.starts_with("http://")) && u.size() < 2048;
}

}  // namespace paperboy::chat
