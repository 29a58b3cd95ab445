#include "score/prefilter.hpp"

#include "score/ranker_scorer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace paperboy {

prefilter_split apply_prefilter(const rank::ranker& ranker, const profile_config& profile, std::span<const paper* const> papers,
                                const prefilter_config& cfg) {
    const auto z = rank_day(ranker, profile, papers).z;
    std::vector<std::size_t> order(papers.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return z[a] != z[b] ? z[a] > z[b] : papers[a]->id < papers[b]->id; });
    const auto keep = cfg.keep_top ? static_cast<std::size_t>(*cfg.keep_top)
                                   : static_cast<std::size_t>(std::ceil(cfg.keep_fraction.value_or(1.0) * static_cast<double>(papers.size())));
    std::vector<bool> kept(papers.size(), false);
    for (std::size_t i = 0; i < order.size() && i < keep; ++i) kept[order[i]] = true;
    prefilter_split out;
    for (std::size_t i = 0; i < papers.size(); ++i) {
        out.ranker_scores[papers[i]->id] = z[i];
        if (kept[i]) {
            out.to_model.push_back(papers[i]);
        } else {
            out.held_back[papers[i]->id] = paper_score{1, std::nullopt, "Held back by the ranker pre-filter (llm.prefilter): not sent to the model.", z[i]};
        }
    }
    return out;
}

}  // namespace paperboy
