// The built-in scorer ("llm.plugin": "offline"): the profile's ranker (rank/ranker.hpp),
// trained from what the state holds. No model, no network, no API key.
#pragma once

#include "rank/ranker.hpp"
#include "score/scorer.hpp"

#include <map>
#include <memory>
#include <span>

namespace paperboy {

class state_store;

/// How many recent stored days the vocabulary is learned from (voted days always count).
inline constexpr std::size_t ranker_vocabulary_days = 30;
/// At most this many negatives (the other papers of voted days) train the model; beyond it a
/// deterministic sample by id.
inline constexpr std::size_t ranker_max_negatives = 5000;

/// A reader's vote counts this many times a model's score when both train the ranker.
inline constexpr int ranker_vote_weight = 3;

/// The profile's ranker: the vocabulary of the stored days (and `extra`, the papers about to
/// be scored), trained on the profile's votes: likes positive; dislikes, and the other papers
/// of the days that hold a vote, negative. With a `teacher_key` (the language model's cache
/// key, llm.teach_ranker) the model's cached scores of the stored days train it too, as the
/// teacher's pupil: relevance at the profile's cut-off or above positive, below negative, each
/// counting 1/ranker_vote_weight of a vote; a vote on the same paper wins. Cold (topics only)
/// without votes, teacher scores or state.
rank::ranker train_profile_ranker(state_store* state, const profile_config& profile, std::span<const paper* const> extra,
                                  std::string_view teacher_key = {});

/// A day's papers as the ranker sees them: their features and their day-relative scores
/// (z-scores of the topics, keyword, model and centroid parts, as rank::ranker::score_day).
struct ranked_day {
    std::vector<rank::sparse_vector> features;
    std::vector<double> z;
};
ranked_day rank_day(const rank::ranker& ranker, const profile_config& profile, std::span<const paper* const> papers);

class ranker_scorer final : public scorer {
public:
    /// `state` may be null (a dry run): the ranker is then cold, its vocabulary the day's papers.
    explicit ranker_scorer(state_store* state) : state_(state) {}

    std::string model() const override { return "offline"; }
    /// Changes with the votes, the topics and the stored days (which make the vocabulary).
    std::string cache_key(const profile_config& profile) const override;
    /// RELEVANCE = rank::relevance_of(z) of the day's z-scored ranker score; NOVELTY not judged;
    /// the comment names the strongest terms; ranker_score is the z-score.
    scoring_outcome score(const profile_config& profile, std::span<const paper* const> papers) override;
    prompt_disclosure disclose(const profile_config& profile) const override;

    /// Trains (once per profile and run) with `papers` as the day's extra corpus.
    const rank::ranker& ranker_for(const profile_config& profile, std::span<const paper* const> papers) const;

private:
    state_store* state_;
    mutable std::map<std::string, std::unique_ptr<rank::ranker>> trained_;
};

}  // namespace paperboy
