// Signed vote links: a 👍 or 👎 under each paper of an email or archive page that records a
// vote when the reader confirms it. The link carries profile, date, paper and vote, signed
// with HMAC-SHA256 under a per-installation secret kept in the state, so nobody can forge a
// vote or move one to another paper. Pure (OpenSSL's HMAC).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace paperboy {

struct vote_link {
    std::string profile, date, paper_id;
    int value = 0;  // +1 up, -1 down
};

/// The first 128 bits of HMAC-SHA256(secret, profile, date, paper, vote) as 32 hex digits.
std::string vote_signature(std::string_view secret, const vote_link& v);

/// "<public_url>/vote?p=<profile>&d=<date>&id=<paper>&v=up&s=<signature>" (values percent-encoded).
std::string vote_url(std::string_view public_url, std::string_view secret, const vote_link& v);

/// The vote of a query string or form body (p, d, id, v, s in any order), when every field is
/// present, well-formed (a profile name, YYYY-MM-DD, an arXiv id, up or down) and the signature
/// matches (compared in constant time); nullopt otherwise. Inputs over 2 KiB are refused.
std::optional<vote_link> verify_vote(std::string_view secret, std::string_view query);

/// The page a GET of a vote link shows: the paper and a button that POSTs the vote. Mail
/// scanners and link prefetchers that follow every link therefore cast no vote.
std::string vote_confirm_page(const vote_link& v, std::string_view title, std::string_view form_body);

/// The page after the POST.
std::string vote_done_page(const vote_link& v, std::string_view title);

/// One recipient of a profile's email channel, for a signed List-Unsubscribe link (RFC 8058).
struct unsubscribe_link {
    std::string profile, channel, address;
};

/// "<public_url>/unsubscribe?p=<profile>&c=<channel>&a=<address>&s=<signature>", signed like
/// a vote link (another purpose string, so neither can stand for the other).
std::string unsubscribe_url(std::string_view public_url, std::string_view secret, const unsubscribe_link& u);

/// The link's recipient when p, c, a and s are present, well-formed and signed; else nullopt.
std::optional<unsubscribe_link> verify_unsubscribe(std::string_view secret, std::string_view query);

/// The page a GET shows (a button that POSTs, so a scanner that follows links unsubscribes
/// nobody), and the page after the POST.
std::string unsubscribe_confirm_page(const unsubscribe_link& u, std::string_view query);
std::string unsubscribe_done_page(const unsubscribe_link& u);

}  // namespace paperboy
