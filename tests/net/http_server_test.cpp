// The daemon's HTTP server against hostile clients: slow heads, many connections from one
// address, malformed requests. Real sockets on 127.0.0.1.
#include "net/http_server.hpp"

#include "net/http_client.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using namespace paperboy;
using namespace std::chrono_literals;

namespace {

struct running_server {
    boost::asio::io_context io;
    std::unique_ptr<net::http_server> server;
    std::thread thread;

    explicit running_server(net::server_limits limits = {}) {
        server = net::http_server::start(io, "127.0.0.1:0", [](const net::inbound_request& r) {
                     if (r.method == "POST") return net::served{405, "text/plain", "no\n"};
                     return net::served{200, "text/plain", "ok\n"};
                 }, limits)
                     .value();
        thread = std::thread([this] { io.run(); });
    }
    ~running_server() {
        boost::asio::post(io, [this] {
            server->stop();
            io.stop();
        });
        thread.join();
    }
    int port() const { return server->port(); }
};

// A raw client that connects and sends `bytes` (maybe nothing), then waits.
int raw_client(int port, const std::string& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    if (!bytes.empty()) REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
    return fd;
}

// What the server sends back before closing (within `timeout`).
std::string read_all(int fd, std::chrono::milliseconds timeout = 3s) {
    timeval tv{static_cast<long>(timeout.count() / 1000), static_cast<long>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

net::http_response get(int port, const std::string& path) {
    auto r = net::request({.method = "GET", .url = "http://127.0.0.1:" + std::to_string(port) + path, .headers = {}, .body = {}},
                          {.step_timeout = 2s, .total_timeout = 2s, .body_limit = 1 << 16, .max_redirects = 0, .user_agent = {}, .ca_file = {}});
    REQUIRE(r.has_value());
    return *r;
}

}  // namespace

TEST_CASE("http server: 64 slow clients lock nobody out, the oldest idle connection makes room") {
    running_server s;
    std::vector<int> slow;
    for (int i = 0; i < 64; ++i) slow.push_back(raw_client(s.port(), i % 2 ? "GET /healthz HTTP/1.1\r\nHost: x\r\n" : ""));
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) CHECK(get(s.port(), "/healthz").status == 200);
    CHECK(std::chrono::steady_clock::now() - start < 2s);  // not the 5 s head deadline, let alone 10 s
    // The slow clients that were evicted see their connection closed, not a hang.
    int closed = 0;
    for (const int fd : slow) {
        if (read_all(fd, 100ms).empty()) {
            char c;
            if (::recv(fd, &c, 1, MSG_DONTWAIT) == 0) ++closed;
        }
        ::close(fd);
    }
    CHECK(closed >= 56);  // at most 8 per address stay open
}

TEST_CASE("http server: a client that never finishes its head is closed after the head deadline") {
    running_server s({.head_timeout = 300ms, .max_connections = 64, .max_per_address = 8});
    const int fd = raw_client(s.port(), "GET / HTTP/1.1\r\n");
    const auto start = std::chrono::steady_clock::now();
    CHECK(read_all(fd, 3s).empty());
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 250ms);
    CHECK(took < 2s);
    ::close(fd);
}

TEST_CASE("http server: malformed requests get a 400 answer, oversized heads 431, bodies 413") {
    running_server s;
    const auto answer_to = [&](const std::string& request) {
        const int fd = raw_client(s.port(), request);
        auto out = read_all(fd);
        ::close(fd);
        return out;
    };
    CHECK(answer_to("BLAH\r\n\r\n").starts_with("HTTP/1.1 400"));
    CHECK(answer_to("GET / HTTP/9.9 extra\r\n\r\n").starts_with("HTTP/1.1 400"));
    CHECK(answer_to("GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(10'000, 'a') + "\r\n\r\n").starts_with("HTTP/1.1 431"));
    CHECK(answer_to("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x')).starts_with("HTTP/1.1 413"));
    CHECK(answer_to("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello").starts_with("HTTP/1.1 413"));
    CHECK(answer_to("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").starts_with("HTTP/1.1 200"));
}
