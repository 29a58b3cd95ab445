// Inbound HTTP for the daemon: a small read-only server (health, metrics) with Boost.Beast,
// written as C++20 coroutines on the caller's io_context. The only translation unit that
// instantiates Beast's server templates.
#pragma once

#include "core/error.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace paperboy::net {

struct served {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    // For files a client may keep: revalidated (Cache-Control: no-cache) instead of no-store.
    std::string etag;           // "\"<hex>\"", or "" for none
    std::string last_modified;  // an HTTP-date, or ""
};

struct inbound_request {
    std::string method;  // "GET", "HEAD" or "POST" (others are answered 405 by the server)
    std::string path;    // the target before '?', not decoded
    std::string query;   // after '?', not decoded
    std::string body;    // POST only, at most max_body_bytes
    std::string if_none_match;      // the request's If-None-Match, as sent
    std::string if_modified_since;  // the request's If-Modified-Since, as sent
};

/// A POST body larger than this is refused with 413.
inline constexpr std::size_t max_body_bytes = 4096;

/// Called on the io_context thread; must not block for long.
using route = std::function<served(const inbound_request& req)>;

/// What slow or greedy clients may hold. A client that is still sending its request head is
/// "idle": when a new connection would pass either limit, the oldest idle connection (of that
/// address, or of all) is closed to make room, so slow clients can delay nobody for long.
struct server_limits {
    std::chrono::milliseconds head_timeout{5'000};  // to send a complete request head
    std::size_t max_connections = 64;
    std::size_t max_per_address = 8;
};

/// Limits: GET, HEAD and POST only (405 otherwise), request head at most 8 KiB (431), a body
/// only with POST and at most max_body_bytes (413), target at most 1024 bytes, printable ASCII,
/// starting with '/' (400); a request that does not parse gets 400, never a silent close;
/// server_limits for time and connections.
class http_server {
public:
    /// Listens on "host:port" (IPv4 or [IPv6]; port 0 picks a free one). errc::config_invalid
    /// for a malformed address, errc::io when it cannot bind.
    static result<std::unique_ptr<http_server>> start(boost::asio::io_context& io, const std::string& listen, route handler,
                                                      server_limits limits = {});
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    unsigned short port() const noexcept;
    /// Stops accepting and closes open connections.
    void stop();

    struct impl;

private:
    explicit http_server(std::shared_ptr<impl> p) : impl_(std::move(p)) {}
    std::shared_ptr<impl> impl_;
};

}  // namespace paperboy::net
