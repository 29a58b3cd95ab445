#include "feedback/votes.hpp"

#include "arxiv/feed_parser.hpp"
#include "core/text.hpp"

#include <set>

namespace paperboy {

result<vote_summary> record_votes(state_store& state, const vote_request& req) {
    const auto date = parse_iso_day(req.date);
    if (!date) return make_error(errc::usage, "--date expects YYYY-MM-DD, got '" + text::clean_line(req.date, 40) + "'");
    const auto stored = state.load_day(*date);
    if (!stored) return make_error(errc::usage, "no stored day " + req.date + ": votes are for the papers of a day paperboy has run (run it first)");
    std::set<std::string> ids;
    for (const auto& p : stored->papers) ids.insert(p.id);

    std::vector<vote> votes;
    std::vector<std::string> unknown;
    std::set<std::string> liked;
    const auto add = [&](const std::vector<std::string>& written, int value) {
        for (const auto& w : written) {
            const auto id = parse_arxiv_id(w).id;
            if (!ids.contains(id)) {
                unknown.push_back(text::clean_line(w, 60));
                continue;
            }
            if (value > 0) liked.insert(id);
            else if (liked.contains(id)) unknown.push_back(id + " (both liked and disliked)");
            votes.push_back({req.profile, id, req.date, value, req.source, {}});
        }
    };
    add(req.likes, 1);
    add(req.dislikes, -1);
    if (!unknown.empty()) {
        return make_error(errc::usage, "not among the " + std::to_string(ids.size()) + " papers of " + req.date + ": " + text::join(unknown));
    }
    if (votes.empty()) return make_error(errc::usage, "nothing to record: give --like ID or --dislike ID");
    state.record_votes(votes);
    vote_summary out;
    out.recorded = votes.size();
    const auto counted = state.count_votes(req.profile);
    out.likes = counted.likes;
    out.dislikes = counted.dislikes;
    return out;
}

}  // namespace paperboy
