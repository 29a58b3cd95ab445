#include "rank/ranker.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

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
          std::vector<std::string>{"segment", "model", "schroding", "bridg"});
    // One idea, one term, whatever its ending.
    CHECK(tokenize("segmentation segmenting segments segmented") == std::vector<std::string>(4, "segment"));
    CHECK(tokenize("generative generation generate") == std::vector<std::string>(3, "generat"));
    CHECK(tokenize("is of the a an").empty());
}

TEST_CASE("rank: terms are shown as written, title terms and categories named as such") {
    const std::vector<std::string> cats{"cs.CV", "cs.LG"};
    const vocabulary v = vocabulary::build({{"Generative segmentation", "we generate masks", cats}, {"Generation of masks", "segmenting scenes", cats}},
                                           {.min_df = 1, .max_df = 1.0});
    std::set<std::string> shown;
    for (std::size_t i = 0; i < v.size(); ++i) shown.insert(v.display(static_cast<int>(i)));
    CHECK(shown.contains("generate"));  // the stem "generat", shown as its shortest form
    CHECK(shown.contains("title: generation"));
    CHECK(shown.contains("category cs.CV"));
    CHECK_FALSE(shown.contains("generat"));
}

TEST_CASE("rank: categories are features of fixed weight outside the tf-idf norm, the primary one heavier") {
    const std::vector<std::string> cv{"cs.CV", "cs.LG"}, lg{"cs.LG"};
    const vocabulary v = vocabulary::build({{"sparse experts", "routing", cv}, {"sparse attention", "heads", lg}}, {.min_df = 1, .max_df = 1.0});
    const auto x = v.vectorize({"sparse experts", "routing", cv});
    std::map<std::string, double> by_term;
    double words = 0;
    for (const auto& [i, w] : x.entries) {
        by_term[v.display(i)] = w;
        if (!v.term(i).starts_with("cat:")) words += w * w;
    }
    CHECK(words == Approx(1.0));
    CHECK(by_term.at("category cs.CV") == Approx(0.3));
    CHECK(by_term.at("category cs.LG") == Approx(0.1));
    CHECK(v.vectorize({"sparse experts", "routing", std::vector<std::string>{"math.AG"}}).entries.size() == x.entries.size() - 2);  // unknown: dropped
}

TEST_CASE("rank: the query leaves out what the topics text says is not relevant") {
    const auto q = topics_query("Matting\n\nRelevant: alpha mattes for foreground extraction.\n\nNot relevant: general segmentation.\n"
                                "Irrelevant: detection\n - Exclude: surveys\nApplications: medicine");
    CHECK(q.find("alpha mattes") != std::string::npos);
    CHECK(q.find("Matting") != std::string::npos);
    CHECK(q.find("Applications: medicine") != std::string::npos);
    CHECK(q.find("segmentation") == std::string::npos);
    CHECK(q.find("detection") == std::string::npos);
    CHECK(q.find("surveys") == std::string::npos);
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
        make("7", "Relightable radiance fields", "radiance fields that separate light and material"),
        make("8", "Experts for translation", "mixture of experts for machine translation"),
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
    r.train({{x[0], 1}, {x[2], 1}, {x[6], 1}, {x[1], -1}, {x[3], -1}, {x[7], -1}});
    REQUIRE(r.trained());
    CHECK(r.positives() == 3);
    CHECK(r.negatives() == 3);
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

TEST_CASE("the vectors built with a vocabulary are the ones vectorize gives", "[unit][rank]") {
    const std::vector<std::string> cv{"cs.CV", "cs.LG"}, lg{"cs.LG"};
    const std::vector<vocabulary::document> docs{{"Sparse experts for segmentation", "routing of sparse experts segments scenes", cv},
                                                 {"Sparse attention", "attention heads route tokens", lg},
                                                 {"Segmenting scenes with experts", "we segment scenes", cv}};
    std::vector<sparse_vector> built;
    const auto v = vocabulary::build(docs, {.min_df = 1, .max_df = 1.0}, &built);
    REQUIRE(built.size() == docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i) CHECK(built[i].entries == v.vectorize(docs[i]).entries);
    CHECK(v.display(v.vectorize_text("segmenting").entries.at(0).first) == "segment");
}

TEST_CASE("ranker: the topics template's heading and instruction sentence are not part of the ranker's query") {
    const auto q = topics_query("## Relevant Topics\n\nUse the following relevance criteria to find the papers I want to read. Keep **relevant** "
                                "papers and filter out **irrelevant** ones.\n\n1. Graph neural networks\n   - Relevant: message passing, molecules.\n");
    CHECK(q.find("criteria") == std::string::npos);
    CHECK(q.find("filter out") == std::string::npos);
    CHECK(q.find("Relevant Topics") == std::string::npos);
    CHECK(q.find("Graph neural networks") != std::string::npos);
    CHECK(q.find("message passing, molecules") != std::string::npos);
}

TEST_CASE("features: a paper's vector is the same from the corpus pass and from vectorize, for the corpus's papers and for others") {
    const std::vector<std::string> cs{"cs.CV", "cs.LG"};
    const std::vector<vocabulary::document> docs{
        {"Diffusion models for image segmentation", "We train diffusion models that segment images; segmentation masks improve.", cs},
        {"Segmenting videos with diffusion", "Video segmentation by denoising diffusion models and temporal attention.", cs},
        {"Graph neural networks for molecules", "Message passing networks predict molecular properties of graphs.", cs},
        {"Molecular graphs and diffusion", "Diffusion on molecular graphs generates molecules; graph networks score them.", cs},
    };
    std::vector<sparse_vector> from_pass;
    const auto v = vocabulary::build(docs, {.min_df = 1, .max_df = 1.0}, &from_pass);
    REQUIRE(from_pass.size() == docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const auto again = v.vectorize(docs[i]);
        REQUIRE(again.entries.size() == from_pass[i].entries.size());
        for (std::size_t k = 0; k < again.entries.size(); ++k) {
            CHECK(again.entries[k].first == from_pass[i].entries[k].first);
            CHECK(again.entries[k].second == Approx(from_pass[i].entries[k].second).epsilon(1e-12));
        }
    }
    // A paper the corpus never had: its known words count (stemmed as the corpus's were), new ones do not.
    const auto outside = v.vectorize({"Diffusion segments molecules", "Quantum chromodynamics of segmented diffusion.", {}});
    std::set<std::string> terms;
    for (const auto& [i, w] : outside.entries) terms.insert(v.term(i));
    CHECK(terms.contains("diffus"));
    CHECK(terms.contains("segment"));
    CHECK(terms.contains("title:molecul"));
    CHECK_FALSE(terms.contains("quantum"));
}
