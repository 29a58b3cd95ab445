// The /vote route of `paperboy daemon` and `paperboy serve`: a GET of a signed link shows a
// confirmation page, the POST from its button records the vote. An invalid or altered
// signature is 403 and records nothing.
#pragma once

#include "config/config.hpp"
#include "net/http_server.hpp"

namespace paperboy {

/// Answers GET/HEAD and POST of "/vote" (other methods 405). The vote goes through
/// record_votes (source "link") into cfg.state_path; a paper not in the stored day is 404.
net::served serve_vote(const config& cfg, const net::inbound_request& req);

/// Answers GET/HEAD (a confirmation page) and POST (RFC 8058 one-click, or the page's
/// button) of "/unsubscribe": a signed link stops a recipient's digests of one profile and
/// email channel; an altered one is 403 and records nothing.
net::served serve_unsubscribe(const config& cfg, const net::inbound_request& req);

/// The profile's site and the routes of the web server: /vote, else the archive (GET/HEAD).
net::served serve_site(const config& cfg, const net::inbound_request& req);

}  // namespace paperboy
