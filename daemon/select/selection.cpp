#include "select/selection.hpp"

#include <algorithm>
#include <set>

namespace paperboy {

namespace {

// Scored papers that `keep` accepts, in the report's order: relevance+novelty, then relevance,
// then arXiv id. Sort keys live beside the entries: comparing through std::optional inside
// std::sort trips GCC 12's maybe-uninitialized analysis.
template <class Keep>
std::vector<selected_paper> in_report_order(const std::vector<const paper*>& scored, const std::map<std::string, paper_score>& scores, Keep keep) {
    struct candidate {
        int sum;
        int relevance;
        selected_paper entry;
    };
    std::vector<candidate> kept;
    for (const auto* p : scored) {
        const auto it = scores.find(p->id);
        if (it == scores.end() || !keep(*p, it->second)) continue;
        kept.push_back({it->second.relevance + it->second.novelty.value_or(0), it->second.relevance, {p, false, {}, it->second}});
    }
    std::sort(kept.begin(), kept.end(), [](const candidate& a, const candidate& b) {
        if (a.sum != b.sum) return a.sum > b.sum;
        if (a.relevance != b.relevance) return a.relevance > b.relevance;
        return a.entry.item->id < b.entry.item->id;
    });
    std::vector<selected_paper> out;
    for (auto& c : kept) out.push_back(std::move(c.entry));
    return out;
}

}  // namespace

std::vector<selected_paper> select_papers(const profile_config& profile, const std::vector<const paper*>& author_matches,
                                          const std::vector<std::string>& matched_names,
                                          const std::vector<const paper*>& scored,
                                          const std::map<std::string, paper_score>& scores) {
    std::vector<selected_paper> matched;
    for (std::size_t i = 0; i < author_matches.size(); ++i) {
        matched.push_back({author_matches[i], true, i < matched_names.size() ? matched_names[i] : std::string{}, std::nullopt});
    }
    std::sort(matched.begin(), matched.end(), [](const auto& a, const auto& b) { return a.item->id < b.item->id; });
    for (auto& s : in_report_order(scored, scores, [&](const paper&, const paper_score& s) {
             return s.relevance >= profile.relevance_cutoff && (!s.novelty || *s.novelty >= profile.novelty_cutoff);
         })) {
        matched.push_back(std::move(s));
    }
    if (profile.top_n > 0 && matched.size() > static_cast<std::size_t>(profile.top_n)) {
        matched.resize(static_cast<std::size_t>(profile.top_n));
    }
    return matched;
}

std::vector<selected_paper> near_misses(const std::vector<const paper*>& scored, const std::map<std::string, paper_score>& scores,
                                        const std::vector<selected_paper>& selected, int n) {
    if (n <= 0) return {};
    std::set<std::string> taken;
    for (const auto& s : selected) taken.insert(s.item->id);
    auto rest = in_report_order(scored, scores, [&](const paper& p, const paper_score&) { return !taken.contains(p.id); });
    if (rest.size() > static_cast<std::size_t>(n)) rest.resize(static_cast<std::size_t>(n));
    return rest;
}

}  // namespace paperboy
