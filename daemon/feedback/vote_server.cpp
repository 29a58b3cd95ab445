#include "feedback/vote_server.hpp"

#include "feedback/signed_link.hpp"
#include "feedback/votes.hpp"
#include "site/archive_server.hpp"
#include "state/state_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace paperboy {
namespace {
net::served text(unsigned status, std::string body) { return {status, "text/plain; charset=utf-8", std::move(body)}; }
}  // namespace

net::served serve_vote(const config& cfg, const net::inbound_request& req) {
    const bool post = req.method == "POST";
    if (!post && req.method != "GET" && req.method != "HEAD") return text(405, "method not allowed\n");
    const auto& fields = post ? req.body : req.query;
    try {
        state_store state(cfg.state_path);
        const auto vote = verify_vote(state.link_secret(), fields);
        if (!vote) return text(403, "this vote link is not valid (altered, or from another installation)\n");
        if (std::none_of(cfg.profiles.begin(), cfg.profiles.end(), [&](const auto& p) { return p.name == vote->profile; })) {
            return text(404, "no such profile\n");
        }
        const auto stored = state.load_day(*parse_iso_day(vote->date));
        const auto it = stored ? std::find_if(stored->papers.begin(), stored->papers.end(), [&](const paper& p) { return p.id == vote->paper_id; })
                            : std::vector<paper>::const_iterator{};
        if (!stored || it == stored->papers.end()) return text(404, "that paper is not in the stored day\n");
        if (!post) return {200, "text/html; charset=utf-8", vote_confirm_page(*vote, it->title, fields)};
        vote_request r{vote->profile, vote->date, {}, {}, "link"};
        (vote->value > 0 ? r.likes : r.dislikes).push_back(vote->paper_id);
        if (auto recorded = record_votes(state, r); !recorded) return text(400, recorded.error().detail + "\n");
        spdlog::info("{} [{}]: vote {} on {} from a link", vote->date, vote->profile, vote->value > 0 ? "up" : "down", vote->paper_id);
        return {200, "text/html; charset=utf-8", vote_done_page(*vote, it->title)};
    } catch (const failure& f) {
        spdlog::error("vote link: {}", f.err().message());
        return text(503, "the vote could not be recorded now; try again later\n");
    }
}

net::served serve_unsubscribe(const config& cfg, const net::inbound_request& req) {
    const bool post = req.method == "POST";
    if (!post && req.method != "GET" && req.method != "HEAD") return text(405, "method not allowed\n");
    // RFC 8058's one-click POST carries the link in the URL and "List-Unsubscribe=One-Click" in
    // the body; the confirmation page's button carries it in the body.
    const auto& fields = post && req.query.empty() ? req.body : req.query;
    try {
        state_store state(cfg.state_path);
        const auto u = verify_unsubscribe(state.link_secret(), fields);
        if (!u) return text(403, "this unsubscribe link is not valid (altered, or from another installation)\n");
        if (std::none_of(cfg.profiles.begin(), cfg.profiles.end(), [&](const auto& p) { return p.name == u->profile; }) ||
            std::none_of(cfg.channels.begin(), cfg.channels.end(), [&](const auto& c) { return c.name == u->channel; })) {
            return text(404, "no such profile or channel\n");
        }
        if (!post) return {200, "text/html; charset=utf-8", unsubscribe_confirm_page(*u, fields)};
        if (state.unsubscribe(u->profile, u->channel, u->address)) spdlog::info("{} [{}]: {} unsubscribed", u->channel, u->profile, u->address);
        return {200, "text/html; charset=utf-8", unsubscribe_done_page(*u)};
    } catch (const failure& f) {
        spdlog::error("unsubscribe link: {}", f.err().message());
        return text(503, "the request could not be recorded now; try again later\n");
    }
}

net::served serve_site(const config& cfg, const net::inbound_request& req) {
    if (req.path == "/vote") return serve_vote(cfg, req);
    if (req.path == "/unsubscribe") return serve_unsubscribe(cfg, req);
    if (req.method != "GET" && req.method != "HEAD") return text(405, "method not allowed\n");
    std::vector<std::string> profiles;
    for (const auto& p : cfg.profiles) profiles.push_back(p.name);
    return serve_archive(cfg.output_dir, profiles, req.path, req.if_none_match, req.if_modified_since);
}

}  // namespace paperboy
