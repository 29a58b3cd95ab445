// Parsing arXiv's RSS 2.0 feed (protocols.md 1.1). Pure: bytes in, feed or error out.
#pragma once

#include "arxiv/paper.hpp"
#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

/// Items parse_feed left out, and why (the first few reasons, for the log).
struct skipped_items {
    std::size_t count = 0;
    std::vector<std::string> reasons;  // at most max_reasons, each naming the item
    static constexpr std::size_t max_reasons = 5;
    void add(std::string reason);
};

/// Parses an RSS document from arXiv.
/// - errc::feed_malformed: not well-formed XML (truncated, garbage), no <rss><channel>, or a
///   channel without a parseable pubDate; an Atom document (the arXiv API's format) says to
///   use the RSS URL. The detail says what and where (byte offset).
/// - errc::feed_rejected: arXiv's error feed ("Feed error for query: ..."); the detail carries
///   arXiv's message.
/// An empty channel (weekend, holiday) is a success with no papers. An item is skipped (and
/// recorded in `skipped` when given) when its guid is not an arXiv id of arXiv's grammar
/// (is_arxiv_id), when its announce type is missing or unknown (never guessed as "new"), or
/// when it repeats an earlier id (the first is kept).
result<feed> parse_feed(std::string_view xml, skipped_items* skipped = nullptr);

/// Whether `id` (without version) is an arXiv identifier: new style "YYMM.NNNN" or
/// "YYMM.NNNNN" (2507.16110), or old style "archive[.SC]/YYMMNNN" (hep-th/9901001,
/// math.GT/0309136). Anything else (markup, mentions, URLs) is not.
bool is_arxiv_id(std::string_view id) noexcept;

/// Splits a dc:creator value into author names: commas inside parentheses do not split, and
/// the parenthesised affiliations are dropped, and a bare suffix stays with its name.
/// "A (X, Y), B" -> {"A", "B"}; "C O'Brien, Jr., D" -> {"C O'Brien, Jr.", "D"}.
std::vector<std::string> split_authors(std::string_view creators);

/// The canonical id and version in "oai:arXiv.org:2507.16110v2", "arXiv:2507.16110v2",
/// "2507.16110" or "https://arxiv.org/abs/2507.16110v3". Version 0 when none is written.
struct versioned_id {
    std::string id;
    int version = 0;
};
versioned_id parse_arxiv_id(std::string_view text);

}  // namespace paperboy
