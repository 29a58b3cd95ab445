#include "score/ranker_scorer.hpp"

#include "core/text.hpp"
#include "score/offline_scorer.hpp"
#include "score/prompt.hpp"
#include "state/state_store.hpp"

#include <algorithm>
#include <set>

namespace paperboy {
namespace {

std::string learned_from(const rank::ranker& r, std::size_t likes, std::size_t dislikes, std::size_t imported) {
    if (!r.trained()) return "not trained yet (no votes): ranked by the topics text and its keywords";
    return "learned from " + std::to_string(likes) + (likes == 1 ? " like" : " likes") + " and " + std::to_string(dislikes) +
           (dislikes == 1 ? " dislike" : " dislikes") +
           (imported ? " and " + std::to_string(imported) + (imported == 1 ? " paper" : " papers") + " of the reader's library" : std::string()) +
           " (" + std::to_string(r.negatives()) + " negatives with the other papers of those days)";
}

}  // namespace

ranker_corpus::ranker_corpus(state_store* state, std::span<const paper* const> extra) {
    std::size_t papers = 0;
    std::vector<std::string> window;
    if (state) {
        for (const auto& [date, total] : state->recent_days(ranker_window_days)) {
            if (!window.empty() && papers >= ranker_window_papers) break;
            window.push_back(date);
            papers += static_cast<std::size_t>(std::max(total, 0L));
        }
    }
    for (auto it = window.rbegin(); it != window.rend(); ++it) {
        if (auto f = state->load_day(*parse_iso_day(*it))) {
            dates_.insert(*it);
            days_.push_back(std::move(*f));
        }
    }
    std::vector<rank::vocabulary::document> docs;
    std::vector<const paper*> of_doc;
    std::set<std::string_view> seen;
    const auto add = [&](const paper& p) {
        if (!seen.insert(p.id).second) return;
        docs.push_back({p.title, p.abstract, p.categories});
        of_doc.push_back(&p);
    };
    for (const auto& d : days_) {
        for (const auto& p : d.papers) add(p);
    }
    for (const auto* p : extra) add(*p);
    // The window's vectors come with its vocabulary: each paper is tokenised once a run.
    std::vector<rank::sparse_vector> vectors;
    vocab_ = std::make_shared<const rank::vocabulary>(rank::vocabulary::build(docs, {}, &vectors));
    for (std::size_t i = 0; i < of_doc.size(); ++i) features_.emplace(feature_key(*of_doc[i]), std::move(vectors[i]));
}

std::string ranker_corpus::feature_key(const paper& p) { return p.id + "v" + std::to_string(p.version); }

const rank::sparse_vector& ranker_corpus::features(const paper& p) const {
    auto key = feature_key(p);
    if (const auto it = features_.find(key); it != features_.end()) return it->second;
    return features_.emplace(std::move(key), vectorize(p)).first->second;
}

rank::sparse_vector ranker_corpus::vectorize(const paper& p) const { return vocab_->vectorize({p.title, p.abstract, p.categories}); }

const folded_paper& ranker_corpus::folded(const paper& p) const {
    auto key = feature_key(p);
    if (const auto it = folded_.find(key); it != folded_.end()) return it->second;
    return folded_.emplace(std::move(key), folded_paper(p)).first->second;
}

namespace {

// The most recent votes, at most ranker_max_votes of them.
std::vector<vote> recent_votes(state_store& state, const profile_config& profile) { return state.votes(profile.name, ranker_max_votes); }

void add_copies(std::vector<rank::example>& examples, const rank::sparse_vector& x, int label, int copies) {
    for (int k = 0; k < copies; ++k) examples.push_back({x, label});
}

}  // namespace

rank::ranker train_profile_ranker(const ranker_corpus& corpus, state_store* state, const profile_config& profile, std::string_view teacher_key) {
    rank::ranker r(corpus.vocab(), profile.topics);
    if (!state) return r;
    const auto votes = recent_votes(*state, profile);
    auto library = state->library(profile.name);
    if (library.size() > ranker_max_library) library.resize(ranker_max_library);

    // The model's judgements of the window's days, when it is the teacher.
    std::map<std::string, int> taught;
    if (!teacher_key.empty()) {
        for (const auto& d : corpus.days()) {
            std::vector<const paper*> ptrs;
            for (const auto& p : d.papers) ptrs.push_back(&p);
            for (const auto& [id, s] : state->cached_scores(teacher_key, ptrs)) taught[id] = s.relevance >= profile.relevance_cutoff ? 1 : -1;
        }
    }
    if (votes.empty() && taught.empty() && library.empty()) return r;

    std::map<std::string, int> by_id;
    std::set<std::string> voted_days;
    for (const auto& v : votes) {
        by_id[v.paper_id] = v.value;
        voted_days.insert(v.date);
    }
    std::vector<rank::example> examples;
    // Weighted by repetition (liblinear 2.3 has no instance weights), and only against the
    // teacher: alone, the votes need no weight.
    const int vote_copies = taught.empty() ? 1 : ranker_vote_weight;
    // The reader's library counts as likes; against it, every window day's other papers are
    // the negatives (with votes alone, only the voted days').
    std::set<std::string> used;
    for (const auto& e : library) {
        if (!e.arxiv_id.empty()) used.insert(e.arxiv_id);
        if (!e.arxiv_id.empty() && by_id.contains(e.arxiv_id)) continue;  // the vote decides
        paper p;
        p.title = e.title;
        p.abstract = e.abstract;
        add_copies(examples, r.features(p), 1, vote_copies);
    }
    std::vector<std::pair<std::string, const paper*>> others;
    for (const auto& d : corpus.days()) {
        const bool voted_day = !library.empty() || voted_days.contains(format_iso_day(d.announced));
        for (const auto& p : d.papers) {
            if (!used.insert(p.id).second) continue;
            if (const auto it = by_id.find(p.id); it != by_id.end()) {
                add_copies(examples, corpus.features(p), it->second, vote_copies);
            } else if (const auto t = taught.find(p.id); t != taught.end()) {
                examples.push_back({corpus.features(p), t->second});
            } else if (voted_day) {
                others.emplace_back(stable_hash(p.id), &p);
            }
        }
    }
    // Votes on days older than the window: their papers as stored.
    std::vector<std::string> older;
    for (const auto& [id, value] : by_id) {
        if (!used.contains(id)) older.push_back(id);
    }
    for (const auto& [id, p] : state->stored_papers(older)) add_copies(examples, corpus.vectorize(p), by_id.at(id), vote_copies);
    // Unvoted papers of voted days are negatives; a deterministic sample when there are many.
    std::sort(others.begin(), others.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (others.size() > ranker_max_negatives) others.resize(ranker_max_negatives);
    for (const auto& [key, p] : others) examples.push_back({corpus.features(*p), -1});
    r.train(examples);
    return r;
}

rank::ranker train_profile_ranker(state_store* state, const profile_config& profile, std::span<const paper* const> extra,
                                  std::string_view teacher_key) {
    const ranker_corpus corpus(state, extra);
    return train_profile_ranker(corpus, state, profile, teacher_key);
}

ranked_day rank_day(const rank::ranker& ranker, const profile_config& profile, std::span<const paper* const> papers,
                    const ranker_corpus* corpus) {
    const auto ks = profile_keywords(profile);
    ranked_day out;
    std::vector<double> keyword;
    for (const auto* p : papers) {
        out.features.push_back(corpus ? corpus->features(*p) : ranker.features(*p));
        keyword.push_back(offline_score(corpus ? find_keywords(ks, corpus->folded(*p)) : find_keywords(ks, *p)).relevance);
    }
    out.z = ranker.score_day(out.features, keyword);
    return out;
}

const rank::ranker& ranker_scorer::ranker_for(const profile_config& profile, std::span<const paper* const> papers) const {
    auto& slot = trained_[profile.name];
    if (!corpus_) corpus_ = std::make_unique<ranker_corpus>(state_, papers);
    if (!slot) slot = std::make_unique<rank::ranker>(train_profile_ranker(*corpus_, state_, profile));
    return *slot;
}

std::string ranker_scorer::cache_key(const profile_config& profile) const {
    // What the ranker is trained from, not the ranker itself: training here, before score()
    // has the day's papers, would build a vocabulary without them.
    std::string basis;
    if (state_) {
        for (const auto& v : recent_votes(*state_, profile)) basis += v.paper_id + (v.value > 0 ? "+" : "-");
        basis += "\x1f";
        for (const auto& e : state_->library(profile.name)) basis += e.key + ",";
        basis += "\x1f";
        for (const auto& [d, n] : state_->recent_days(ranker_window_days)) basis += d + ",";
    }
    const auto ks = profile_keywords(profile);
    return std::string(key_prefix) + "v4/" + stable_hash(profile.topics + "\x1f" + text::join(ks.positive) + "|" + text::join(ks.negative) + "\x1f" + basis);
}

scoring_outcome ranker_scorer::score(const profile_config& profile, std::span<const paper* const> papers) {
    const auto& r = ranker_for(profile, papers);
    const auto ranked = rank_day(r, profile, papers, corpus_.get());
    const auto& x = ranked.features;
    const auto& z = ranked.z;
    scoring_outcome out;
    for (std::size_t i = 0; i < papers.size(); ++i) {
        paper_score s;
        s.relevance = rank::relevance_of(z[i]);
        s.ranker_score = z[i];
        std::string terms;
        for (const auto& t : r.explain(x[i], 3)) {
            if (t.weight > 0) terms += (terms.empty() ? "" : ", ") + t.term;
        }
        s.comment = "Ranker " + std::string(r.trained() ? "(learned)" : "(topics)") + (terms.empty() ? std::string(": no topic terms") : ": " + terms) +
                    ". Novelty not judged.";
        out.scores.emplace(papers[i]->id, std::move(s));
    }
    return out;
}

prompt_disclosure ranker_scorer::disclose(const profile_config& profile) const {
    const auto& r = ranker_for(profile, {});
    std::size_t likes = 0, dislikes = 0, imported = 0;
    if (state_) {
        const auto counted = state_->count_votes(profile.name);
        likes = counted.likes;
        dislikes = counted.dislikes;
        imported = state_->library(profile.name).size();
    }
    const auto ks = profile_keywords(profile);
    prompt_disclosure d;
    d.sent_to_model = false;
    d.system = "No language model was used: paperboy's built-in ranker rated these papers, " + learned_from(r, likes, dislikes, imported) + ".";
    d.user = "The ranker compares each paper's words and word pairs (tf-idf of title and abstract, the title counted four times) "
             "with the topics text and its keywords, and, once the reader has voted (paperboy feedback), with a logistic "
             "regression trained on the votes and the centroid of the liked papers. Relevance 1-10 maps the day's ranking: "
             "10 for the top few percent, 8 and above for about the top tenth. Novelty cannot be judged without a model, so "
             "the novelty cut-off does not apply.\n\nKeywords: " + text::join(ks.positive) + "\n\nExcluded topics: " +
             (ks.negative.empty() ? std::string("none") : text::join(ks.negative));
    return d;
}

}  // namespace paperboy
