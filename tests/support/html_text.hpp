// The text a chat service shows for an HTML message, checked as the service parses it: only
// the `allowed` tags, balanced (`void_tags` such as <br> excepted), <a> with an href, the
// four named entities and numeric ones. For the fake Telegram and Matrix servers.
#pragma once

#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace paperboy::test {

inline std::optional<std::string> shown_html_text(const std::string& html, const std::set<std::string>& allowed, const std::set<std::string>& void_tags,
                                                  std::string& err) {
    std::vector<std::string> open;
    std::string text;
    for (std::size_t i = 0; i < html.size();) {
        if (html[i] == '<') {
            const auto close = html.find('>', i);
            if (close == std::string::npos) return err = "Bad Request: can't parse entities: unclosed start tag", std::nullopt;
            std::string tag = html.substr(i + 1, close - i - 1);
            const bool end = tag.starts_with('/');
            if (end) tag.erase(0, 1);
            const auto name = tag.substr(0, tag.find(' '));
            if (!allowed.contains(name)) return err = "Bad Request: can't parse entities: Unsupported start tag \"" + name + "\"", std::nullopt;
            if (void_tags.contains(name)) {
                // <br> and the like open nothing
            } else if (end) {
                if (open.empty() || open.back() != name) return err = "Bad Request: can't parse entities: Can't find end tag corresponding to start tag", std::nullopt;
                open.pop_back();
            } else {
                if (name == "a" && tag.find("href=\"") == std::string::npos) return err = "Bad Request: can't parse entities: a without href", std::nullopt;
                open.push_back(name);
            }
            i = close + 1;
        } else if (html[i] == '&') {
            const auto semi = html.find(';', i);
            const auto name = semi == std::string::npos ? std::string() : html.substr(i + 1, semi - i - 1);
            static const std::map<std::string, std::string> named{{"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}};
            if (named.contains(name)) text += named.at(name);
            else if (name.starts_with('#') && name.size() > 1) text += "?";
            else return err = "Bad Request: can't parse entities: Unsupported entity", std::nullopt;
            i = semi + 1;
        } else if (html[i] == '>') {
            return err = "Bad Request: can't parse entities: unexpected '>'", std::nullopt;
        } else {
            text += html[i++];
        }
    }
    if (!open.empty()) return err = "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"" + open.back() + "\"", std::nullopt;
    return text;
}

/// `s` without the zero-width spaces the plugins add to break auto-detected entities.
inline std::string without_zero_width(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, 3, "\xE2\x80\x8B") == 0) i += 2;
        else out += s[i];
    }
    return out;
}

/// "N. title" of each paper link `<b>N. <a href="https://arxiv.org/abs/...">title</a></b>` in
/// `html`, in order, as shown (entities decoded, the plugins' zero-width spaces dropped).
inline std::vector<std::string> linked_titles(const std::string& html, const std::set<std::string>& allowed) {
    static const std::regex paper(R"(<b>(\d+\. )<a href="https://arxiv\.org/abs/[^"]+">([^<]*)</a></b>)");
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), paper); it != std::sregex_iterator(); ++it) {
        std::string err;
        out.push_back((*it)[1].str() + without_zero_width(shown_html_text((*it)[2].str(), allowed, {}, err).value_or("?")));
    }
    return out;
}

/// What Telegram and Matrix clients would turn into an entity on their own in shown text,
/// roughly: @name, #tag, /command, scheme:// URLs and bare domains (a zero-width space breaks
/// each of them).
inline std::vector<std::string> auto_entities(const std::string& shown) {
    static const std::regex entity(
        R"((^|[\s(])(@[A-Za-z][A-Za-z0-9_]{3,}|#[A-Za-z0-9_]{2,}|/[A-Za-z][A-Za-z0-9_]*)|[A-Za-z][A-Za-z0-9+.-]*://\S|\b[A-Za-z0-9-]+\.(com|org|net|io|gg|me|ru|xyz)\b)");
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(shown.begin(), shown.end(), entity); it != std::sregex_iterator(); ++it) out.push_back(it->str());
    return out;
}

}  // namespace paperboy::test
