#include "arxiv/paper.hpp"

#include "arxiv/feed_parser.hpp"
#include "paperboy/paper_ids.hpp"

namespace paperboy {

std::string_view to_string(announce_type t) noexcept {
    switch (t) {
        case announce_type::new_submission: return "new";
        case announce_type::cross_list: return "cross";
        case announce_type::replacement: return "replace";
        case announce_type::replacement_cross: return "replace-cross";
    }
    return "new";
}

std::optional<announce_type> parse_announce_type(std::string_view s) noexcept {
    if (s == "new") return announce_type::new_submission;
    if (s == "cross") return announce_type::cross_list;
    if (s == "replace") return announce_type::replacement;
    if (s == "replace-cross") return announce_type::replacement_cross;
    return std::nullopt;
}

namespace {
// links_for checks an arXiv id's alphabet only; the core holds ids of arXiv's grammar.
std::optional<sdk::paper_links> links_of(const std::string& id) { return is_paper_id(id) ? sdk::links_for(id) : std::nullopt; }
}  // namespace

std::string paper::abs_url() const {
    const auto l = links_of(id);
    return l ? l->abs : std::string();
}

std::string paper::pdf_url() const {
    const auto l = links_of(id);
    return l ? l->pdf : std::string();
}

std::string paper::source() const { return sdk::is_preprint_id(id) ? sdk::links_for(id)->source : std::string("arXiv"); }

bool is_paper_id(std::string_view id) noexcept { return is_arxiv_id(id) || sdk::is_preprint_id(id); }

}  // namespace paperboy
