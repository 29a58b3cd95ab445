#include "score/offline_scorer.hpp"

#include "score/builtin_prompts.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace paperboy;

namespace {
bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }
}  // namespace

TEST_CASE("keywords come from the topics' headings and Relevant/Irrelevant lists") {
    const auto ks = extract_keywords(builtin_prompts::topics);
    CHECK(has(ks.positive, "representation learning"));
    CHECK(has(ks.positive, "mixture of experts"));
    CHECK(has(ks.positive, "moe"));
    CHECK(has(ks.positive, "quantization"));
    CHECK(has(ks.positive, "conditional networks"));
    CHECK(has(ks.positive, "dynamic networks"));
    CHECK(has(ks.negative, "reinforcement learning"));
    CHECK(has(ks.negative, "medical imaging"));
    CHECK_FALSE(has(ks.positive, "other"));
    for (const auto& k : ks.positive) CHECK(std::count(k.begin(), k.end(), ' ') < 4);
}

TEST_CASE("title hits weigh more than abstract hits, matching is whole-word and plural-tolerant") {
    const auto ks = keywords_from_list({"Mixture of Experts", "pruning", "MoE", "transformer"});
    paper p;
    p.title = "Pruning Mixture-of-Experts Transformers";
    p.abstract = "We study Moebius strips and MoE routing.";
    const auto hits = find_keywords(ks, p);
    CHECK(hits.title == std::vector<std::string>{"mixture of experts", "pruning", "transformer"});
    CHECK(hits.abstract == std::vector<std::string>{"moe"});
    const auto s = offline_score(hits);
    CHECK(s.relevance == 10);  // 1 + 3*3 + 1, capped
    CHECK_FALSE(s.novelty);
    CHECK(s.comment.find("Novelty not judged") != std::string::npos);
}

TEST_CASE("a paper with no keyword gets the lowest relevance and says why") {
    const auto s = offline_score(find_keywords(keywords_from_list({"quantization"}), paper{}));
    CHECK(s.relevance == 1);
    CHECK(s.comment.find("No topic keywords") != std::string::npos);
}

TEST_CASE("excluded topics pull relevance down") {
    keyword_set ks{{"sparse"}, {"reinforcement learning"}};
    paper p;
    p.title = "Sparse reinforcement learning";
    CHECK(offline_score(find_keywords(ks, p)).relevance == 2);  // 1 + 3 - 2
}

TEST_CASE("the offline scorer discloses that no model was used") {
    offline_scorer s;
    profile_config profile;
    profile.topics = "- Relevant: pruning";
    const auto d = s.disclose(profile);
    CHECK_FALSE(d.sent_to_model);
    CHECK(d.user.find("pruning") != std::string::npos);
    CHECK(s.cache_key(profile) != s.cache_key(profile_config{.name = "x", .topics = "- Relevant: sparsity"}));
}
