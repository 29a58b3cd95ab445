#include "support/fake_http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace paperboy::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct fake_http_server::impl {
    handler on_request;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    unsigned short port = 0;
    std::thread worker;
    mutable std::mutex mutex;
    std::condition_variable stop_cv;
    bool stopping = false;
    std::vector<recorded_request> log;
    std::optional<asio::ssl::context> tls;
    std::vector<std::thread> connections;
    std::vector<tcp::socket*> open_sockets;  // shut down on stop: a kept-alive client may never close
    int accepted = 0;
    int close_after = 0;  // > 0: drop a connection silently after this many requests, as servers drop idle ones

    void serve() {
        while (true) {
            tcp::socket socket(io);
            boost::system::error_code ec;
            acceptor.accept(socket, ec);
            {
                std::lock_guard lock(mutex);
                if (stopping) return;
            }
            if (ec) continue;
            // One thread per connection, so that concurrent clients are served concurrently.
            std::lock_guard lock(mutex);
            ++accepted;
            connections.emplace_back([this, s = std::move(socket)]() mutable {
                {
                    std::lock_guard l(mutex);
                    if (stopping) return;
                    open_sockets.push_back(&s);
                }
                serve_connection(s);
                std::lock_guard l(mutex);
                std::erase(open_sockets, &s);
            });
        }
    }

    void serve_connection(tcp::socket& socket) {
        boost::system::error_code ec;
        if (tls) {
            asio::ssl::stream<tcp::socket&> stream(socket, *tls);
            stream.handshake(asio::ssl::stream_base::server, ec);
            if (!ec) handle(stream);  // a client that rejects our certificate ends here
        } else {
            handle(socket);
        }
    }

    // Requests on one connection, as long as the client keeps it alive (HTTP/1.1 keep-alive).
    template <class Stream>
    void handle(Stream& socket) {
        beast::flat_buffer buffer;
        for (int served = 1; handle_one(socket, buffer); ++served) {
            std::lock_guard lock(mutex);
            if (close_after > 0 && served >= close_after) break;
        }
        boost::system::error_code ec;
        beast::get_lowest_layer(socket).shutdown(tcp::socket::shutdown_both, ec);
    }

    template <class Stream>
    bool handle_one(Stream& socket, beast::flat_buffer& buffer) {
        // Beast's default request limit is 1 MB; a Batch API upload of a big day is larger
        // (the real service takes 200 MB).
        http::request_parser<http::string_body> parser;
        parser.body_limit(256u * 1024 * 1024);
        boost::system::error_code ec;
        http::read(socket, buffer, parser, ec);
        if (ec) return false;
        auto req = parser.release();
        recorded_request rec{std::string(req.method_string()), std::string(req.target()), {}, req.body(),
                             std::chrono::steady_clock::now()};
        for (const auto& f : req) {
            std::string name(f.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            rec.headers[name] = std::string(f.value());
        }
        {
            std::lock_guard lock(mutex);
            log.push_back(rec);
        }
        const auto answer = on_request(rec);
        if (answer.delay.count() > 0) {
            std::unique_lock lock(mutex);
            if (stop_cv.wait_for(lock, answer.delay, [&] { return stopping; })) return false;
        }
        http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
        res.set(http::field::server, "paperboy-test");
        const bool again = req.keep_alive();
        res.keep_alive(again);
        for (const auto& [name, value] : answer.headers) res.set(name, value);
        res.body() = answer.body;
        res.prepare_payload();
        http::write(socket, res, ec);
        return !ec && again && !res.need_eof();
    }
};

fake_http_server::fake_http_server(handler h, tls_files files) : fake_http_server(std::move(h), std::optional(std::move(files))) {}

fake_http_server::fake_http_server(handler h) : fake_http_server(std::move(h), std::optional<tls_files>()) {}

fake_http_server::fake_http_server(handler h, std::optional<tls_files> files) : impl_(std::make_unique<impl>()) {
    if (files) {
        impl_->tls.emplace(asio::ssl::context::tls_server);
        impl_->tls->use_certificate_chain_file(files->certificate_chain);
        impl_->tls->use_private_key_file(files->private_key, asio::ssl::context::pem);
    }
    impl_->on_request = std::move(h);
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    impl_->port = impl_->acceptor.local_endpoint().port();
    impl_->worker = std::thread([this] { impl_->serve(); });
}

fake_http_server::~fake_http_server() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->stop_cv.notify_all();
    {
        // Connections a client keeps alive would wait for its next request forever.
        std::lock_guard lock(impl_->mutex);
        for (auto* s : impl_->open_sockets) {
            boost::system::error_code ignored;
            s->shutdown(tcp::socket::shutdown_both, ignored);
        }
    }
    // Wake the blocking accept with a connection of our own.
    boost::system::error_code ec;
    tcp::socket poke(impl_->io);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), impl_->port), ec);
    impl_->worker.join();
    for (auto& t : impl_->connections) t.join();
}

unsigned short fake_http_server::port() const { return impl_->port; }

void fake_http_server::close_connections_after(int requests) {
    std::lock_guard lock(impl_->mutex);
    impl_->close_after = requests;
}

int fake_http_server::connections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->accepted;
}

std::string fake_http_server::url(const std::string& path) const {
    return (impl_->tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(impl_->port) + path;
}

std::vector<recorded_request> fake_http_server::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->log;
}

}  // namespace paperboy::test
