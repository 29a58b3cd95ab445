#include "arxiv/api.hpp"

#include "arxiv/feed_parser.hpp"
#include "core/text.hpp"

#include <pugixml.hpp>

#include <date/date.h>
#include <date/tz.h>

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

namespace {

day previous_weekday(day d) {
    do {
        d = day{std::chrono::sys_days{d} - std::chrono::days{1}};
    } while (std::chrono::weekday{std::chrono::sys_days{d}}.c_encoding() % 6 == 0);  // Sunday 0, Saturday 6
    return d;
}

// `d` at 14:00 US Eastern (arXiv's deadline), plus `minutes`, as a GMT stamp.
std::string eastern_stamp(day d, int minutes) {
    const auto* zone = date::locate_zone("America/New_York");
    const date::local_seconds local{date::days{std::chrono::sys_days{d}.time_since_epoch().count()} + std::chrono::hours{14} + std::chrono::minutes{minutes}};
    const auto utc = zone->to_sys(local, date::choose::earliest);
    return date::format("%Y%m%d%H%M", date::floor<std::chrono::minutes>(utc));
}

}  // namespace

submission_window feed_day_window(day feed_day) {
    const auto deadline = previous_weekday(feed_day);
    return {eastern_stamp(previous_weekday(deadline), 0), eastern_stamp(deadline, -1)};
}

std::string api_listing_url(std::string_view base, const std::vector<std::string>& categories, const submission_window& w, std::size_t start,
                            std::size_t max_results) {
    std::string query = "%28";
    for (std::size_t i = 0; i < categories.size(); ++i) query += (i ? "+OR+cat:" : "cat:") + categories[i];
    query += "%29+AND+submittedDate:%5B" + w.from + "+TO+" + w.to + "%5D";
    std::string url(base);
    url += url.find('?') == std::string::npos ? '?' : '&';
    return url + "search_query=" + query + "&sortBy=submittedDate&sortOrder=ascending&start=" + std::to_string(start) +
           "&max_results=" + std::to_string(max_results);
}

result<api_page> parse_api_page(std::string_view xml) {
    auto papers = parse_api_feed(xml);
    if (!papers) return papers.error();
    api_page page{std::move(*papers), std::nullopt};
    pugi::xml_document doc;
    if (doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype)) {
        const std::string total(text::trim(doc.child("feed").child_value("opensearch:totalResults")));
        if (!total.empty() && total.size() < 10 && std::all_of(total.begin(), total.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            page.total = static_cast<std::size_t>(std::stoul(total));
        }
    }
    return page;
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
