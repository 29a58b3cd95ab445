// Parsing arXiv's RSS 2.0 feed (protocols.md 1.1). Pure: bytes in, feed or error out.
#pragma once

#include "arxiv/paper.hpp"
#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

/// Parses an RSS document from arXiv.
/// - errc::feed_malformed: not well-formed XML (truncated, garbage), no <rss><channel>, or a
///   channel without a parseable pubDate. The detail says what and where (byte offset).
/// - errc::feed_rejected: arXiv's error feed ("Feed error for query: ..."); the detail carries
///   arXiv's message.
/// An empty channel (weekend, holiday) is a success with no papers. Items without a usable
/// id are skipped and counted in `skipped` when given. Duplicate ids keep the first item.
result<feed> parse_feed(std::string_view xml, std::size_t* skipped = nullptr);

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
