#include "arxiv/feed_source.hpp"

#include "core/files.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using namespace std::chrono_literals;

TEST_CASE("all categories go into one '+'-joined request, full URLs are kept") {
    CHECK(feed_url("https://rss.arxiv.org/rss/", {"cs.LG", "cs.AI"}) == "https://rss.arxiv.org/rss/cs.LG+cs.AI");
    CHECK(feed_url("http://127.0.0.1:8080/rss/", {"cs.CL"}) == "http://127.0.0.1:8080/rss/cs.CL");
    CHECK(feed_url("file:///tmp/feed.xml", {"cs.LG"}) == "file:///tmp/feed.xml");
}

TEST_CASE("retries back off exponentially, only for transient failures, and stop after max_attempts") {
    const fetch_policy policy{.max_attempts = 4, .backoff_base = 10s, .backoff_cap = 25s, .min_interval = 3s};
    const error timeout = make_error(errc::timeout, "read");
    CHECK(next_fetch_delay(timeout, 1, std::nullopt, policy) == 10s);
    CHECK(next_fetch_delay(timeout, 2, std::nullopt, policy) == 20s);
    CHECK(next_fetch_delay(timeout, 3, std::nullopt, policy) == 25s);  // capped
    CHECK_FALSE(next_fetch_delay(timeout, 4, std::nullopt, policy));   // attempts exhausted
    CHECK_FALSE(next_fetch_delay(make_error(errc::feed_rejected, "bad"), 1, std::nullopt, policy));
    CHECK_FALSE(next_fetch_delay(make_error(errc::feed_malformed, "bad"), 1, std::nullopt, policy));
}

TEST_CASE("a server's Retry-After is honoured, and no retry comes sooner than arXiv's 3 seconds") {
    const fetch_policy policy{.max_attempts = 4, .backoff_base = 1s, .backoff_cap = 60s, .min_interval = 3s};
    const error busy{errc::http_status, "HTTP 503", retry::may_help};
    CHECK(next_fetch_delay(busy, 1, std::nullopt, policy) == 3s);
    CHECK(next_fetch_delay(busy, 1, 30s, policy) == 30s);
    CHECK(parse_retry_after("120") == 120s);
    CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
    CHECK_FALSE(parse_retry_after("-5"));
}

TEST_CASE("requests are spaced by the politeness interval") {
    const auto t0 = std::chrono::steady_clock::time_point{} + 100s;
    CHECK(politeness_wait(std::nullopt, t0, 3s) == 0ms);
    CHECK(politeness_wait(t0, t0 + 1s, 3s) == 2s);
    CHECK(politeness_wait(t0, t0 + 5s, 3s) == 0ms);
}

TEST_CASE("HTTP answers map to bytes, permanent or transient errors") {
    net::http_response ok{200, "<rss/>", {}, "u"};
    CHECK(interpret_feed_response(ok).value() == "<rss/>");

    net::http_response bad{400, read_file(test::data_dir() / "feeds/bad-category-400.xml").value(), {}, "u"};
    const auto rejected = interpret_feed_response(bad);
    CHECK(rejected.error().code == errc::feed_rejected);
    CHECK(rejected.error().detail.find("HTTP 400") != std::string::npos);
    CHECK(rejected.error().detail.find("Bad subject class") != std::string::npos);

    CHECK(interpret_feed_response({503, "", {}, "u"}).error().transient());
    CHECK(interpret_feed_response({429, "", {}, "u"}).error().transient());
    CHECK_FALSE(interpret_feed_response({404, "not found", {}, "u"}).error().transient());
}
