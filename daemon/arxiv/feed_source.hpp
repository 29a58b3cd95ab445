// Getting the day's feed bytes: from a file:// URL or from arXiv over HTTP(S), with arXiv's
// politeness rule (at most one request every 3 seconds) and retries that only happen when
// they can help.
#pragma once

#include "arxiv/paper.hpp"
#include "core/error.hpp"
#include "net/http_client.hpp"

#include <chrono>
#include <functional>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

using std::chrono::milliseconds;

/// The URL to request: a base ending in '/' gets the categories appended, joined with '+'
/// (one request for all of them); any other URL (a file:// feed, a full feed URL) is used as it is.
/// feed_url("https://rss.arxiv.org/rss/", {"cs.LG","cs.AI"}) == "https://rss.arxiv.org/rss/cs.LG+cs.AI"
std::string feed_url(std::string_view base, const std::vector<std::string>& categories);

struct fetch_policy {
    int max_attempts = 4;                      // total tries, including the first
    milliseconds backoff_base{10'000};         // delay before the 2nd try; doubles each time
    milliseconds backoff_cap{120'000};
    milliseconds min_interval{3'000};          // arXiv's terms: one request per 3 seconds
};

/// Pure retry decision after failed attempt number `attempt` (1-based): the delay before the
/// next try, or nullopt to give up (permanent error, or attempts exhausted). A server's
/// Retry-After (`retry_after`) is honoured when it is longer than the backoff. Never shorter
/// than `min_interval`.
std::optional<milliseconds> next_fetch_delay(const error& failure, int attempt, std::optional<milliseconds> retry_after,
                                             const fetch_policy& policy);

/// How long to wait before sending a request so that two requests are at least `min_interval`
/// apart. Pure; `last` is nullopt when no request was made yet.
milliseconds politeness_wait(std::optional<std::chrono::steady_clock::time_point> last,
                             std::chrono::steady_clock::time_point now, milliseconds min_interval);

/// Parses a Retry-After value (delta seconds; HTTP dates are ignored): nullopt when absent or invalid.
std::optional<milliseconds> parse_retry_after(std::string_view value);

/// Maps an HTTP response for a feed request to bytes or an error: 200 gives the body; a 4xx
/// with arXiv's error feed gives errc::feed_rejected with arXiv's message (permanent); 429
/// and 5xx give errc::http_status marked transient; other statuses are permanent.
result<std::string> interpret_feed_response(const net::http_response& res);

struct fetch_observer {
    /// Called before each wait between attempts: (attempt that failed, its error, delay).
    std::function<void(int, const error&, milliseconds)> on_retry;
};

/// Reads the feed at `url`: a file:// URL (file:///abs/path) is read from disk (no retries); http(s) is fetched
/// with `http`, retried according to `policy`, and requests are spaced by min_interval across
/// the whole process. Blocks the calling thread while waiting.
result<std::string> fetch_feed(const std::string& url, const net::http_options& http, const fetch_policy& policy,
                               const fetch_observer& observer = {});

/// Fetches the papers in batches of `arxiv_api_batch`, one request per 3 s (fetch_feed's
/// politeness rule and retries), calling `progress(done, total)` after each batch. Ids the API
/// does not know are simply absent from the result.
result<std::vector<paper>> fetch_papers_by_id(std::string_view api_url, std::span<const std::string> ids, const net::http_options& http,
                                              const std::function<void(std::size_t, std::size_t)>& progress = {});

/// Rebuilds the feed of a past announcement day from the search API: the papers first
/// submitted in feed_day_window(feed_day) with one of `categories`, in pages of
/// arxiv_api_page, one request per 3 s on one connection (fetch_feed's rules, with the
/// retries of `policy`; a 429's Retry-After is honoured). A page that comes back empty although
/// totalResults promised more (a known API hiccup) is asked again twice before the day fails:
/// a partial day is never taken for the whole. Papers whose primary (first) category is not
/// among `categories` are cross-lists, as in the feed. `progress(done, total)` after each page.
result<feed> fetch_day_from_api(std::string_view api_url, const std::vector<std::string>& categories, day feed_day, const net::http_options& http,
                                const fetch_policy& policy,
                                const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace paperboy
