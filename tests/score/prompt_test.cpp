#include "score/prompt.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("prompt: batches grow with the day and fill four rounds of the workers, within 5 to 20 papers") {
    CHECK(batch_size_for(40, 8, 0) == 5);     // a small day: the old size
    CHECK(batch_size_for(261, 4, 0) == 17);   // 16 calls: four rounds of four
    CHECK(batch_size_for(783, 8, 0) == 20);   // capped: a reply of 20 papers stays readable
    CHECK(batch_size_for(480, 8, 0) == 15);   // 32 calls: four rounds of eight
    CHECK(batch_size_for(783, 8, 5) == 5);    // llm.batch_size decides when set
    CHECK(batch_size_for(0, 0, 0) == 5);
}

TEST_CASE("prompt: title batches cover the day in one round of the workers, within 20 to 100 titles") {
    CHECK(title_batch_size_for(783, 8, 0) == 98);   // 8 calls instead of 20 at the old fixed 40
    CHECK(title_batch_size_for(261, 4, 0) == 66);
    CHECK(title_batch_size_for(40, 8, 0) == 20);    // a small day: no call of 5 titles
    CHECK(title_batch_size_for(3000, 8, 0) == 100); // a huge day: prompts stay short
    CHECK(title_batch_size_for(783, 8, 40) == 40);  // llm.title_batch_size decides when set
}

TEST_CASE("prompt: the title pre-filter's prompt opens like the abstract prompt, so one cached prefix serves both") {
    prompt_config prompts;
    prompts.criteria = "Relevance criteria.";
    prompts.instructions = "Score them.";
    prompts.title_instructions = "List the irrelevant ones.";
    paper p;
    p.id = "2507.16110";
    p.title = "A title";
    p.abstract = "An abstract.";
    const paper* papers[] = {&p};
    const auto titles = title_prompt(prompts, "My topics.", papers);
    const auto full = user_prompt(prompts, "My topics.", papers);
    CHECK(titles == "My topics.\n\nRelevance criteria.\n\n## Papers\n\nArXiv ID: 2507.16110\nTitle: A title\n\nList the irrelevant ones.");
    CHECK(full.starts_with("My topics.\n\nRelevance criteria.\n\n## Papers\n\nArXiv ID: 2507.16110\nTitle: A title\n"));
}

TEST_CASE("prompt: a paper's entry is compact: no names unless asked, a long author list ends in et al., the abstract is cut at 4,000 bytes") {
    paper p;
    p.id = "2507.16110";
    p.title = "A title";
    p.authors = {"A One", "B Two", "C Three", "D Four", "E Five", "F Six", "G Seven"};
    p.abstract = std::string(5000, 'x');
    CHECK(prompt_paper_entry(p) == "ArXiv ID: 2507.16110\nTitle: A title\nAbstract: " + std::string(4000, 'x'));
    const auto e = prompt_paper_entry(p, 4);
    CHECK(e.starts_with("ArXiv ID: 2507.16110\nTitle: A title\nAuthors: A One, B Two, C Three, D Four et al.\nAbstract: xxx"));
    CHECK(e.size() == std::string_view("ArXiv ID: 2507.16110\nTitle: A title\nAuthors: A One, B Two, C Three, D Four et al.\nAbstract: ").size() + 4000);
    p.authors.resize(5);  // five names are shown whole: "et al." would save nothing
    CHECK(prompt_paper_entry(p, 4).find("Authors: A One, B Two, C Three, D Four, E Five\n") != std::string::npos);
}

TEST_CASE("prompt: the fixed part comes first and is the same for every batch, so the provider's prompt cache serves it") {
    prompt_config prompts;
    prompts.criteria = "Criteria.";
    prompts.instructions = "Answer in JSONL.";
    paper a, b;
    a.id = "2507.00001";
    b.id = "2507.00002";
    const std::vector<const paper*> one{&a}, two{&b};
    const auto x = user_prompt(prompts, "Topics.", one), y = user_prompt(prompts, "Topics.", two);
    const auto fixed = std::string("Topics.\n\nCriteria.\n\n## Papers\n\n");
    CHECK(x.starts_with(fixed));
    CHECK(y.starts_with(fixed));
    CHECK(x.ends_with("\n\nAnswer in JSONL."));
}
