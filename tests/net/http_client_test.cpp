#include "net/http_client.hpp"

#include "arxiv/feed_source.hpp"
#include "core/files.hpp"
#include "support/fake_http_server.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace paperboy;
using namespace std::chrono_literals;
using test::fake_http_server;
using test::scripted_response;

namespace {
net::http_options quick() {
    net::http_options o;
    o.step_timeout = 2s;
    o.total_timeout = 5s;
    return o;
}
fetch_policy no_wait(int attempts = 1) { return {.max_attempts = attempts, .backoff_base = 0ms, .backoff_cap = 0ms, .min_interval = 0ms}; }
}  // namespace

TEST_CASE("the feed is fetched in one '+'-joined request that names paperboy") {
    const auto feed = read_file(test::data_dir() / "feeds/holiday-empty-2025-12-25.xml").value();
    fake_http_server server([&](const auto&) { return scripted_response{200, feed, {{"Content-Type", "application/rss+xml"}}}; });
    const auto body = fetch_feed(feed_url(server.url("/rss/"), {"cs.LG", "cs.AI"}), quick(), no_wait());
    CHECK(body.value() == feed);
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].target == "/rss/cs.LG+cs.AI");
    CHECK(reqs[0].headers.at("user-agent").starts_with("paperboy/"));
}

TEST_CASE("a 503 is retried, no sooner than 3 seconds after the previous request") {
    int calls = 0;
    fake_http_server server([&](const auto&) {
        return ++calls == 1 ? scripted_response{503, "busy", {}} : scripted_response{200, "<rss/>", {}};
    });
    const fetch_policy policy{.max_attempts = 3, .backoff_base = 100ms, .backoff_cap = 1s, .min_interval = 3s};
    CHECK(fetch_feed(server.url("/rss/cs.LG"), quick(), policy).value() == "<rss/>");
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[1].received - reqs[0].received >= 3s);
}

TEST_CASE("arXiv's 400 error feed is reported with its message and not retried") {
    const auto body = read_file(test::data_dir() / "feeds/bad-category-400.xml").value();
    fake_http_server server([&](const auto&) { return scripted_response{400, body, {}}; });
    const auto r = fetch_feed(server.url("/rss/cs.XX"), quick(), no_wait(4));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::feed_rejected);
    CHECK(r.error().detail.find("Bad subject class 'XX'") != std::string::npos);
    CHECK(server.requests().size() == 1);
}

TEST_CASE("a server that never answers times out within the step deadline") {
    fake_http_server server([](const auto&) { return scripted_response{200, "late", {}, 10s}; });
    auto opts = quick();
    opts.step_timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    const auto r = net::request({.method = "GET", .url = server.url("/slow"), .headers = {}, .body = {}}, opts);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::timeout);
    CHECK(r.error().transient());
    CHECK(std::chrono::steady_clock::now() - start < 3s);
}

TEST_CASE("a body over the cap is refused") {
    fake_http_server server([](const auto&) { return scripted_response{200, std::string(5000, 'x'), {}}; });
    auto opts = quick();
    opts.body_limit = 1000;
    const auto r = net::request({.method = "GET", .url = server.url("/big"), .headers = {}, .body = {}}, opts);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::body_too_large);
}

TEST_CASE("redirects are followed to the final answer") {
    fake_http_server server([](const test::recorded_request& req) {
        if (req.target == "/old") return scripted_response{301, "", {{"Location", "/new"}}};
        return scripted_response{200, "moved here", {}};
    });
    const auto r = net::request({.method = "GET", .url = server.url("/old"), .headers = {}, .body = {}}, quick());
    CHECK(r.value().body == "moved here");
    CHECK(r.value().final_url == server.url("/new"));
}

TEST_CASE("https to a peer that does not speak TLS fails instead of falling back to plain HTTP") {
    fake_http_server server([](const auto&) { return scripted_response{200, "plain", {}}; });
    const auto url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
    const auto r = net::request({.method = "GET", .url = url, .headers = {}, .body = {}}, quick());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::network);
}

TEST_CASE("a closed port is a transient network error") {
    unsigned short port = 0;
    {
        fake_http_server server([](const auto&) { return scripted_response{}; });
        port = server.port();
    }
    const auto r = net::request({.method = "GET", .url = "http://127.0.0.1:" + std::to_string(port) + "/", .headers = {}, .body = {}},
                                quick());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::network);
    CHECK(r.error().transient());
}

TEST_CASE("header values with CR/LF are refused before anything is sent") {
    const auto r = net::request({.method = "GET", .url = "http://127.0.0.1:1/", .headers = {{"X-Test", "a\r\nBcc: x"}}, .body = {}},
                                quick());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::usage);
}

namespace {
// A self-signed certificate for `name` (CN and subjectAltName), made with the openssl CLI.
test::fake_http_server::tls_files make_certificate(const test::temp_dir& dir, const std::string& san) {
    const auto cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
    const auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=paperboy-test -addext subjectAltName=" + san +
                     " -keyout '" + key + "' -out '" + cert + "' >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return {cert, key};
}
}  // namespace

TEST_CASE("TLS: a certificate the trust store does not vouch for is refused") {
    test::temp_dir dir;
    fake_http_server server([](const auto&) { return scripted_response{200, "secret", {}}; },
                            make_certificate(dir, "IP:127.0.0.1"));
    const auto r = net::request({.method = "GET", .url = server.url("/"), .headers = {}, .body = {}}, quick());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::network);
    CHECK(r.error().detail.find("TLS handshake") != std::string::npos);
}

TEST_CASE("TLS: the same server is accepted when its certificate is trusted, and refused under another name") {
    test::temp_dir dir;
    const auto good = make_certificate(dir, "IP:127.0.0.1");
    {
        fake_http_server server([](const auto&) { return scripted_response{200, "hello over TLS", {}}; }, good);
        auto opts = quick();
        opts.ca_file = good.certificate_chain;
        CHECK(net::request({.method = "GET", .url = server.url("/"), .headers = {}, .body = {}}, opts).value().body ==
              "hello over TLS");
    }
    test::temp_dir other;
    const auto wrong_name = make_certificate(other, "DNS:not-this-host.example");
    fake_http_server server([](const auto&) { return scripted_response{200, "wrong host", {}}; }, wrong_name);
    auto opts = quick();
    opts.ca_file = wrong_name.certificate_chain;
    const auto r = net::request({.method = "GET", .url = server.url("/"), .headers = {}, .body = {}}, opts);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::network);
}
