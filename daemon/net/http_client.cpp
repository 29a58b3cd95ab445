#include "net/http_client.hpp"

#include "core/version.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <openssl/ssl.h>

#include <map>
#include <memory>
#include <optional>
#include <variant>

namespace paperboy::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace urls = boost::urls;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct target {
    bool tls = false;
    std::string host;
    std::string port;
    std::string path;  // path and query, never empty
};

result<target> parse_target(std::string_view url) {
    const auto parsed = urls::parse_uri(url);
    if (!parsed) return make_error(errc::usage, "not a valid URL: " + std::string(url));
    target t;
    const auto scheme = parsed->scheme();
    if (scheme == "https") t.tls = true;
    else if (scheme != "http") return make_error(errc::usage, "unsupported URL scheme '" + std::string(scheme) + "'");
    t.host = parsed->encoded_host();
    if (t.host.empty()) return make_error(errc::usage, "URL has no host: " + std::string(url));
    t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
    t.path = parsed->encoded_path();
    if (t.path.empty()) t.path = "/";
    if (parsed->has_query()) t.path += "?" + std::string(parsed->encoded_query());
    return t;
}

bool has_crlf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

error transport_error(const boost::system::error_code& ec, std::string_view step, const target& t) {
    const auto where = std::string(step) + " " + t.host + ":" + t.port;
    if (ec == beast::error::timeout || ec == asio::error::timed_out) {
        return make_error(errc::timeout, where + " timed out");
    }
    if (ec == http::error::body_limit) return make_error(errc::body_too_large, where + ": response body exceeds the limit");
    return make_error(errc::network, where + ": " + ec.message());
}

// What an exchange leaves behind, for the connection pool.
struct exchange_state {
    bool keep_alive = false;       // the answer allows another request on the connection
    bool answer_started = false;   // a byte of the answer arrived: the request was seen
};

