#include "job/summaries.hpp"

#include "state/state_store.hpp"

namespace paperboy {

token_usage add_tldrs(scorer& sc, const std::string& language, std::vector<selected_paper>& selected, state_store* state) {
    const auto key = sc.summary_key(language);
    if (key.empty() || selected.empty()) return {};
    std::vector<const paper*> papers;
    for (const auto& s : selected) papers.push_back(s.item);
    // The score cache keeps the TL;DRs too, under their own key, as a comment.
    std::map<std::string, paper_score> known;
    if (state) known = state->cached_scores(key, papers);
    std::vector<const paper*> missing;
    for (const auto* p : papers) {
        if (!known.contains(p->id)) missing.push_back(p);
    }
    token_usage spent;
    if (!missing.empty()) {
        auto fresh = sc.summarize(missing, language);
        spent = fresh.usage;
        std::map<std::string, paper_score> made;
        for (auto& [id, text] : fresh.tldr) made[id] = paper_score{1, std::nullopt, text, std::nullopt};
        if (state && !made.empty()) state->save_scores(key, missing, made);
        for (auto& [id, s] : made) known[id] = std::move(s);
    }
    for (auto& s : selected) {
        if (const auto it = known.find(s.item->id); it != known.end()) s.tldr = it->second.comment;
    }
    return spent;
}

}  // namespace paperboy
