#include "feedback/signed_link.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

namespace {
std::string query_of(const std::string& url) { return url.substr(url.find('?') + 1); }
}  // namespace

TEST_CASE("signed vote links: valid ones verify, altered, replayed or foreign ones do not") {
    const std::string secret = "0123456789abcdef0123456789abcdef";
    const vote_link up{"lab", "2025-07-23", "2507.16110", 1};
    const auto url = vote_url("https://digest.example.org/", secret, up);
    CHECK(url.starts_with("https://digest.example.org/vote?p=lab&d=2025-07-23&id=2507.16110&v=up&s="));
    const auto q = query_of(url);
    const auto ok = verify_vote(secret, q);
    REQUIRE(ok);
    CHECK(ok->paper_id == "2507.16110");
    CHECK(ok->value == 1);

    const auto replace = [&](std::string s, const std::string& from, const std::string& to) { return s.replace(s.find(from), from.size(), to); };
    CHECK_FALSE(verify_vote(secret, replace(q, "v=up", "v=down")));          // the vote turned around
    CHECK_FALSE(verify_vote(secret, replace(q, "2507.16110", "2507.15880")));  // replayed on another paper
    CHECK_FALSE(verify_vote(secret, replace(q, "p=lab", "p=other")));          // on another profile
    CHECK_FALSE(verify_vote(secret, replace(q, "d=2025-07-23", "d=2025-07-24")));
    CHECK_FALSE(verify_vote("another installation's secret", q));
    CHECK_FALSE(verify_vote(secret, q + "&v=down"));                           // a field given twice
    CHECK_FALSE(verify_vote(secret, q.substr(0, q.find("&s="))));              // unsigned
    CHECK_FALSE(verify_vote(secret, ""));
    CHECK_FALSE(verify_vote(secret, std::string(5000, 'a')));
    CHECK_FALSE(verify_vote("", q));

    // Old-style ids carry a '/', which the link encodes.
    const vote_link old{"lab", "2025-07-23", "hep-th/9901001", -1};
    const auto old_url = vote_url("https://d.example", secret, old);
    CHECK(old_url.find("id=hep-th%2F9901001&v=down") != std::string::npos);
    CHECK(verify_vote(secret, query_of(old_url)));

    // A bioRxiv paper's vote verifies, and its pages link to bioRxiv.
    const vote_link bio{"lab", "2025-11-20", "biorxiv:10.1101/2025.11.19.623456", 1};
    const auto bio_ok = verify_vote(secret, query_of(vote_url("https://d.example", secret, bio)));
    REQUIRE(bio_ok);
    CHECK(bio_ok->paper_id == "biorxiv:10.1101/2025.11.19.623456");
    CHECK(vote_done_page(*bio_ok, "T").find("<a href=\"https://www.biorxiv.org/content/10.1101/2025.11.19.623456\">") != std::string::npos);

    const auto page = vote_confirm_page(up, "A <b>title</b>", q);
    CHECK(page.find("<form method=\"post\" action=\"/vote\">") != std::string::npos);
    CHECK(page.find("A &lt;b&gt;title&lt;/b&gt;") != std::string::npos);
    CHECK(page.find("name=\"s\" value=\"" + ok->paper_id) == std::string::npos);
}

TEST_CASE("signed unsubscribe links: valid ones verify, altered, re-addressed or vote-signed ones do not") {
    const std::string secret = "0123456789abcdef0123456789abcdef";
    const unsubscribe_link grace{"lab", "mail", "grace@example.org"};
    const auto url = unsubscribe_url("https://digest.example.org/", secret, grace);
    REQUIRE(url.starts_with("https://digest.example.org/unsubscribe?p=lab&c=mail&a=grace%40example.org&s="));
    const auto query = url.substr(url.find('?') + 1);
    const auto ok = verify_unsubscribe(secret, query);
    REQUIRE(ok);
    CHECK(ok->address == "grace@example.org");
    auto other = query;
    other.replace(other.find("grace"), 5, "adaaa");
    CHECK_FALSE(verify_unsubscribe(secret, other));             // another recipient
    CHECK_FALSE(verify_unsubscribe("another-secret", query));  // another installation
    CHECK_FALSE(verify_unsubscribe(secret, query + "&a=x%40y.org"));  // a field twice
    // A vote's signature over the same text cannot stand for an unsubscribe.
    const auto vote = vote_url("https://d.example.org", secret, {"lab", "2025-07-23", "2507.16110", 1});
    CHECK_FALSE(verify_unsubscribe(secret, "p=lab&c=mail&a=grace%40example.org&s=" + vote.substr(vote.find("&s=") + 3)));
    CHECK_FALSE(verify_unsubscribe(secret, "p=lab&c=mail&a=%0D%0ABcc%3Aevil%40x.org&s=00"));
}
