// A real HTTP/1.1 server (Boost.Beast) on 127.0.0.1 with an ephemeral port, for tests that need
// a network peer: a fake arXiv today, fake LLM and chat services later. Each test starts its own
// and it stops on destruction. Requests are served one at a time, in arrival order.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace paperboy::test {

struct recorded_request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::chrono::steady_clock::time_point received;
};

struct scripted_response {
    unsigned status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds delay{0};  // wait before answering (a slow or hanging server)
};

class fake_http_server {
public:
    using handler = std::function<scripted_response(const recorded_request&)>;

    struct tls_files {
        std::string certificate_chain;  // PEM file
        std::string private_key;        // PEM file
    };

    explicit fake_http_server(handler h);
    /// The same, speaking HTTPS with the given certificate.
    fake_http_server(handler h, tls_files tls);
    ~fake_http_server();
    fake_http_server(const fake_http_server&) = delete;
    fake_http_server& operator=(const fake_http_server&) = delete;

    unsigned short port() const;
    /// "http://127.0.0.1:<port><path>" ("https://" in TLS mode)
    std::string url(const std::string& path) const;
    /// The requests received so far (thread-safe copy).
    std::vector<recorded_request> requests() const;
    /// TCP connections accepted so far (a client that keeps them alive sends several requests on one).
    int connections() const;
    /// From now on, close each connection after this many requests, although the answer said
    /// keep-alive (what servers do to idle connections): the client finds out on its next write.
    void close_connections_after(int requests);

private:
    fake_http_server(handler h, std::optional<tls_files> tls);
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace paperboy::test
