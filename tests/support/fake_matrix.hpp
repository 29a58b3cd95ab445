// A fake Matrix homeserver (client-server API v3) for fake_http_server: PUT
// /rooms/{roomId}/send/m.room.message/{txnId} with a Bearer token, deduplicated on the
// transaction id as the spec requires (the same txnId gets the same event_id and no second
// event), events over 65,536 bytes refused (M_TOO_LARGE), formatted_body checked against the
// spec's recommended HTML tags, GET /account/whoami. Errors as {"errcode", "error"}.
#pragma once

#include "support/fake_http_server.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace paperboy::test {

struct fake_matrix {
    static constexpr const char* token = "syt_cGFwZXJib3k_fakeTokenForTests";
    static constexpr const char* room = "!lab:example.org";
    /// A room of version 12, whose id has no server part (the spec's example form); the bot
    /// has joined both.
    static constexpr const char* room_v12 = "!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM";

    fake_matrix();

    /// Overrides the answer to request number `index` (0-based) when it returns one.
    std::function<std::optional<scripted_response>(int index, const nlohmann::json& body)> script;
    /// Request numbers whose event is stored but whose answer is lost (a 502 instead): the
    /// client cannot know the event exists.
    std::set<int> lose_answer;

    std::vector<nlohmann::json> events() const;   // accepted event contents, in order, each once
    std::vector<std::string> titles() const;      // "N. title" of each paper link, in order
    std::vector<std::string> detected_entities() const;  // what a client would linkify or pill on its own
    std::string homeserver() const { return server.url(""); }
    std::vector<recorded_request> requests() const { return server.requests(); }

private:
    scripted_response answer(const recorded_request& req);
    mutable std::mutex mutex_;
    int count_ = 0;
    std::vector<nlohmann::json> events_;
    std::map<std::string, std::string> by_txn_;

public:
    fake_http_server server;  // last: stops before the members above go away
};

}  // namespace paperboy::test
