#include "arxiv/feed_source.hpp"

#include "arxiv/api.hpp"
#include "arxiv/feed_parser.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "paperboy/plugin_sdk.hpp"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <set>
#include <thread>

namespace paperboy {
namespace {

std::mutex politeness_mutex;
std::optional<std::chrono::steady_clock::time_point> last_request;

// Waits until this process may send its next request to the feed host, then records it.
void wait_for_turn(milliseconds min_interval) {
    std::lock_guard lock(politeness_mutex);
    const auto wait = politeness_wait(last_request, std::chrono::steady_clock::now(), min_interval);
    if (wait.count() > 0) std::this_thread::sleep_for(wait);
    last_request = std::chrono::steady_clock::now();
}

}  // namespace

std::string feed_url(std::string_view base, const std::vector<std::string>& categories) {
    std::string url(base);
    if (!url.empty() && url.back() == '/') {
        for (std::size_t i = 0; i < categories.size(); ++i) {
            if (i > 0) url += '+';
            url += categories[i];
        }
    }
    return url;
}

std::optional<milliseconds> next_fetch_delay(const error& failure, int attempt, std::optional<milliseconds> retry_after,
                                             const fetch_policy& policy) {
    if (!failure.transient() || attempt >= policy.max_attempts) return std::nullopt;
    auto delay = policy.backoff_base;
    for (int i = 1; i < attempt && delay < policy.backoff_cap; ++i) delay *= 2;
    delay = std::min(delay, policy.backoff_cap);
    if (retry_after) delay = std::max(delay, *retry_after);
    return std::max(delay, policy.min_interval);
}

milliseconds politeness_wait(std::optional<std::chrono::steady_clock::time_point> last,
                             std::chrono::steady_clock::time_point now, milliseconds min_interval) {
    if (!last) return milliseconds{0};
    const auto elapsed = std::chrono::duration_cast<milliseconds>(now - *last);
    return elapsed >= min_interval ? milliseconds{0} : min_interval - elapsed;
}

std::optional<milliseconds> parse_retry_after(std::string_view value) {
    const auto ms = sdk::seconds_text_to_ms(value, 3'600'000);
    if (!ms) return std::nullopt;
    return milliseconds{*ms};
}

result<std::string> interpret_feed_response(const net::http_response& res) {
    if (res.status == 200) return res.body;
    const auto status = "HTTP " + std::to_string(res.status);
    if (res.status == 429 || res.status >= 500) {
        return error{errc::http_status, status + " from " + res.final_url, retry::may_help};
    }
    if (res.status >= 400 && res.status < 500) {
        // arXiv explains a bad query in a feed-shaped body.
        if (auto parsed = parse_feed(res.body); !parsed && parsed.error().code == errc::feed_rejected) {
            return make_error(errc::feed_rejected, status + ": " + parsed.error().detail);
        }
    }
    return make_error(errc::http_status, status + " from " + res.final_url);
}

result<std::string> fetch_feed(const std::string& url, const net::http_options& http, const fetch_policy& policy,
                               const fetch_observer& observer) {
    if (url.starts_with("file://")) {
        // file://PATH; a "localhost" host is accepted as the RFC 8089 form file://localhost/PATH.
        std::string_view path = std::string_view(url).substr(7);
        if (path.starts_with("localhost/")) path.remove_prefix(9);
        return read_file(std::string(path));
    }
    for (int attempt = 1;; ++attempt) {
        wait_for_turn(policy.min_interval);
        auto res = net::request({.method = "GET", .url = url, .headers = {{"Accept", "application/rss+xml, application/xml"}}, .body = {}},
                                http);
        std::optional<milliseconds> retry_after;
        result<std::string> body = res ? interpret_feed_response(*res) : result<std::string>(res.error());
        if (body) return body;
        if (res) retry_after = parse_retry_after(res->header("retry-after"));
        const auto delay = next_fetch_delay(body.error(), attempt, retry_after, policy);
        if (!delay) {
            auto e = body.error();
            if (attempt > 1) e.detail += " (after " + std::to_string(attempt) + " attempts)";
            return e;
        }
        if (observer.on_retry) observer.on_retry(attempt, body.error(), *delay);
        std::this_thread::sleep_for(*delay);
    }
}

result<std::vector<paper>> fetch_papers_by_id(std::string_view api_url, std::span<const std::string> ids, const net::http_options& http,
                                              const std::function<void(std::size_t, std::size_t)>& progress) {
    std::vector<paper> out;
    for (std::size_t start = 0; start < ids.size(); start += arxiv_api_batch) {
        const auto batch = ids.subspan(start, std::min(arxiv_api_batch, ids.size() - start));
        auto body = fetch_feed(api_query_url(api_url, batch), http, fetch_policy{});
        if (!body) return body.error();
        auto papers = parse_api_feed(*body);
        if (!papers) return papers.error();
        for (auto& p : *papers) out.push_back(std::move(p));
        if (progress) progress(start + batch.size(), ids.size());
    }
    return out;
}

result<feed> fetch_day_from_api(std::string_view api_url, const std::vector<std::string>& categories, day feed_day, const net::http_options& http,
                                const fetch_policy& policy,
                                const std::function<void(std::size_t, std::size_t)>& progress) {
    const auto window = feed_day_window(feed_day);
    feed f;
    f.announced = feed_day;
    f.title = text::join(categories) + " (rebuilt from the arXiv API)";
    std::set<std::string> seen;
    std::optional<std::size_t> total;
    for (std::size_t start = 0;;) {
        std::optional<api_page> page;
        for (int empty_tries = 0; empty_tries < 3; ++empty_tries) {
            auto body = fetch_feed(api_listing_url(api_url, categories, window, start), http, policy);
            if (!body) return body.error();
            auto parsed = parse_api_page(*body);
            if (!parsed) return parsed.error();
            page = std::move(*parsed);
            if (page->total) total = page->total;
            if (!page->papers.empty() || !total || start >= *total) break;
        }
        if (page->papers.empty() && total && start < *total) {
            return make_error(errc::feed_malformed, "the arXiv API answered an empty page at " + std::to_string(start) + " of " + std::to_string(*total) +
                                                        " results three times; the day was not rebuilt (try again later)");
        }
        for (auto& p : page->papers) {
            if (!seen.insert(p.id).second) continue;
            const bool primary = !p.categories.empty() && std::find(categories.begin(), categories.end(), p.categories.front()) != categories.end();
            p.type = primary ? announce_type::new_submission : announce_type::cross_list;
            f.papers.push_back(std::move(p));
        }
        start += page->papers.size();
        if (progress) progress(start, total.value_or(start));
        if (page->papers.size() < arxiv_api_page || (total && start >= *total)) break;
    }
    return f;
}

}  // namespace paperboy
