#include "arxiv/feed_parser.hpp"

#include "core/text.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <unordered_set>

namespace paperboy {
namespace {

std::string clean(std::string_view s) {
    return text::collapse_whitespace(text::sanitize_utf8(s));
}

// The description is "arXiv:<id>v<N> Announce Type: <type> \nAbstract: <abstract>"; the
// abstract is what follows the first "Abstract: " after the header (an abstract may itself
// contain the word).
std::string abstract_of(std::string_view description) {
    constexpr std::string_view marker = "Abstract:";
    const auto header_end = description.find("Announce Type:");
    const auto pos = description.find(marker, header_end == std::string_view::npos ? 0 : header_end);
    if (pos == std::string_view::npos) return clean(description);
    return clean(description.substr(pos + marker.size()));
}

bool digits(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool lower_word(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; }) &&
           s.front() != '-' && s.back() != '-';
}

}  // namespace

void skipped_items::add(std::string reason) {
    ++count;
    if (reasons.size() < max_reasons) reasons.push_back(std::move(reason));
}

bool is_arxiv_id(std::string_view id) noexcept {
    if (const auto dot = id.find('.'); dot == 4 && id.find('/') == std::string_view::npos) {
        const auto number = id.substr(5);
        return digits(id.substr(0, 4)) && digits(number) && (number.size() == 4 || number.size() == 5);
    }
    const auto slash = id.find('/');
    if (slash == std::string_view::npos || id.size() - slash - 1 != 7 || !digits(id.substr(slash + 1))) return false;
    auto archive = id.substr(0, slash);
    if (const auto dot = archive.find('.'); dot != std::string_view::npos) {
        const auto subject = archive.substr(dot + 1);
        if (subject.empty() || subject.size() > 8 ||
            !std::all_of(subject.begin(), subject.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-'; })) {
            return false;
        }
        archive = archive.substr(0, dot);
    }
    return archive.size() <= 16 && lower_word(archive);
}

versioned_id parse_arxiv_id(std::string_view t) {
    t = text::trim(t);
    for (std::string_view prefix : {"oai:arXiv.org:", "arXiv:", "arxiv:", "https://arxiv.org/abs/",
                                    "http://arxiv.org/abs/"}) {
        if (t.substr(0, prefix.size()) == prefix) {
            t.remove_prefix(prefix.size());
            break;
        }
    }
    versioned_id out;
    // A version suffix is 'v' followed only by digits at the end.
    const auto v = t.rfind('v');
    if (v != std::string_view::npos && v + 1 < t.size() && v > 0) {
        int version = 0;
        const auto digits = t.substr(v + 1);
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
        if (ec == std::errc{} && ptr == digits.data() + digits.size() && version > 0) {
            out.version = version;
            t = t.substr(0, v);
        }
    }
    out.id = std::string(t);
    return out;
}

std::vector<std::string> split_authors(std::string_view creators) {
    std::vector<std::string> names;
    std::string current;
    int depth = 0;
    // "O'Brien, Jr." is one author: a bare suffix joins the name before it.
    auto is_suffix = [](std::string_view n) {
        for (std::string_view s : {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}) {
            if (n == s) return true;
        }
        return false;
    };
    auto flush = [&] {
        auto name = text::collapse_whitespace(current);
        if (!name.empty()) {
            if (is_suffix(name) && !names.empty()) names.back() += ", " + name;
            else names.push_back(std::move(name));
        }
        current.clear();
    };
    for (const char c : creators) {
        if (c == '(') {
            ++depth;
        } else if (c == ')') {
            if (depth > 0) --depth;
        } else if (depth == 0) {
            if (c == ',') flush();
            else current.push_back(c);
        }
    }
    flush();
    return names;
}

result<feed> parse_feed(std::string_view xml, skipped_items* skipped) {
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        return make_error(errc::feed_malformed, std::string(parsed.description()) + " at byte " +
                                                    std::to_string(parsed.offset) + " of " +
                                                    std::to_string(xml.size()));
    }
    if (doc.child("feed")) {
        return make_error(errc::feed_malformed,
                          "this is an Atom feed (the arXiv API's format), not arXiv's RSS feed: set arxiv.feed_url to "
                          "https://rss.arxiv.org/rss/ (the categories are appended)");
    }
    const auto channel = doc.child("rss").child("channel");
    if (!channel) return make_error(errc::feed_malformed, "no <rss><channel> element (is this an RSS feed?)");

    feed out;
    out.title = clean(channel.child_value("title"));
    if (out.title.starts_with("Feed error for query")) {
        return make_error(errc::feed_rejected, out.title + ": " + clean(channel.child_value("description")));
    }
    const std::string pub_date = channel.child_value("pubDate");
    const auto announced = parse_rfc822_day(pub_date);
    if (!announced) {
        return make_error(errc::feed_malformed, "channel pubDate '" + text::clean_line(pub_date, 80) + "' is not an RFC 822 date");
    }
    out.announced = *announced;

    skipped_items local;
    auto& skips = skipped ? *skipped : local;
    std::unordered_set<std::string> seen;
    std::size_t index = 0;
    for (const auto item : channel.children("item")) {
        ++index;
        // Reasons quote the item's text only through clean_line: it reaches the log.
        const auto where = "item " + std::to_string(index);
        std::string_view guid = item.child_value("guid");
        if (text::trim(guid).empty()) guid = item.child_value("link");
        auto vid = parse_arxiv_id(guid);
        if (!is_arxiv_id(vid.id)) {
            skips.add(where + ": '" + text::clean_line(guid, 60) + "' is not an arXiv id");
            continue;
        }
        const auto type_text = text::trim(item.child_value("arxiv:announce_type"));
        const auto type = parse_announce_type(type_text);
        if (!type) {
            skips.add(where + " (" + vid.id + "): " +
                      (type_text.empty() ? std::string("no announce type") : "unknown announce type '" + text::clean_line(type_text, 30) + "'"));
            continue;
        }
        if (!seen.insert(vid.id).second) {
            skips.add(where + " (" + vid.id + "): repeats an earlier item");
            continue;
        }
        paper p;
        p.id = std::move(vid.id);
        p.version = vid.version > 0 ? vid.version : 1;
        p.type = *type;
        p.title = clean(item.child_value("title"));
        p.abstract = abstract_of(item.child_value("description"));
        p.authors = split_authors(text::sanitize_utf8(item.child_value("dc:creator")));
        for (const auto cat : item.children("category")) p.categories.push_back(clean(cat.child_value()));
        out.papers.push_back(std::move(p));
    }
    return out;
}

}  // namespace paperboy
