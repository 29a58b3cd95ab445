#include "net/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <map>
#include <optional>

namespace paperboy::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// A plain answer with Connection: close.
http::response<http::string_body> plain(http::status status, std::string body) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::server, "paperboy");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(body);
    res.prepare_payload();
    res.keep_alive(false);
    return res;
}
}  // namespace

struct http_server::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io, route r, server_limits l) : acceptor(io), handler(std::move(r)), limits(l) {}
    tcp::acceptor acceptor;
    route handler;
    server_limits limits;
    struct connection_state {
        asio::ip::address peer;
        std::uint64_t serial = 0;  // accept order: lower is older
        bool idle = true;          // waiting for a request head (a slow client looks like this)
    };
    std::map<std::shared_ptr<beast::tcp_stream>, connection_state> open;
    std::uint64_t accepted = 0;
    bool stopped = false;

    served answer(const http::request<http::string_body>& req) const {
        const bool post = req.method() == http::verb::post;
        if (req.method() != http::verb::get && req.method() != http::verb::head && !post) return {405, "text/plain; charset=utf-8", "method not allowed\n"};
        if (!post && !req.body().empty()) return {413, "text/plain; charset=utf-8", "request body not accepted\n"};
        const std::string target(req.target());
        const bool printable = std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; });
        if (target.empty() || target.front() != '/' || target.size() > 1024 || !printable) return {400, "text/plain; charset=utf-8", "bad request\n"};
        const auto q = target.find('?');
        return handler({std::string(req.method_string()), target.substr(0, q), q == std::string::npos ? std::string() : target.substr(q + 1),
                        req.body(), std::string(req[http::field::if_none_match].substr(0, 256)),
                        std::string(req[http::field::if_modified_since].substr(0, 64))});
    }

    // Closes the oldest idle connection, of `peer` only when given; false when none is idle.
    bool evict_oldest_idle(const std::optional<asio::ip::address>& peer) {
        auto oldest = open.end();
        for (auto it = open.begin(); it != open.end(); ++it) {
            if (!it->second.idle || (peer && it->second.peer != *peer)) continue;
            if (oldest == open.end() || it->second.serial < oldest->second.serial) oldest = it;
        }
        if (oldest == open.end()) return false;
        beast::error_code ignored;
        oldest->first->socket().close(ignored);  // its session ends and forgets it
        open.erase(oldest);
        return true;
    }

    // Room for a connection from `peer`: within the per-address and the total limit, making
    // room by closing the oldest idle connections. False when every connection is busy.
    bool make_room(const asio::ip::address& peer) {
        const auto from_peer = [&] {
            return static_cast<std::size_t>(std::count_if(open.begin(), open.end(), [&](const auto& c) { return c.second.peer == peer; }));
        };
        while (from_peer() >= limits.max_per_address) {
            if (!evict_oldest_idle(peer)) return false;
        }
        while (open.size() >= limits.max_connections) {
            if (!evict_oldest_idle(std::nullopt)) return false;
        }
        return true;
    }

    void set_idle(const std::shared_ptr<beast::tcp_stream>& stream, bool idle) {
        if (const auto it = open.find(stream); it != open.end()) it->second.idle = idle;
    }

    asio::awaitable<void> session(std::shared_ptr<beast::tcp_stream> stream) {
        auto self = shared_from_this();
        beast::flat_buffer buffer(8192);
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(8192);
            parser.body_limit(max_body_bytes);
            set_idle(stream, true);
            stream->expires_after(limits.head_timeout);
            auto [ec, n] = co_await http::async_read(*stream, buffer, parser, tuple_awaitable);
            if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
                ec == asio::error::connection_reset || ec == asio::error::bad_descriptor || !open.contains(stream)) {
                break;  // gone, too slow, or closed to make room: nobody to answer
            }
            if (ec) {
                set_idle(stream, false);
                stream->expires_after(limits.head_timeout);
                const auto res = ec == http::error::body_limit     ? plain(http::status::payload_too_large, "request body not accepted\n")
                                 : ec == http::error::header_limit ? plain(http::status::request_header_fields_too_large, "request head too large\n")
                                                                   : plain(http::status::bad_request, "bad request\n");
                co_await http::async_write(*stream, res, tuple_awaitable);
                break;
            }
            set_idle(stream, false);
            const auto& req = parser.get();
            const auto s = answer(req);
            http::response<http::string_body> res{static_cast<http::status>(s.status), req.version()};
            res.set(http::field::server, "paperboy");
            res.set(http::field::content_type, s.content_type);
            res.set(http::field::cache_control, s.etag.empty() && s.last_modified.empty() ? "no-store" : "no-cache");
            if (!s.etag.empty()) res.set(http::field::etag, s.etag);
            if (!s.last_modified.empty()) res.set(http::field::last_modified, s.last_modified);
            res.set("X-Content-Type-Options", "nosniff");
            res.body() = req.method() == http::verb::head ? std::string() : s.body;
            res.prepare_payload();
            if (req.method() == http::verb::head) res.content_length(s.body.size());
            res.keep_alive(req.keep_alive());
            stream->expires_after(std::chrono::seconds(30));
            auto [wec, wn] = co_await http::async_write(*stream, res, tuple_awaitable);
            if (wec || !res.keep_alive()) break;
        }
        beast::error_code ignored;
        stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
        open.erase(stream);
    }

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        while (!stopped) {
            auto [ec, socket] = co_await acceptor.async_accept(tuple_awaitable);
            if (ec) {
                if (ec == asio::error::operation_aborted || stopped) break;
                continue;
            }
            beast::error_code peer_ec;
            const auto peer = socket.remote_endpoint(peer_ec).address();
            if (peer_ec || !make_room(peer)) continue;  // every connection is busy answering: drop this one
            auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
            open.emplace(stream, connection_state{peer, ++accepted, true});
            asio::co_spawn(acceptor.get_executor(), session(stream), asio::detached);
        }
    }
};

result<std::unique_ptr<http_server>> http_server::start(asio::io_context& io, const std::string& listen, route handler,
                                                       server_limits limits) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) return make_error(errc::config_invalid, "/server/listen: expected host:port, got '" + listen + "'");
    auto host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) return make_error(errc::config_invalid, "/server/listen: '" + host + "' is not an IP address");
    unsigned long port = 0;
    try {
        port = std::stoul(listen.substr(colon + 1));
    } catch (...) {
        port = 70000;
    }
    if (port > 65535) return make_error(errc::config_invalid, "/server/listen: bad port in '" + listen + "'");
    auto p = std::make_shared<impl>(io, std::move(handler), limits);
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
    p->acceptor.open(endpoint.protocol(), ec);
    if (!ec) p->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) p->acceptor.bind(endpoint, ec);
    if (!ec) p->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return make_error(errc::io, "cannot listen on " + listen + ": " + ec.message());
    asio::co_spawn(io, p->accept_loop(), asio::detached);
    return std::unique_ptr<http_server>(new http_server(std::move(p)));
}

http_server::~http_server() { stop(); }

unsigned short http_server::port() const noexcept {
    boost::system::error_code ec;
    return impl_->acceptor.local_endpoint(ec).port();
}

void http_server::stop() {
    if (impl_->stopped) return;
    impl_->stopped = true;
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    for (const auto& [stream, state] : impl_->open) stream->socket().close(ec);
}

}  // namespace paperboy::net
