#include "rank/linear_model.hpp"

#include <linear.h>

#include <algorithm>
#include <mutex>

namespace paperboy::rank {

double linear_model::decision(const sparse_vector& x) const {
    double sum = bias;
    for (const auto& [i, v] : x.entries) {
        if (static_cast<std::size_t>(i) < weights.size()) sum += weights[static_cast<std::size_t>(i)] * v;
    }
    return sum;
}

linear_model train_logistic(const std::vector<sparse_vector>& x, const std::vector<int>& y, std::size_t dimensions,
                            const training_options& opts) {
    std::vector<const sparse_vector*> ptrs;
    for (const auto& v : x) ptrs.push_back(&v);
    return train_logistic(std::span<const sparse_vector* const>(ptrs), y, dimensions, opts);
}

linear_model train_logistic(std::span<const sparse_vector* const> x, const std::vector<int>& y, std::size_t dimensions,
                            const training_options& opts) {
    const auto positives = static_cast<std::size_t>(std::count(y.begin(), y.end(), 1));
    if (x.empty() || x.size() != y.size() || positives == 0 || positives == y.size() || dimensions == 0) return {};

    // liblinear's rows: 1-based indices, the bias as one more feature, -1 terminated.
    std::vector<std::vector<feature_node>> rows(x.size());
    std::vector<feature_node*> row_ptrs(x.size());
    std::vector<double> labels(x.size());
    const int bias_index = static_cast<int>(dimensions) + 1;
    for (std::size_t r = 0; r < x.size(); ++r) {
        rows[r].reserve(x[r]->entries.size() + 2);
        for (const auto& [i, v] : x[r]->entries) rows[r].push_back({i + 1, v});
        rows[r].push_back({bias_index, 1.0});
        rows[r].push_back({-1, 0.0});
        row_ptrs[r] = rows[r].data();
        labels[r] = y[r] > 0 ? 1.0 : -1.0;
    }
    problem prob{};
    prob.l = static_cast<int>(x.size());
    prob.n = bias_index;
    prob.y = labels.data();
    prob.x = row_ptrs.data();
    prob.bias = -1;  // the bias column is in the rows already, so liblinear regularises it like scikit-learn does

    int weight_labels[2] = {1, -1};
    const double n = static_cast<double>(x.size());
    double class_weights[2] = {1.0, 1.0};
    if (opts.balanced) {
        class_weights[0] = n / (2.0 * static_cast<double>(positives));
        class_weights[1] = n / (2.0 * static_cast<double>(x.size() - positives));
    }
    parameter param{};
    // The dual solver: a ranker trains on a few thousand papers over tens of thousands of
    // terms, where dual coordinate descent reaches the same optimum in less time than the
    // primal Newton method (liblinear's guide, "when the number of features is large").
    param.solver_type = opts.svm ? L2R_L2LOSS_SVC_DUAL : L2R_LR_DUAL;
    param.eps = 0.1;  // liblinear's default stopping tolerance for the dual solvers
    param.C = opts.c;
    param.nr_weight = 2;
    param.weight_label = weight_labels;
    param.weight = class_weights;
    param.p = 0.1;
    param.init_sol = nullptr;

    static std::once_flag quiet;
    std::call_once(quiet, [] { set_print_string_function([](const char*) {}); });
    if (check_parameter(&prob, &param) != nullptr) return {};
    model* m = train(&prob, &param);
    if (!m) return {};
    // The weights are for the first label liblinear saw; flip them when that was -1.
    int model_labels[2] = {1, -1};
    get_labels(m, model_labels);
    const double sign = model_labels[0] == 1 ? 1.0 : -1.0;
    linear_model out;
    out.weights.resize(dimensions);
    for (std::size_t i = 0; i < dimensions; ++i) out.weights[i] = sign * get_decfun_coef(m, static_cast<int>(i) + 1, 0);
    out.bias = sign * get_decfun_coef(m, bias_index, 0);
    free_and_destroy_model(&m);
    return out;
}

}  // namespace paperboy::rank
