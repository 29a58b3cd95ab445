#include "rank/ranker.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using namespace paperboy::rank;

namespace {
paper make(const std::string& id, const std::string& title, const std::string& abstract) {
    paper p;
    p.id = id;
    p.title = title;
    p.abstract = abstract;
    return p;
}
}  // namespace

TEST_CASE("rank: words are folded, stemmed and stripped of stop words") {
    CHECK(tokenize("The Segmentation Models and Schrödinger's bridges, in 3D") ==
          std::vector<std::string>{"segmentation", "model", "schrodinger", "bridge"});
    CHECK(tokenize("Diffusing diffusion").size() == 2);
    CHECK(tokenize("is of the a an").empty());
}

TEST_CASE("rank: tf-idf vectors are L2-normalised, rare terms weigh more, unknown terms are dropped") {
    const vocabulary v = vocabulary::build({{"sparse experts", "routing of sparse experts"}, {"sparse attention", "attention heads"},
                                            {"dense retrieval", "retrieval of documents"}, {"sparse retrieval", "documents and experts"}},
                                           {.bigrams = false, .title_weight = 1, .min_df = 2, .max_df = 0.9, .max_terms = 100});
    const auto x = v.vectorize({"sparse experts", "experts"});
    double norm = 0;
    for (const auto& [i, w] : x.entries) norm += w * w;
    CHECK(norm == Approx(1.0));
    CHECK(v.vectorize({"quantum chromodynamics", ""}).entries.empty());
    CHECK(x.dot(x) == Approx(1.0));
    CHECK(v.fingerprint() == vocabulary::build({{"sparse experts", "routing of sparse experts"}, {"sparse attention", "attention heads"},
                                                 {"dense retrieval", "retrieval of documents"}, {"sparse retrieval", "documents and experts"}},
                                                {.bigrams = false, .title_weight = 1, .min_df = 2, .max_df = 0.9, .max_terms = 100})
                                    .fingerprint());
}

TEST_CASE("rank: cold, the topics text ranks, trained, the votes do, and explain names the terms") {
    std::vector<paper> papers{
        make("1", "Gaussian splatting for scenes", "real-time radiance fields with gaussian splatting"),
        make("2", "Sparse mixture of experts", "routing tokens to experts in language models"),
        make("3", "Gaussian splatting avatars", "animatable avatars from gaussian splatting"),
        make("4", "Language model alignment", "preference optimisation of language models"),
        make("5", "Expert routing at scale", "load balancing of experts"),
        make("6", "Radiance fields from phones", "neural radiance fields captured on phones"),
    };
    std::vector<vocabulary::document> docs;
    for (const auto& p : papers) docs.push_back({p.title, p.abstract});
    ranker r(vocabulary::build(docs, {.bigrams = true, .title_weight = 2, .min_df = 1, .max_df = 0.9, .max_terms = 1000}),
             "Mixture of experts: routing tokens to experts, sparse models");
    std::vector<sparse_vector> x;
    for (const auto& p : papers) x.push_back(r.features(p));
    auto cold = r.score_day(x, {});
    CHECK(cold[1] > cold[0]);  // the topic is experts
    CHECK(cold[4] > cold[2]);
    CHECK_FALSE(r.trained());

    // The reader likes splatting and radiance fields instead: the votes win over the topics.
    r.train({{x[0], 1}, {x[2], 1}, {x[1], -1}, {x[3], -1}});
    REQUIRE(r.trained());
    CHECK(r.positives() == 2);
    CHECK(r.negatives() == 2);
    const auto learned = r.score_day(x, {});
    CHECK(learned[5] > learned[4]);  // unseen radiance fields beat unseen experts
    const auto why = r.explain(x[5], 3);
    REQUIRE_FALSE(why.empty());
    CHECK(why.front().weight > 0);
    CHECK((why.front().term.find("radiance") != std::string::npos || why.front().term.find("field") != std::string::npos));
}

TEST_CASE("rank: one class only leaves the model cold, AUC and the relevance map") {
    const vocabulary v = vocabulary::build({{"a b", "c d"}, {"c d", "a b"}}, {.bigrams = false, .title_weight = 1, .min_df = 1, .max_df = 1, .max_terms = 10});
    CHECK_FALSE(train_logistic({v.vectorize({"ab", "cd"})}, {1}, v.size()).trained());
    CHECK(roc_auc({0.9, 0.8, 0.1, 0.2}, {1, 1, 0, 0}) == 1.0);
    CHECK(roc_auc({0.5, 0.5, 0.5, 0.5}, {1, 0, 1, 0}) == 0.5);  // ties count half
    CHECK_FALSE(roc_auc({0.1, 0.2}, {0, 0}));
    CHECK(relevance_of(2.5) == 10);
    CHECK(relevance_of(1.3) == 8);
    CHECK(relevance_of(0.0) == 4);
    CHECK(relevance_of(-3) == 1);
    CHECK(z_scores({1, 1, 1}) == std::vector<double>{0, 0, 0});
}
