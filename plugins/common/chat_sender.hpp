// Sending a digest as several messages in order, resumable: shared by the chat plugins.
#pragma once

#include "paperboy/plugin_sdk.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace paperboy::chat {

struct post_result {
    pb_status status = PB_OK;
    std::string receipt;                // message id or ts on success
    std::string error;
    std::optional<long> retry_after_ms;
    std::optional<long> pause_ms;       // the service asked us to slow down before the next post
};

/// Posts messages[resume_from..] in order with `post`. On a failure, throws plugin_error with
/// {"retry_after_ms", "messages_sent", "receipts"} so the host can retry later and resume
/// where it stopped, never re-posting a message. After each message, reports the progress to
/// `host` (plugin.h: progress) so that a crash between two messages loses nothing either.
/// Returns {"messages": N, "receipts": [...]}.
inline std::string send_in_order(const std::vector<nlohmann::json>& messages, std::size_t resume_from,
                                 const std::function<post_result(const nlohmann::json&, std::size_t index)>& post,
                                 const sdk::host& host) {
    nlohmann::json receipts = nlohmann::json::array();
    for (std::size_t i = resume_from; i < messages.size(); ++i) {
        const auto r = post(messages[i], i);
        if (r.status != PB_OK) {
            nlohmann::json hints{{"messages_sent", i}, {"receipts", receipts}};
            if (r.retry_after_ms) hints["retry_after_ms"] = *r.retry_after_ms;
            throw sdk::plugin_error(r.status, r.error + " (message " + std::to_string(i + 1) + " of " +
                                                  std::to_string(messages.size()) + ")",
                                    hints.dump());
        }
        receipts.push_back(r.receipt);
        host.progress(nlohmann::json{{"messages_sent", i + 1}, {"receipts", receipts}}.dump());
        if (r.pause_ms && i + 1 < messages.size()) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(*r.pause_ms, 10'000L)));
    }
    return nlohmann::json{{"messages", messages.size()}, {"receipts", receipts}}.dump();
}

}  // namespace paperboy::chat
