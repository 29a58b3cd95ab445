// What paperboy knows about an arXiv announcement day.
#pragma once

#include "core/dates.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

/// arXiv's listing types (protocols.md 1.1).
enum class announce_type { new_submission, cross_list, replacement, replacement_cross };

/// "new", "cross", "replace", "replace-cross".
std::string_view to_string(announce_type t) noexcept;
std::optional<announce_type> parse_announce_type(std::string_view s) noexcept;

/// One item of the feed. Text fields are plain text: XML entities decoded, whitespace
/// collapsed to single spaces, valid UTF-8. They are untrusted and must be escaped by every
/// renderer.
struct paper {
    std::string id;                       // canonical id without version: "2507.16110", "hep-ex/0307015"
    int version = 1;                      // from the guid "oai:arXiv.org:<id>v<N>"
    announce_type type = announce_type::new_submission;
    std::string title;
    std::string abstract;                 // the text after "Abstract: "
    std::vector<std::string> authors;     // affiliations dropped
    std::vector<std::string> categories;

    /// Its page on its server: "https://arxiv.org/abs/<id>", or bioRxiv's/medRxiv's page
    /// for a "biorxiv:10.1101/..." id (sdk::links_for); empty for an id of neither shape.
    std::string abs_url() const;
    std::string pdf_url() const;
    /// "arXiv", "bioRxiv" or "medRxiv".
    std::string source() const;
};

/// An id a report may carry: arXiv's grammar (is_arxiv_id) or a bioRxiv/medRxiv one
/// (sdk::is_preprint_id).
bool is_paper_id(std::string_view id) noexcept;

/// One parsed feed: the announcement day and its items in feed order.
struct feed {
    day announced{};                      // the channel pubDate
    std::string title;                    // channel title, e.g. "cs.AI, cs.LG updates on arXiv.org"
    std::vector<paper> papers;
};

}  // namespace paperboy
