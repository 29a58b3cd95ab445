#include "arxiv/feed_parser.hpp"

#include "core/text.hpp"

#include <pugixml.hpp>

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

}  // namespace

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

result<feed> parse_feed(std::string_view xml, std::size_t* skipped) {
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        return make_error(errc::feed_malformed, std::string(parsed.description()) + " at byte " +
                                                    std::to_string(parsed.offset) + " of " +
                                                    std::to_string(xml.size()));
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
        return make_error(errc::feed_malformed, "channel pubDate '" + clean(pub_date) + "' is not an RFC 822 date");
    }
    out.announced = *announced;

    std::size_t dropped = 0;
    std::unordered_set<std::string> seen;
    for (const auto item : channel.children("item")) {
        paper p;
        auto vid = parse_arxiv_id(item.child_value("guid"));
        if (vid.id.empty()) vid = parse_arxiv_id(item.child_value("link"));
        if (vid.id.empty() || !seen.insert(vid.id).second) {
            ++dropped;
            continue;
        }
        p.id = std::move(vid.id);
        p.version = vid.version > 0 ? vid.version : 1;
        const std::string_view type = item.child_value("arxiv:announce_type");
        p.type = parse_announce_type(text::trim(type)).value_or(announce_type::new_submission);
        p.title = clean(item.child_value("title"));
        p.abstract = abstract_of(item.child_value("description"));
        p.authors = split_authors(text::sanitize_utf8(item.child_value("dc:creator")));
        for (const auto cat : item.children("category")) p.categories.push_back(clean(cat.child_value()));
        out.papers.push_back(std::move(p));
    }
    if (skipped) *skipped = dropped;
    return out;
}

}  // namespace paperboy
