// Outbound HTTP(S): one request/response exchange with Boost.Beast, written as a C++20
// coroutine. This is the only translation unit of the core that instantiates Beast's client
// templates, to keep build times down.
#pragma once

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paperboy::net {

struct http_request {
    std::string method = "GET";
    std::string url;                                         // http:// or https://
    std::vector<std::pair<std::string, std::string>> headers;  // must not contain CR/LF
    std::string body;
};

struct http_response {
    unsigned status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string final_url;                                   // after redirects

    /// The first header named `name` (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

struct http_options {
    std::chrono::milliseconds step_timeout{30'000};     // each of resolve, connect, handshake, write, read
    std::chrono::milliseconds total_timeout{120'000};   // the whole exchange including redirects
    std::size_t body_limit = 64 * 1024 * 1024;          // larger bodies fail with errc::body_too_large
    int max_redirects = 3;                              // https -> http redirects are always refused
    std::string user_agent;                             // default: "paperboy/<version>"
    std::string ca_file;                                // empty: the system trust store
};

/// Performs the request on the current executor. Never throws for network conditions:
/// - errc::network (resolve, connect, TLS handshake or certificate verification, read/write),
///   errc::timeout: transient;
/// - errc::body_too_large, errc::usage (a URL it cannot use): permanent.
/// Any HTTP status is a successful exchange; interpreting it is the caller's job.
/// TLS peer and host-name verification are always on.
boost::asio::awaitable<result<http_response>> async_request(http_request req, http_options opts);

/// Blocking form, on the calling thread's own io_context. Safe to call from any thread. It
/// keeps connections alive: each thread keeps at most one idle connection per host (8 in
/// all, each for at most 30 s) and sends its next request there, so a scorer's or a channel's
/// workers use one connection each, not one per call. A kept connection the server closed
/// meanwhile fails before any answer arrives; the request then goes out once more on a new
/// connection (the server never saw it). async_request opens a connection per request.
result<http_response> request(http_request req, http_options opts);

/// The default User-Agent: "paperboy/<version> (personal arXiv digest)".
std::string default_user_agent();

}  // namespace paperboy::net
