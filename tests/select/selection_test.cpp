#include "select/selection.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

namespace {
paper make(const std::string& id) {
    paper p;
    p.id = id;
    return p;
}
std::vector<std::string> ids(const std::vector<selected_paper>& s) {
    std::vector<std::string> out;
    for (const auto& x : s) out.push_back(x.item->id);
    return out;
}
}  // namespace

TEST_CASE("cut-offs, deterministic order and author matches first") {
    const auto a = make("2507.00003"), b = make("2507.00001"), c = make("2507.00002"), d = make("2507.00004"),
               e = make("2507.00005"), m = make("2507.09999");
    std::map<std::string, paper_score> scores{
        {a.id, {9, 8, "a"}}, {b.id, {9, 8, "b"}},  // tie: arXiv id decides
        {c.id, {8, 9, "c"}},                        // same sum, lower relevance: after a and b
        {d.id, {10, 6, "d"}},                       // novelty below the cut-off
        {e.id, {7, 10, "e"}},                       // relevance below the cut-off
    };
    profile_config profile;
    const auto sel = select_papers(profile, {&m}, {"Y. Bengio"}, {&a, &b, &c, &d, &e}, scores);
    CHECK(ids(sel) == std::vector<std::string>{"2507.09999", "2507.00001", "2507.00003", "2507.00002"});
    CHECK(sel[0].author_match);
    CHECK_FALSE(sel[0].score);

    profile.top_n = 2;
    CHECK(select_papers(profile, {&m}, {"x"}, {&a, &b, &c}, scores).size() == 2);
}

TEST_CASE("a novelty the scorer cannot judge is not held against the paper") {
    const auto a = make("1");
    std::map<std::string, paper_score> scores{{"1", {8, std::nullopt, "offline"}}};
    CHECK(select_papers(profile_config{}, {}, {}, {&a}, scores).size() == 1);
}

TEST_CASE("near misses: the next papers under the cut-offs or past top_n, in selection order") {
    const auto a = make("2507.00001"), b = make("2507.00002"), c = make("2507.00003"), d = make("2507.00004");
    std::map<std::string, paper_score> scores{{a.id, {9, 9, "a"}}, {b.id, {7, 9, "b"}}, {c.id, {10, 5, "c"}}, {d.id, {3, 3, "d"}}};
    profile_config profile;
    const std::vector<const paper*> scored{&a, &b, &c, &d};
    const auto sel = select_papers(profile, {}, {}, scored, scores);
    CHECK(ids(sel) == std::vector<std::string>{"2507.00001"});
    CHECK(ids(near_misses(scored, scores, sel, 2)) == std::vector<std::string>{"2507.00002", "2507.00003"});  // sums 16 and 15
    CHECK(near_misses(scored, scores, sel, 0).empty());
    CHECK(near_misses(scored, scores, sel, 10).size() == 3);
}
