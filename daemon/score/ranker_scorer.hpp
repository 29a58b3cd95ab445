// The built-in scorer ("llm.plugin": "offline"): the profile's ranker (rank/ranker.hpp),
// trained from what the state holds. No model, no network, no API key.
#pragma once

#include "rank/ranker.hpp"
#include "score/offline_scorer.hpp"
#include "score/scorer.hpp"

#include <map>
#include <memory>
#include <set>
#include <span>

namespace paperboy {

class state_store;

/// The ranker reads a bounded window of the history, so a run costs the same on day 365 as on
/// day 10: the most recent stored days, at most this many ...
inline constexpr std::size_t ranker_window_days = 30;
/// ... and no older day once the window holds this many papers (about ten days of a busy
/// category set). The vocabulary, the negatives and the teacher's labels come from it.
inline constexpr std::size_t ranker_window_papers = 3'000;
/// At most this many negatives (the other papers of voted days) train the model; beyond it a
/// deterministic sample by id.
inline constexpr std::size_t ranker_max_negatives = 2000;
/// At most this many of the reader's votes (the most recent) train it: a vote on a paper
/// outside the window is tokenised again every run (about 0.25 ms), so all of a year's votes
/// of 20 profiles would cost seconds a day more than the first week's.
inline constexpr std::size_t ranker_max_votes = 200;
/// At most this many library papers (`import`); a library does not grow by itself.
inline constexpr std::size_t ranker_max_library = 2000;

/// The built-in ranker's scores are kept in the state for this many recent stored days (its
/// cache key names the recent days, so older ones are never read again).
inline constexpr std::size_t offline_scores_kept_days = 7;

/// A reader's vote counts this many times a model's score when both train the ranker.
inline constexpr int ranker_vote_weight = 3;

/// What every profile's ranker shares in one run, computed once: the window of recent stored
/// days (and the papers about to be scored that it lacks), their vocabulary, and the features
/// of the papers that training or scoring asked for.
class ranker_corpus {
public:
    /// The window read from `state` (none when null) and `extra`, the papers about to be scored.
    ranker_corpus(state_store* state, std::span<const paper* const> extra);

    const std::shared_ptr<const rank::vocabulary>& vocab() const noexcept { return vocab_; }
    /// The window's days, oldest first.
    const std::vector<feed>& days() const noexcept { return days_; }
    bool in_window(std::string_view date) const { return dates_.contains(std::string(date)); }
    /// A paper's features, computed once per run (by id and version).
    const rank::sparse_vector& features(const paper& p) const;
    /// A paper's features, computed and not kept: for papers one profile alone asks for (its
    /// votes older than the window), which would otherwise pile up over every profile.
    rank::sparse_vector vectorize(const paper& p) const;
    /// A paper's text as keywords match it, folded once per run.
    const folded_paper& folded(const paper& p) const;

private:
    static std::string feature_key(const paper& p);

    std::shared_ptr<const rank::vocabulary> vocab_;
    std::vector<feed> days_;
    std::set<std::string, std::less<>> dates_;
    mutable std::map<std::string, rank::sparse_vector, std::less<>> features_;
    mutable std::map<std::string, folded_paper, std::less<>> folded_;
};

/// The profile's ranker: the corpus's vocabulary, trained on the profile's votes: likes
/// positive; dislikes, and the other papers of the window's days that hold a vote, negative.
/// With a `teacher_key` (the language model's cache key, llm.teach_ranker) the model's cached
/// scores of the window's days train it too, as the teacher's pupil: relevance at the
/// profile's cut-off or above positive, below negative, each counting 1/ranker_vote_weight of a
/// vote; a vote on the same paper wins. Votes on older days count as they were cast. Cold
/// (topics only) without votes, teacher scores or state.
rank::ranker train_profile_ranker(const ranker_corpus& corpus, state_store* state, const profile_config& profile,
                                  std::string_view teacher_key = {});
/// The same with a corpus of its own (one profile, one call).
rank::ranker train_profile_ranker(state_store* state, const profile_config& profile, std::span<const paper* const> extra,
                                  std::string_view teacher_key = {});

/// A day's papers as the ranker sees them: their features and their day-relative scores
/// (z-scores of the topics, keyword, model and centroid parts, as rank::ranker::score_day).
struct ranked_day {
    std::vector<rank::sparse_vector> features;
    std::vector<double> z;
};
ranked_day rank_day(const rank::ranker& ranker, const profile_config& profile, std::span<const paper* const> papers,
                    const ranker_corpus* corpus = nullptr);

class ranker_scorer final : public scorer {
public:
    /// What every cache key of this scorer starts with.
    static constexpr std::string_view key_prefix = "ranker/";
    /// `state` may be null (a dry run): the ranker is then cold, its vocabulary the day's papers.
    explicit ranker_scorer(state_store* state) : state_(state) {}

    std::string model() const override { return "offline"; }
    /// Changes with the votes, the topics and the stored days (which make the vocabulary).
    std::string cache_key(const profile_config& profile) const override;
    /// RELEVANCE = rank::relevance_of(z) of the day's z-scored ranker score; NOVELTY not judged;
    /// the comment names the strongest terms; ranker_score is the z-score.
    scoring_outcome score(const profile_config& profile, std::span<const paper* const> papers) override;
    prompt_disclosure disclose(const profile_config& profile) const override;

    /// Trains (once per profile and run) with `papers` as the day's extra corpus; every
    /// profile shares one corpus.
    const rank::ranker& ranker_for(const profile_config& profile, std::span<const paper* const> papers) const;

private:
    state_store* state_;
    mutable std::unique_ptr<ranker_corpus> corpus_;
    mutable std::map<std::string, std::unique_ptr<rank::ranker>> trained_;
};

}  // namespace paperboy
