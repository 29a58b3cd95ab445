#include "arxiv/api.hpp"

#include "arxiv/feed_parser.hpp"
#include "core/text.hpp"

#include <pugixml.hpp>

#include <algorithm>

namespace paperboy {
namespace {

std::string clean(std::string_view s) { return text::collapse_whitespace(text::sanitize_utf8(s)); }

}  // namespace

std::string api_query_url(std::string_view base, std::span<const std::string> ids) {
    std::string url(base);
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += "id_list=";
    for (std::size_t i = 0; i < ids.size(); ++i) url += (i ? "," : "") + ids[i];
    url += "&max_results=" + std::to_string(ids.size());
    return url;
}

result<std::vector<paper>> parse_api_feed(std::string_view xml) {
    pugi::xml_document doc;
    // No DOCTYPE processing in pugixml: entity expansion cannot blow up.
    if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype)) {
        return make_error(errc::feed_malformed, "the arXiv API answer is not XML");
    }
    const auto root = doc.child("feed");
    if (!root) return make_error(errc::feed_malformed, "the arXiv API answer is not an Atom feed");
    std::vector<paper> out;
    for (const auto entry : root.children("entry")) {
        const std::string id_text = entry.child_value("id");
        if (clean(entry.child_value("title")) == "Error" && id_text.find("/api/errors") != std::string::npos) {
            return make_error(errc::feed_rejected, "arXiv's API refused the request: " + text::clean_line(entry.child_value("summary"), 300));
        }
        const auto vid = parse_arxiv_id(id_text);
        if (!is_arxiv_id(vid.id)) continue;
        paper p;
        p.id = vid.id;
        p.version = std::max(1, vid.version);
        p.title = clean(entry.child_value("title"));
        p.abstract = clean(entry.child_value("summary"));
        for (const auto author : entry.children("author")) {
            if (auto name = clean(author.child_value("name")); !name.empty()) p.authors.push_back(std::move(name));
        }
        for (const auto category : entry.children("category")) {
            if (auto term = clean(category.attribute("term").value()); !term.empty()) p.categories.push_back(std::move(term));
        }
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace paperboy
