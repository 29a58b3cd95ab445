#include "rank/ranker.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>

namespace paperboy::rank {

std::vector<double> z_scores(const std::vector<double>& v) {
    if (v.empty()) return {};
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double var = 0;
    for (const double x : v) var += (x - mean) * (x - mean);
    const double sd = std::sqrt(var / static_cast<double>(v.size()));
    std::vector<double> out(v.size(), 0.0);
    if (sd < 1e-12) return out;
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = (v[i] - mean) / sd;
    return out;
}

int relevance_of(double z) {
    static constexpr std::array<double, 9> bounds{2.0, 1.6, 1.28, 0.84, 0.52, 0.25, 0.0, -0.5, -1.0};
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        if (z >= bounds[i]) return 10 - static_cast<int>(i);
    }
    return 1;
}

std::optional<double> roc_auc(const std::vector<double>& scores, const std::vector<int>& labels) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] < scores[b]; });
    double positive_rank_sum = 0, positives = 0, negatives = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
        const double rank = static_cast<double>(i + 1 + j) / 2.0;  // ties share their mean rank
        for (std::size_t k = i; k < j; ++k) {
            if (labels[order[k]] != 0) positive_rank_sum += rank;
        }
        i = j;
    }
    for (const int l : labels) (l != 0 ? positives : negatives) += 1;
    if (positives == 0 || negatives == 0) return std::nullopt;
    return (positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

std::string topics_query(std::string_view topics) {
    std::string out;
    for (const auto& line : text::split(topics, '\n')) {
        // Headings and the template's instruction to the model ("Use the following relevance
        // criteria ...") say how to select, not what: their words are nobody's topic.
        if (line.starts_with("#") || text::fold(line).starts_with("use the following relevance criteria")) continue;
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            const auto label = text::fold(std::string_view(line).substr(0, colon));
            if (label.find("not relevant") != std::string::npos || label.find("irrelevant") != std::string::npos ||
                label.find("exclude") != std::string::npos)
                continue;
        }
        out += line;
        out += '\n';
    }
    return out;
}

ranker::ranker(std::shared_ptr<const vocabulary> vocab, std::string_view topics, ranker_weights w)
    : vocab_(std::move(vocab)), topics_(vocab_->vectorize_text(topics_query(topics))), weights_(w) {}

void ranker::train(const std::vector<example>& examples, const training_options& opts) {
    std::vector<const sparse_vector*> x;
    std::vector<int> y;
    std::vector<double> centroid(vocab_->size(), 0.0);
    positives_ = negatives_ = 0;
    for (const auto& e : examples) {
        x.push_back(&e.x);
        y.push_back(e.label > 0 ? 1 : -1);
        if (e.label > 0) {
            ++positives_;
            for (const auto& [i, v] : e.x.entries) centroid[static_cast<std::size_t>(i)] += v;
        } else {
            ++negatives_;
        }
    }
    model_ = train_logistic(std::span<const sparse_vector* const>(x), y, vocab_->size(), opts);
    double norm = 0;
    for (const double v : centroid) norm += v * v;
    centroid_.entries.clear();
    if (norm > 0) {
        norm = std::sqrt(norm);
        for (std::size_t i = 0; i < centroid.size(); ++i) {
            if (centroid[i] != 0) centroid_.entries.emplace_back(static_cast<int>(i), centroid[i] / norm);
        }
    }
}

std::vector<double> ranker::with_feedback(const std::vector<sparse_vector>& papers, std::vector<double> z) const {
    if (weights_.feedback <= 0 || papers.empty()) return z;
    std::vector<std::size_t> order(z.size());
    std::iota(order.begin(), order.end(), 0);
    const auto top = std::clamp<std::size_t>(static_cast<std::size_t>(weights_.feedback_share * static_cast<double>(z.size())), 1, z.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                      [&](auto a, auto b) { return z[a] != z[b] ? z[a] > z[b] : a < b; });
    std::map<int, double> sum;
    for (std::size_t k = 0; k < top; ++k) {
        for (const auto& [i, v] : papers[order[k]].entries) sum[i] += v;
    }
    sparse_vector centre;
    centre.entries.assign(sum.begin(), sum.end());
    std::vector<double> similarity;
    for (const auto& x : papers) similarity.push_back(centre.dot(x));
    const auto zs = z_scores(similarity);
    for (std::size_t i = 0; i < z.size(); ++i) z[i] += weights_.feedback * zs[i];
    return z_scores(z);
}

std::vector<double> ranker::score_day(const std::vector<sparse_vector>& papers, const std::vector<double>& keyword_relevance) const {
    std::vector<double> cosine, model, centroid;
    for (const auto& x : papers) {
        cosine.push_back(topics_.dot(x));
        if (trained()) {
            model.push_back(model_.decision(x));
            centroid.push_back(centroid_.dot(x));
        }
    }
    const auto zc = z_scores(cosine);
    const auto zk = z_scores(keyword_relevance.size() == papers.size() ? keyword_relevance : std::vector<double>(papers.size(), 0.0));
    std::vector<double> cold(papers.size());
    for (std::size_t i = 0; i < papers.size(); ++i) cold[i] = zc[i] + weights_.keywords * zk[i];
    if (!trained()) return with_feedback(papers, z_scores(cold));
    const auto zm = z_scores(model), zr = z_scores(centroid), zcold = z_scores(cold);
    std::vector<double> out(papers.size());
    for (std::size_t i = 0; i < papers.size(); ++i) out[i] = weights_.model * zm[i] + weights_.centroid * zr[i] + weights_.topics * zcold[i];
    return z_scores(out);
}

std::vector<term_weight> ranker::explain(const sparse_vector& x, std::size_t n) const {
    // Weights first and names only for the few shown: every scored paper is explained.
    std::vector<std::pair<double, int>> all;
    for (const auto& [i, v] : x.entries) {
        double w = 0;
        if (trained()) {
            w = model_.weights[static_cast<std::size_t>(i)] * v;
        } else {
            for (const auto& [j, q] : topics_.entries) {
                if (j == i) w = q * v;
            }
        }
        if (w != 0) all.emplace_back(w, i);
    }
    // By weight, ties by the term's place in the vocabulary, so the choice is stable.
    const auto by_weight = [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; };
    std::vector<term_weight> out;
    const auto shown = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(shown), all.end(), by_weight);
    for (std::size_t k = 0; k < shown && all[k].first > 0; ++k) out.push_back({vocab_->display(all[k].second), all[k].first});
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(shown), all.end(), [&](const auto& a, const auto& b) { return by_weight(b, a); });
    for (std::size_t k = 0; k < shown && all[k].first < 0; ++k) out.push_back({vocab_->display(all[k].second), all[k].first});
    return out;
}

}  // namespace paperboy::rank
