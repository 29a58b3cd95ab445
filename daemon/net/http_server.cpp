#include "net/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <set>

namespace paperboy::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_connections = 64;
}  // namespace

struct http_server::impl : std::enable_shared_from_this<impl> {
    impl(asio::io_context& io, route r) : acceptor(io), handler(std::move(r)) {}
    tcp::acceptor acceptor;
    route handler;
    std::set<std::shared_ptr<beast::tcp_stream>> open;
    bool stopped = false;

    served answer(const http::request<http::empty_body>& req) const {
        if (req.method() != http::verb::get && req.method() != http::verb::head) return {405, "text/plain; charset=utf-8", "method not allowed\n"};
        const std::string target(req.target());
        const bool printable = std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; });
        if (target.empty() || target.front() != '/' || target.size() > 1024 || !printable) return {400, "text/plain; charset=utf-8", "bad request\n"};
        return handler(target.substr(0, target.find('?')));
    }

    asio::awaitable<void> session(std::shared_ptr<beast::tcp_stream> stream) {
        auto self = shared_from_this();
        beast::flat_buffer buffer(8192);
        for (;;) {
            http::request_parser<http::empty_body> parser;
            parser.header_limit(8192);
            parser.body_limit(0);
            stream->expires_after(std::chrono::seconds(10));
            auto [ec, n] = co_await http::async_read(*stream, buffer, parser, tuple_awaitable);
            if (ec == http::error::body_limit) {
                http::response<http::string_body> res{http::status::payload_too_large, 11};
                res.body() = "request body not accepted\n";
                res.prepare_payload();
                res.keep_alive(false);
                co_await http::async_write(*stream, res, tuple_awaitable);
                break;
            }
            if (ec) break;
            const auto& req = parser.get();
            const auto s = answer(req);
            http::response<http::string_body> res{static_cast<http::status>(s.status), req.version()};
            res.set(http::field::server, "paperboy");
            res.set(http::field::content_type, s.content_type);
            res.set(http::field::cache_control, "no-store");
            res.set("X-Content-Type-Options", "nosniff");
            res.body() = req.method() == http::verb::head ? std::string() : s.body;
            res.prepare_payload();
            if (req.method() == http::verb::head) res.content_length(s.body.size());
            res.keep_alive(req.keep_alive());
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
            if (open.size() >= max_connections) continue;  // dropping is kinder than queueing forever
            auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
            open.insert(stream);
            asio::co_spawn(acceptor.get_executor(), session(stream), asio::detached);
        }
    }
};

result<std::unique_ptr<http_server>> http_server::start(asio::io_context& io, const std::string& listen, route handler) {
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
    auto p = std::make_shared<impl>(io, std::move(handler));
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
    for (const auto& s : impl_->open) s->socket().close(ec);
}

}  // namespace paperboy::net
