// Fake Slack (incoming webhook and chat.postMessage) and Discord (execute webhook) endpoints
// for fake_http_server. They enforce the services' real limits and answer as the services do
// (protocols.md 3 and 4), record what they accepted, and can be scripted to fail per request.
#pragma once

#include "support/fake_http_server.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace paperboy::test {

struct fake_chat {
    enum class kind { slack_webhook, slack_api, discord };

    explicit fake_chat(kind k);

    /// Return a response to override the normal handling of request number `index` (0-based).
    std::function<std::optional<scripted_response>(int index, const nlohmann::json& body)> script;

    /// Every answer waits this long after the message is recorded (a slow service: a client
    /// killed meanwhile never learns that its message arrived).
    std::chrono::milliseconds latency{0};

    std::vector<nlohmann::json> accepted() const;       // bodies of accepted messages, in order
    std::vector<std::string> titles() const;            // paper links' titles in accepted order ("N. title")
    std::string url(const std::string& path) const { return server.url(path); }
    std::vector<recorded_request> requests() const { return server.requests(); }

private:
    scripted_response handle(const recorded_request& req);
    scripted_response answer(const recorded_request& req);
    kind kind_;
    mutable std::mutex mutex_;
    int count_ = 0;
    std::vector<nlohmann::json> accepted_;

public:
    fake_http_server server;  // last: stops before the members above go away
};

}  // namespace paperboy::test
