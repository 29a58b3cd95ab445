#include "arxiv/feed_source.hpp"
#include "preprints/biorxiv.hpp"

#include <set>

namespace paperboy {

result<std::vector<paper>> fetch_preprints(const preprint_source& source, posting_window window, const net::http_options& http, const fetch_policy& policy) {
    std::vector<paper> out;
    std::set<std::string> seen;
    for (std::size_t cursor = 0, pages = 0;; ++pages) {
        if (pages >= 200) {
            return make_error(errc::feed_malformed, "the " + source.server + " API kept paging past 200 pages (20,000 preprints); the day was not read");
        }
        auto body = fetch_feed(biorxiv_details_url(source.api_url, source.server, window, cursor), http, policy);
        if (!body) return body.error();
        auto page = parse_biorxiv_page(*body, source.server, source.categories);
        if (!page) return page.error();
        for (auto& p : page->papers) {
            if (seen.insert(p.id).second) out.push_back(std::move(p));
        }
        cursor += page->count;
        if (page->count == 0 || !page->total || cursor >= *page->total) break;
    }
    return out;
}

}  // namespace paperboy
