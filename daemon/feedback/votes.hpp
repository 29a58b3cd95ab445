// Recording a reader's votes on the papers of a stored day: the one path every source takes
// (the feedback command, and later signed links, chat reactions and library imports).
#pragma once

#include "core/error.hpp"
#include "state/state_store.hpp"

#include <string>
#include <vector>

namespace paperboy {

struct vote_request {
    std::string profile;
    std::string date;                  // YYYY-MM-DD, a stored announcement day
    std::vector<std::string> likes;    // arXiv ids as written ("2507.16110", "arXiv:2507.16110v2", an abs URL)
    std::vector<std::string> dislikes;
    std::string source = "cli";
};

struct vote_summary {
    std::size_t recorded = 0;
    std::size_t likes = 0, dislikes = 0;  // the profile's votes after recording
};

/// Validates and records `req` in one transaction: errc::usage when the day is not stored
/// ("run that day first") or an id is not among its papers (all such ids named), or an id is
/// both liked and disliked. A later vote on a paper replaces the earlier one.
result<vote_summary> record_votes(state_store& state, const vote_request& req);

}  // namespace paperboy
