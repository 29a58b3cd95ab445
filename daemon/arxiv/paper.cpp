#include "arxiv/paper.hpp"

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

std::string paper::abs_url() const { return "https://arxiv.org/abs/" + id; }

}  // namespace paperboy
