// A profile's ranker: what it learned from the reader (votes) and the topics text, scoring a
// day's papers. Pure: no files, no clock, no SQLite.
//
// Cold start (no votes): tf-idf cosine between the topics text (less what it says is not
// relevant) and each paper, plus the topics' keywords (the old offline scorer, with a small
// weight, so the ranker is never worse than it), plus one round of pseudo-relevance feedback
// (Rocchio: the cosine to the centroid of the day's top few papers by that score). Trained: a logistic regression (liblinear, class weights balanced) on likes against
// dislikes and the other papers of the voted days, plus the cosine to the centroid of the
// likes, plus the cold-start score. The parts are z-scored over the day and summed, weights
// fixed in `ranker_weights` (chosen on bench/rank_bench, documented there).
#pragma once

#include "arxiv/paper.hpp"
#include "rank/features.hpp"
#include "rank/linear_model.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy::rank {

struct ranker_weights {
    double model = 1.0;      // the logistic regression's decision value
    double centroid = 1.0;   // cosine to the centroid of the likes (Rocchio)
    double topics = 0.5;     // the cold-start score, once trained
    double keywords = 0.2;   // the keyword score inside the cold-start score
    double feedback = 0.5;   // cold: the cosine to the centroid of the day's top papers
    double feedback_share = 0.05;  // ... that many of them (at least one)
};

/// The topics text as a query: without the lines that say what is not wanted ("Not relevant:",
/// "Irrelevant:", "Exclude:"), whose words would otherwise count for the papers they exclude,
/// and without Markdown headings and the template's instruction sentence ("Use the following
/// relevance criteria ..."), which are about selecting, not about a topic.
std::string topics_query(std::string_view topics);

/// One labelled paper: +1 a like (or a pick of the reader's model), -1 a dislike or another
/// paper of a voted day.
struct example {
    sparse_vector x;
    int label = 0;
};

struct term_weight {
    std::string term;
    double weight;  // its contribution to this paper's model score (+ for, - against)
};

class ranker {
public:
    /// Cold start from the topics text alone. The vocabulary is shared: every profile's
    /// ranker of a run uses the one the run built.
    ranker(std::shared_ptr<const vocabulary> vocab, std::string_view topics, ranker_weights w = {});
    ranker(vocabulary vocab, std::string_view topics, ranker_weights w = {})
        : ranker(std::make_shared<const vocabulary>(std::move(vocab)), topics, w) {}

    /// Learns from `examples`; without both a positive and a negative it stays cold.
    void train(const std::vector<example>& examples, const training_options& opts = {});

    bool trained() const noexcept { return model_.trained(); }
    int positives() const noexcept { return positives_; }
    int negatives() const noexcept { return negatives_; }
    const vocabulary& vocab() const noexcept { return *vocab_; }

    sparse_vector features(const paper& p) const { return vocab_->vectorize({p.title, p.abstract, p.categories}); }

    /// Scores of a day's papers (higher: more relevant), given their feature vectors and their
    /// keyword relevance (1-10, the offline scorer's). Z-scored over the day, so comparable
    /// within a day, not across days.
    std::vector<double> score_day(const std::vector<sparse_vector>& papers, const std::vector<double>& keyword_relevance) const;

    /// The terms that moved `x` most, for and against, by their share of the model score (or,
    /// cold, of the topics cosine); at most `n` of each.
    std::vector<term_weight> explain(const sparse_vector& x, std::size_t n) const;

private:
    std::vector<double> with_feedback(const std::vector<sparse_vector>& papers, std::vector<double> z) const;

    std::shared_ptr<const vocabulary> vocab_;
    sparse_vector topics_;
    sparse_vector centroid_;
    linear_model model_;
    ranker_weights weights_;
    int positives_ = 0, negatives_ = 0;
};

/// The z-score of each value over all of them (0 for a constant list).
std::vector<double> z_scores(const std::vector<double>& v);

/// A day-relative score as the report's RELEVANCE 1-10: 10 for z >= 2 (the top few
/// percent), 9 >= 1.6, 8 >= 1.28 (about the top tenth), 7 >= 0.84, 6 >= 0.52, 5 >= 0.25, 4 >= 0,
/// 3 >= -0.5, 2 >= -1, else 1.
int relevance_of(double z);

/// ROC AUC of `scores` against labels (1 / 0), ties counted half (Mann-Whitney); nullopt when
/// a class is missing. For the benchmark and the tests.
std::optional<double> roc_auc(const std::vector<double>& scores, const std::vector<int>& labels);

}  // namespace paperboy::rank
