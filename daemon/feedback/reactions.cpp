#include "feedback/reactions.hpp"

#include "core/dates.hpp"
#include "deliver/delivery.hpp"
#include "plugin/loader.hpp"
#include "state/state_store.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <set>

namespace paperboy {
namespace {

using nlohmann::json;

bool reads_reactions(const std::string& plugin) { return plugin == "slack" || plugin == "discord"; }

}  // namespace

reaction_sweep collect_reactions(const config& cfg, state_store& state, std::chrono::system_clock::time_point now) {
    reaction_sweep sweep;
    if (!cfg.feedback.reactions) return sweep;
    const auto since = unix_ms(now - std::chrono::hours(24) * cfg.feedback.days);
    std::map<std::string, std::unique_ptr<plugin_instance>> instances;
    std::set<std::string> given_up;
    struct recorded_vote {
        int value = 0;
        std::string source;
    };
    std::map<std::string, std::map<std::string, recorded_vote>> recorded;  // profile -> paper -> vote
    for (const auto& e : state.ledger({.date = {}, .profile = {}, .channel = {}, .statuses = {delivery_status::delivered}, .ids = {}, .created_since_ms = since})) {
        if (given_up.contains(e.channel)) continue;
        const auto ch = std::find_if(cfg.channels.begin(), cfg.channels.end(), [&](const auto& c) { return c.name == e.channel; });
        if (ch == cfg.channels.end() || !reads_reactions(ch->plugin)) continue;
        const auto where = e.date + " [" + e.profile + "] " + e.channel;
        auto& inst = instances[e.channel];
        if (!inst) {
            auto opened = open_channel(cfg, *ch);
            if (!opened) {
                sweep.errors.push_back(where + ": " + opened.error().message());
                given_up.insert(e.channel);
                continue;
            }
            inst = std::move(*opened);
        }
        const auto payload = json::parse(e.payload, nullptr, false);
        const auto receipt = json::parse(e.receipt, nullptr, false);
        if (!payload.is_object() || !receipt.is_object() || !receipt.contains("receipts")) continue;
        const json request{{"schema", 1}, {"kind", "reactions"}, {"digest", payload}, {"receipts", receipt["receipts"]},
                           {"like", cfg.feedback.like}, {"dislike", cfg.feedback.dislike}};
        const auto r = inst->call(request.dump(-1, ' ', false, json::error_handler_t::replace));
        if (r.status != PB_OK) {
            sweep.errors.push_back(where + ": " + plugin_error(r.status, r.message).message());
            continue;
        }
        const auto answer = json::parse(r.output, nullptr, false);
        if (!answer.is_object()) {
            sweep.errors.push_back(where + ": the plugin's answer is not a JSON object");
            continue;
        }
        if (answer.value("skipped", false)) {
            sweep.skipped.push_back(e.channel + ": " + answer.value("detail", std::string("cannot read reactions")));
            given_up.insert(e.channel);
            continue;
        }
        ++sweep.digests;
        sweep.messages += answer.value("messages_read", 0UL);
        // Only papers of that digest: the plugin reads a service, and what it reports is checked.
        std::set<std::string> in_digest;
        for (const auto& p : payload.value("papers", json::array())) {
            if (p.is_object() && p.contains("id") && p["id"].is_string()) in_digest.insert(p["id"].get<std::string>());
        }
        // The votes already on this digest's papers, not the profile's years of votes.
        auto& mine = recorded[e.profile];
        std::vector<std::string> unknown;
        for (const auto& id : in_digest) {
            if (!mine.contains(id)) unknown.push_back(id);
        }
        for (const auto& [id, v] : state.votes_on(e.profile, unknown)) mine[id] = {v.value, v.source};
        std::vector<vote> fresh;
        for (const auto& v : answer.value("votes", json::array())) {
            if (!v.is_object() || !v.contains("id") || !v["id"].is_string() || !v.contains("value") || !v["value"].is_number_integer()) continue;
            const auto id = v["id"].get<std::string>();
            const int value = v["value"].get<int>();
            if (!in_digest.contains(id) || (value != 1 && value != -1)) continue;
            if (const auto it = mine.find(id); it != mine.end() && (it->second.value == value || it->second.source != ch->plugin)) continue;
            mine[id] = {value, ch->plugin};
            fresh.push_back({e.profile, id, e.date, value, ch->plugin, ""});
        }
        if (!fresh.empty()) {
            state.record_votes(fresh);
            sweep.votes += fresh.size();
            spdlog::info("{}: {} vote(s) from reactions", where, fresh.size());
        }
    }
    return sweep;
}

}  // namespace paperboy
