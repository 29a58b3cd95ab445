#include "score/prompt.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("prompt: batches grow with the day in whole rounds of the workers, within 5 to 50 papers") {
    CHECK(batch_size_for(40, 8, 0) == 5);     // a small day: 8 calls of 5
    CHECK(batch_size_for(100, 8, 0) == 13);   // one round of 8 calls
    CHECK(batch_size_for(261, 4, 0) == 33);   // 8 calls: two rounds of four
    CHECK(batch_size_for(783, 8, 0) == 49);   // 16 calls: two rounds of eight, none over 50
    CHECK(batch_size_for(3000, 8, 0) == 47);  // 64 calls: eight rounds
    CHECK(batch_size_for(783, 1, 0) == 49);   // one worker: 16 calls, as few as the cap allows
    CHECK(batch_size_for(783, 8, 5) == 5);    // llm.batch_size decides when set
    CHECK(batch_size_for(0, 0, 0) == 5);
}

TEST_CASE("prompt: title batches are the fewest calls of at most 200 titles, one round of the workers at most") {
    CHECK(title_batch_size_for(783, 8, 0) == 196);   // 4 calls
    CHECK(title_batch_size_for(261, 4, 0) == 131);   // 2 calls
    CHECK(title_batch_size_for(100, 8, 0) == 100);   // one call
    CHECK(title_batch_size_for(3000, 8, 0) == 375);  // a huge day: still one round of 8
    CHECK(title_batch_size_for(783, 8, 40) == 40);   // llm.title_batch_size decides when set
    CHECK(title_batch_size_for(0, 0, 0) == 1);
}

TEST_CASE("prompt: the title pre-filter sees the topics, its instructions and one line per paper") {
    prompt_config prompts;
    prompts.criteria = "Relevance criteria.";
    prompts.instructions = "Score them.";
    prompts.title_instructions = "List the irrelevant ones.";
    paper p, q;
    p.id = "2507.16110";
    p.title = "A title";
    p.abstract = "An abstract.";
    q.id = "2507.16111";
    q.title = "Another";
    const paper* papers[] = {&p, &q};
    CHECK(title_prompt(prompts, "My topics.", papers) ==
          "My topics.\n\nList the irrelevant ones.\n\n## Papers\n\nOne paper per line: its ArXiv ID in brackets and its title.\n\n"
          "[2507.16110] A title\n[2507.16111] Another");
    CHECK(user_prompt(prompts, "My topics.", papers) ==
          "My topics.\n\nRelevance criteria.\n\nScore them.\n\n## Papers\n\n"
          "Each paper is its ArXiv ID in brackets and its title on one line, then its abstract.\n\n"
          "[2507.16110] A title\nAn abstract.\n\n[2507.16111] Another\n");
}

TEST_CASE("prompt: a paper's entry is compact: no labels, no names unless asked, a long author list ends in et al., the abstract is cut at 4,000 bytes") {
    paper p;
    p.id = "2507.16110";
    p.title = "A title";
    p.authors = {"A One", "B Two", "C Three", "D Four", "E Five", "F Six", "G Seven"};
    p.abstract = std::string(5000, 'x');
    CHECK(prompt_paper_entry(p) == "[2507.16110] A title\n" + std::string(4000, 'x'));
    const auto e = prompt_paper_entry(p, 4);
    CHECK(e == "[2507.16110] A title\nBy A One, B Two, C Three, D Four et al.\n" + std::string(4000, 'x'));
    p.authors.resize(5);  // five names are shown whole: "et al." would save nothing
    CHECK(prompt_paper_entry(p, 4).find("\nBy A One, B Two, C Three, D Four, E Five\n") != std::string::npos);
    p.abstract = std::string(3999, 'x') + "\u00e9";  // never cut inside a character
    CHECK(prompt_paper_entry(p).ends_with(std::string(3999, 'x')));
}

TEST_CASE("prompt: the fixed part, instructions included, comes first and is the same for every batch, so the provider's prompt cache serves it") {
    prompt_config prompts;
    prompts.criteria = "Criteria.";
    prompts.instructions = "Answer in JSONL.";
    paper a, b;
    a.id = "2507.00001";
    b.id = "2507.00002";
    const std::vector<const paper*> one{&a}, two{&b};
    const auto x = user_prompt(prompts, "Topics.", one), y = user_prompt(prompts, "Topics.", two);
    const auto tmpl = user_prompt_template(prompts, "Topics.");
    const auto fixed = tmpl.substr(0, tmpl.find(paper_list_placeholder));
    CHECK(fixed.starts_with("Topics.\n\nCriteria.\n\nAnswer in JSONL.\n\n## Papers\n\n"));
    CHECK(x.starts_with(fixed));
    CHECK(y.starts_with(fixed));
    CHECK(x.substr(fixed.size()) == "[2507.00001] \n");
}
