// bioRxiv and medRxiv through their shared public API, api.biorxiv.org: the details of the
// preprints posted in a date range, 100 a page, paged by cursor
// (/details/<server>/<from>/<to>/<cursor>/json). A digest day carries the new preprints
// (version 1) posted since the previous one, in the categories asked for. Pure, except
// fetch_preprints.
#pragma once

#include "arxiv/paper.hpp"
#include "config/config.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

namespace net { struct http_options; }
struct fetch_policy;

/// Preprints per page of the details endpoint.
inline constexpr std::size_t biorxiv_api_page = 100;

struct posting_window {
    day from, to;  // posting dates, both inclusive
};

/// The posting dates whose preprints digest day `d` (Monday to Friday) carries: from the
/// previous weekday to the day before `d` (Monday's: Friday to Sunday; Tuesday's: Monday), so
/// each posting day is in exactly one weekday's digest. A previous weekday in `no_digest`
/// (an arXiv holiday: no digest was made) hands its postings on: the window starts where its
/// own would have (at most a week back).
posting_window posting_window_for(day d, const std::set<day>& no_digest = {});

/// "<api_url>/details/<server>/<from>/<to>/<cursor>/json".
std::string biorxiv_details_url(std::string_view api_url, std::string_view server, posting_window w, std::size_t cursor);

struct preprint_page {
    std::vector<paper> papers;           // the kept ones: version 1, a wanted category
    std::size_t count = 0;               // entries on the page, kept or not
    std::optional<std::size_t> total;    // in the whole range
};

/// One page of the details endpoint, as untrusted JSON (at most 16 levels deep): its version-1
/// preprints whose category is among `categories` (compared ignoring case, '_' as a space; all
/// when empty), as papers with id "<server>:<doi>", plain-text fields like the feed's. An entry
/// without a well-formed DOI or a title is skipped. "no posts found" is an empty page; a body
/// that is not the API's JSON is errc::feed_malformed.
result<preprint_page> parse_biorxiv_page(std::string_view body, std::string_view server, const std::vector<std::string>& categories);

/// Every page of `source` for the posting window `w` (fetch_feed's rules: `http`, `policy`,
/// requests spaced), at most 200 pages.
result<std::vector<paper>> fetch_preprints(const preprint_source& source, posting_window w, const net::http_options& http, const fetch_policy& policy);

}  // namespace paperboy
