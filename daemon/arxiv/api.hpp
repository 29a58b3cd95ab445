// arXiv's search API (export.arxiv.org/api/query): papers named by id (their metadata for
// `paperboy import`) and the papers first submitted in an announcement day's window (for
// `paperboy backfill`). The API answers in Atom. Pure; feed_source.hpp fetches.
#pragma once

#include "arxiv/paper.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

/// Ids per API request: arXiv allows up to 2000 results per call; 100 keeps each answer small.
inline constexpr std::size_t arxiv_api_batch = 100;

/// "<base>?id_list=a,b&max_results=2" (ids without versions: the latest one).
std::string api_query_url(std::string_view base, std::span<const std::string> ids);

/// Results per page of a day's listing: the API allows 2000; 500 keeps answers small.
inline constexpr std::size_t arxiv_api_page = 500;

/// The submission window whose new papers arXiv's feed of `feed_day` (Monday to Friday)
/// carries, as the API's GMT stamps "YYYYMMDDHHMM", both inclusive: from the previous
/// weekday's 14:00 US Eastern to one minute before the next 14:00 (the feed of Tuesday holds
/// Friday 14:00 to Monday 13:59; of Monday, Thursday 14:00 to Friday 13:59). Holidays, which
/// move arXiv's deadlines, are not modelled.
struct submission_window {
    std::string from, to;
};
submission_window feed_day_window(day feed_day);

/// "<base>?search_query=(cat:A OR cat:B) AND submittedDate:[from TO to]&sortBy=submittedDate
/// &sortOrder=ascending&start=N&max_results=M", percent-encoded. `categories` are validated
/// arXiv category names.
std::string api_listing_url(std::string_view base, const std::vector<std::string>& categories, const submission_window& w, std::size_t start,
                            std::size_t max_results = arxiv_api_page);

/// One page of an API answer: its papers and opensearch:totalResults (nullopt when absent).
struct api_page {
    std::vector<paper> papers;
    std::optional<std::size_t> total;
};
result<api_page> parse_api_page(std::string_view xml);

/// The entries of an API answer as papers (id and version from <id>, title, summary as the
/// abstract, authors, categories; whitespace collapsed, invalid UTF-8 replaced). arXiv's error
/// answer (one entry titled "Error") is errc::feed_rejected with its message; a body that is
/// not Atom is errc::feed_malformed. Entries without a valid arXiv id are left out.
result<std::vector<paper>> parse_api_feed(std::string_view xml);

}  // namespace paperboy