template <class Stream>
asio::awaitable<result<http_response>> exchange(Stream& stream, const target& t, const http_request& in,
                                                 const http_options& opts, bool want_keep_alive, exchange_state& st) {
    http::request<http::string_body> req;
    req.method(http::string_to_verb(in.method));
    req.target(t.path);
    req.version(11);
    const bool default_port = (t.tls && t.port == "443") || (!t.tls && t.port == "80");
    req.set(http::field::host, default_port ? t.host : t.host + ":" + t.port);
    req.set(http::field::user_agent, opts.user_agent.empty() ? default_user_agent() : opts.user_agent);
    req.set(http::field::connection, want_keep_alive ? "keep-alive" : "close");
    for (const auto& [name, value] : in.headers) req.set(name, value);
    req.body() = in.body;
    req.prepare_payload();

    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(opts.step_timeout);
    if (auto [ec, n] = co_await http::async_write(stream, req, tuple_awaitable); ec) {
        co_return transport_error(ec, "sending request to", t);
    }

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(opts.body_limit);
    lowest.expires_after(opts.step_timeout);
    if (auto [ec, n] = co_await http::async_read(stream, buffer, parser, tuple_awaitable); ec) {
        st.answer_started = buffer.size() > 0 || parser.got_some();
        co_return transport_error(ec, "reading response from", t);
    }
    st.answer_started = true;
    st.keep_alive = want_keep_alive && parser.get().keep_alive() && parser.is_done();
    auto res = parser.release();
    http_response out;
    out.status = res.result_int();
    out.body = std::move(res.body());
    for (const auto& field : res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    co_return out;
}

asio::awaitable<result<tcp::resolver::results_type>> resolve(const target& t, const http_options& opts) {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    asio::steady_timer timer(ex, opts.step_timeout);
    auto outcome = co_await (resolver.async_resolve(t.host, t.port, tuple_awaitable) || timer.async_wait(tuple_awaitable));
    if (outcome.index() == 1) co_return make_error(errc::timeout, "resolving " + t.host + " timed out");
    auto [ec, endpoints] = std::get<0>(std::move(outcome));
    if (ec) co_return transport_error(ec, "resolving", t);
    co_return endpoints;
}

// The idle keep-alive connections of one thread (each worker of the scorer and the channels
// sends one request at a time, so this is one connection per concurrent worker). A connection
// idle longer than max_idle, or beyond max_connections, is closed: servers drop idle ones
// after a minute or so, and a dead one costs a failed write.
struct connection_pool {
    static constexpr std::size_t max_connections = 8;
    static constexpr auto max_idle = std::chrono::seconds(30);
    struct plain_entry {
        std::unique_ptr<beast::tcp_stream> stream;
        std::chrono::steady_clock::time_point since;
    };
    struct tls_entry {
        std::shared_ptr<ssl::context> ctx;
        std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
        std::chrono::steady_clock::time_point since;
    };
    asio::io_context io;
    std::map<std::string, plain_entry> plain;
    std::map<std::string, tls_entry> tls;
    std::map<std::string, std::shared_ptr<ssl::context>> contexts;  // by CA file

    template <class Map>
    auto take(Map& m, const std::string& key) -> decltype(m.begin()->second.stream) {
        const auto it = m.find(key);
        if (it == m.end()) return nullptr;
        auto stream = std::move(it->second.stream);
        const bool fresh = std::chrono::steady_clock::now() - it->second.since < max_idle;
        m.erase(it);
        return fresh ? std::move(stream) : nullptr;
    }
    void trim() {
        while (plain.size() + tls.size() > max_connections) {
            if (!plain.empty()) plain.erase(plain.begin());
            else tls.erase(tls.begin());
        }
    }
};

std::string pool_key(const target& t, const http_options& opts) { return t.host + ":" + t.port + "\x1f" + opts.ca_file; }

result<std::shared_ptr<ssl::context>> tls_context(connection_pool* pool, const http_options& opts) {
    if (pool) {
        if (const auto it = pool->contexts.find(opts.ca_file); it != pool->contexts.end()) return it->second;
    }
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                     ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (opts.ca_file.empty()) ctx->set_default_verify_paths(ec);
    else ctx->load_verify_file(opts.ca_file, ec);
    if (ec) return make_error(errc::usage, "cannot load CA certificates: " + ec.message());
    ctx->set_verify_mode(ssl::verify_peer);
    if (pool) pool->contexts[opts.ca_file] = ctx;
    return ctx;
}

asio::awaitable<result<std::unique_ptr<beast::tcp_stream>>> connect_plain(const target& t, const http_options& opts) {
    auto ex = co_await asio::this_coro::executor;
    auto endpoints = co_await resolve(t, opts);
    if (!endpoints) co_return endpoints.error();
    auto stream = std::make_unique<beast::tcp_stream>(ex);
    stream->expires_after(opts.step_timeout);
    if (auto [ec, ep] = co_await stream->async_connect(*endpoints, tuple_awaitable); ec) co_return transport_error(ec, "connecting to", t);
    co_return stream;
}

asio::awaitable<result<std::unique_ptr<beast::ssl_stream<beast::tcp_stream>>>> connect_tls(const target& t, const http_options& opts,
                                                                                            ssl::context& ctx) {
    auto ex = co_await asio::this_coro::executor;
    auto endpoints = co_await resolve(t, opts);
    if (!endpoints) co_return endpoints.error();
    auto stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex, ctx);
    if (!SSL_set_tlsext_host_name(stream->native_handle(), t.host.c_str())) {
        co_return make_error(errc::network, "cannot set TLS server name " + t.host);
    }
    stream->set_verify_callback(ssl::host_name_verification(t.host));
    auto& lowest = beast::get_lowest_layer(*stream);
    lowest.expires_after(opts.step_timeout);
    if (auto [cec, ep] = co_await lowest.async_connect(*endpoints, tuple_awaitable); cec) co_return transport_error(cec, "connecting to", t);
    lowest.expires_after(opts.step_timeout);
    if (auto [hec] = co_await stream->async_handshake(ssl::stream_base::client, tuple_awaitable); hec) {
        co_return transport_error(hec, "TLS handshake with", t);
    }
    co_return stream;
}

