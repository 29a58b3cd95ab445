// A linear model over sparse tf-idf vectors, trained with liblinear (Debian's liblinear-dev,
// the solver behind scikit-learn's LinearSVC and LogisticRegression(solver="liblinear")).
// Pure: vectors in, weights out.
#pragma once

#include "rank/features.hpp"

#include <span>
#include <vector>

namespace paperboy::rank {

struct linear_model {
    std::vector<double> weights;  // by term index; empty: untrained
    double bias = 0;

    bool trained() const noexcept { return !weights.empty(); }
    /// The decision value w·x + b (higher: more like the positives).
    double decision(const sparse_vector& x) const;
};

struct training_options {
    double c = 1.0;          // inverse regularisation strength
    bool balanced = true;    // class weights n / (2 n_class), as scikit-learn's "balanced"
    bool svm = false;        // a linear SVM (L2-loss, dual) instead of logistic regression
};

/// L2-regularised logistic regression on `x` with labels `y` (+1 / -1), solved in the dual. An untrained model
/// when either class is missing. `dimensions` is the vocabulary size.
linear_model train_logistic(const std::vector<sparse_vector>& x, const std::vector<int>& y, std::size_t dimensions,
                            const training_options& opts = {});
/// The same on vectors held elsewhere (a ranker's examples), not copied.
linear_model train_logistic(std::span<const sparse_vector* const> x, const std::vector<int>& y, std::size_t dimensions,
                            const training_options& opts = {});

}  // namespace paperboy::rank
