// Fake Slack (incoming webhook and chat.postMessage) and Discord (execute webhook) endpoints
// for fake_http_server. They enforce the services' real limits and answer as the services do
// (protocols.md 3 and 4), record what they accepted, and can be scripted to fail per request.
#pragma once

#include "support/fake_http_server.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
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

    /// Reactions on a posted message (Slack ts or Discord message id): emoji name -> count.
    /// Read back by reactions.get (Slack, Bearer xoxb-good) and GET /channels/42/messages/ID
    /// (Discord, "Bot bot-good"), which allow `reaction_burst` reads per `reaction_window`, as
    /// the services' rate limits do, and answer 429 with Retry-After beyond it.
    void react(const std::string& message, const std::string& emoji, long count);
    int reaction_burst = 3;
    std::chrono::milliseconds reaction_window{1000};
    int rate_limited() const;                           // 429s answered to reaction reads
    std::vector<std::string> message_ids() const;       // ts / ids of accepted messages, in order

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
    std::map<std::string, std::map<std::string, long>> reactions_;
    std::vector<std::chrono::steady_clock::time_point> reads_;
    int rate_limited_ = 0;
    std::optional<scripted_response> reaction_read(const recorded_request& req);

public:
    fake_http_server server;  // last: stops before the members above go away
};

}  // namespace paperboy::test