// One exchange on a pooled connection when there is one, else on a new one. A pooled
// connection the server closed while it was idle fails before any byte of the answer; only
// then is the request sent again, on a new connection (the server never saw it). A connection
// whose answer allows it goes back to the pool.
asio::awaitable<result<http_response>> request_once(const target& t, const http_request& req, const http_options& opts,
                                                    connection_pool* pool) {
    const auto key = pool_key(t, opts);
    if (!t.tls) {
        auto stream = pool ? pool->take(pool->plain, key) : nullptr;
        for (bool reused = stream != nullptr;; reused = false) {
            if (!stream) {
                auto fresh = co_await connect_plain(t, opts);
                if (!fresh) co_return fresh.error();
                stream = std::move(*fresh);
            }
            exchange_state st;
            auto res = co_await exchange(*stream, t, req, opts, pool != nullptr, st);
            if (!res && reused && !st.answer_started) {
                stream.reset();
                continue;
            }
            if (res && st.keep_alive) {
                pool->plain[key] = {std::move(stream), std::chrono::steady_clock::now()};
                pool->trim();
            } else {
                boost::system::error_code ignored;
                stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
            }
            co_return res;
        }
    }
    auto stream = pool ? pool->take(pool->tls, key) : nullptr;
    std::shared_ptr<ssl::context> ctx;
    for (bool reused = stream != nullptr;; reused = false) {
        if (!stream) {
            auto c = tls_context(pool, opts);
            if (!c) co_return c.error();
            ctx = *c;
            auto fresh = co_await connect_tls(t, opts, *ctx);
            if (!fresh) co_return fresh.error();
            stream = std::move(*fresh);
        }
        exchange_state st;
        auto res = co_await exchange(*stream, t, req, opts, pool != nullptr, st);
        if (!res && reused && !st.answer_started) {
            stream.reset();
            continue;
        }
        if (res && st.keep_alive) {
            if (!ctx) ctx = pool->contexts[opts.ca_file];
            pool->tls[key] = {ctx, std::move(stream), std::chrono::steady_clock::now()};
            pool->trim();
        } else {
            // A peer that closes without close_notify is common and harmless once the body is read.
            beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(2));
            co_await stream->async_shutdown(tuple_awaitable);
        }
        co_return res;
    }
}

bool is_redirect(unsigned status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

asio::awaitable<result<http_response>> request_following_redirects(http_request req, http_options opts, connection_pool* pool) {
    for (const auto& [name, value] : req.headers) {
        if (has_crlf(name) || has_crlf(value)) co_return make_error(errc::usage, "header " + name + " contains CR/LF");
    }
    std::string url = req.url;
    for (int hop = 0;; ++hop) {
        auto t = parse_target(url);
        if (!t) co_return t.error();
        auto res = co_await request_once(*t, req, opts, pool);
        if (!res || !is_redirect(res->status) || res->header("location").empty()) {
            if (res) res->final_url = url;
            co_return res;
        }
        if (hop >= opts.max_redirects) co_return make_error(errc::network, "too many redirects from " + req.url);
        const auto base = urls::parse_uri(url);
        const auto ref = urls::parse_uri_reference(res->header("location"));
        if (!base || !ref) co_return make_error(errc::network, "unusable redirect Location from " + url);
        urls::url next;
        if (auto rr = urls::resolve(*base, *ref, next); !rr) co_return make_error(errc::network, "unusable redirect Location from " + url);
        if (t->tls && next.scheme() != "https") {
            co_return make_error(errc::network, "refusing redirect from https to " + std::string(next.buffer()));
        }
        url = std::string(next.buffer());
        if (res->status == 303) {
            req.method = "GET";
            req.body.clear();
        }
    }
}

}  // namespace

std::string http_response::header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (beast::iequals(n, name)) return v;
    }
    return {};
}

std::string default_user_agent() {
    return std::string("paperboy/") + std::string(version_string) + " (personal arXiv digest)";
}

namespace {
asio::awaitable<result<http_response>> request_with_deadline(http_request req, http_options opts, connection_pool* pool) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer deadline(ex, opts.total_timeout);
    auto outcome = co_await (request_following_redirects(std::move(req), opts, pool) || deadline.async_wait(tuple_awaitable));
    if (outcome.index() == 1) {
        co_return make_error(errc::timeout, "request did not complete within " +
                                                std::to_string(opts.total_timeout.count()) + " ms");
    }
    co_return std::get<0>(std::move(outcome));
}
}  // namespace

asio::awaitable<result<http_response>> async_request(http_request req, http_options opts) {
    co_return co_await request_with_deadline(std::move(req), std::move(opts), nullptr);
}

result<http_response> request(http_request req, http_options opts) {
    // Per thread: its io_context and its idle connections live as long as the thread.
    thread_local connection_pool pool;
    auto& io = pool.io;
    io.restart();
    std::optional<result<http_response>> out;
    asio::co_spawn(io, request_with_deadline(std::move(req), std::move(opts), &pool),
                   [&](std::exception_ptr ep, result<http_response> r) {
                       if (ep) {
                           try {
                               std::rethrow_exception(ep);
                           } catch (const std::exception& e) {
                               out = make_error(errc::network, e.what());
                           }
                       } else {
                           out = std::move(r);
                       }
                   });
    io.run();
    if (!out) return make_error(errc::network, "request was abandoned");
    return std::move(*out);
}

}  // namespace paperboy::net
