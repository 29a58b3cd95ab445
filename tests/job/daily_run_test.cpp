#include "job/daily_run.hpp"

#include "core/files.hpp"
#include "core/text.hpp"
#include "score/prompt.hpp"
#include "state/state_store.hpp"
#include "support/fake_http_server.hpp"
#include "support/fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

using namespace paperboy;
using test::temp_dir;

namespace {

std::string file_url(const std::filesystem::path& p) { return "file://" + p.string(); }
std::string feed_file(const std::string& name) { return file_url(test::data_dir() / "feeds" / name); }

std::vector<std::string> split_on(const std::string& s, const std::string& sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
        if (pos == std::string::npos) return out;
        start = pos + sep.size();
    }
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
    return out;
}

// "N. [" (TOC) or "## N. [" (heading) and the linkN anchors get the number n.
std::string renumber(const std::string& s, int n) {
    const auto prefix = s.starts_with("## ") ? std::string("## ") : std::string();
    const auto dot = s.find(". [");
    static const std::regex anchor(R"(link\d+)");
    return std::regex_replace(prefix + std::to_string(n) + s.substr(dot), anchor, "link" + std::to_string(n));
}

std::string arxiv_id_of(const std::string& block) {
    static const std::regex id_line(R"(\*\*ArXiv ID:\*\* (\S+))");
    std::smatch m;
    REQUIRE(std::regex_search(block, m, id_line));
    return m[1];
}

// Whitespace runs inside a field collapse to one space (the feed's line breaks inside an
// abstract left "unusable.   To" in the sample); rendered Markdown is unchanged.
std::string collapse_field_spaces(const std::string& block) {
    static const std::regex runs(R"(([^ ])  +)");
    std::vector<std::string> lines = split_on(block, "\n");
    for (auto& line : lines) {
        if (line.starts_with("**Abstract:** ") || line.starts_with("**Comment:** ")) line = std::regex_replace(line, runs, "$1 ");
    }
    return join(lines, "\n");
}

// The sample report with exactly the documented corrections applied: papers in our
// deterministic tie order (renumbered), whitespace runs in fields collapsed, and the user
// prompt in the order it is sent.
std::string corrected_sample(const std::vector<std::string>& order) {
    const auto sample = read_file(test::data_dir() / "samples/report-2025-07-23.md").value();
    const std::string toc_head = "**Table of contents with paper titles:**\n\n";
    const auto toc_start = sample.find(toc_head) + toc_head.size();
    const auto blocks_start = sample.find("\n\n---\n\n## 1. ");
    const auto prompt_start = sample.find("\n\n---\n\n# Paper Selection Prompt");
    REQUIRE(blocks_start != std::string::npos);
    REQUIRE(prompt_start != std::string::npos);

    const auto toc = split_on(sample.substr(toc_start, blocks_start - toc_start), "\n\n");
    const auto blocks = split_on(sample.substr(blocks_start + 7, prompt_start - blocks_start - 7), "\n\n---\n\n");
    REQUIRE(toc.size() == order.size());
    REQUIRE(blocks.size() == order.size());
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < blocks.size(); ++i) index[arxiv_id_of(blocks[i])] = i;
    std::vector<std::string> new_toc, new_blocks;
    for (std::size_t i = 0; i < order.size(); ++i) {
        REQUIRE(index.contains(order[i]));
        new_toc.push_back(renumber(toc[index[order[i]]], static_cast<int>(i + 1)));
        new_blocks.push_back(collapse_field_spaces(renumber(blocks[index[order[i]]], static_cast<int>(i + 1))));
    }

    auto prompt = sample.substr(prompt_start);
    const std::string user_head = "## User Prompt\n\n";
    const auto user_start = prompt.find(user_head) + user_head.size();
    const auto user = prompt.substr(user_start);
    const std::string sep = "\n> \n> ";
    const auto criteria = user.find(sep + "## Scoring Criteria");
    const auto papers = user.find(sep + "## Papers");
    const auto topics = user.find(sep + "## Relevant Topics");
    const auto instructions_part = user.substr(0, criteria);
    const auto criteria_part = user.substr(criteria + sep.size() - 2, papers - criteria - sep.size() + 2);
    const auto papers_part = user.substr(papers + sep.size() - 2, topics - papers - sep.size() + 2);
    const auto topics_part = user.substr(topics + sep.size() - 2);
    // The papers' heading says once what each entry's lines are (prompt.hpp papers_heading).
    auto papers_explained = papers_part;
    papers_explained.insert(papers_part.find("## Papers") + 9, "\n> \n> " + std::string(papers_heading.substr(11)));
    const auto sent_order = join({topics_part, criteria_part, instructions_part, papers_explained}, "\n> \n");

    return sample.substr(0, toc_start) + join(new_toc, "\n\n") + "\n\n---\n\n" + join(new_blocks, "\n\n---\n\n") +
           prompt.substr(0, user_start) + sent_order;
}

}  // namespace

TEST_CASE("golden: the 2025-07-23 day reproduces the sample report with only the documented corrections") {
    temp_dir dir;
    // The upstream tool's criteria, as the sample shows them (ours are shorter, prompt.hpp).
    auto llm = test::replay_llm();
    auto upstream_criteria = read_file(test::data_dir() / "prompts/criteria-upstream.txt").value();
    while (upstream_criteria.ends_with('\n')) upstream_criteria.pop_back();
    llm["criteria"] = upstream_criteria;
    const auto cfg = test::golden_config(dir.path(), file_url(test::golden_feed()), llm);
    test::sample_usage_scorer scorer(cfg.llm);
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-23")}, &scorer);
    REQUIRE(summary.profiles.size() == 1);
    const auto& result = summary.profiles[0];
    CHECK(result.stats.total == 444);
    CHECK(result.stats.scanned == 262);
    CHECK(result.stats.selected == 18);
    CHECK(result.stats.failed == 0);

    const auto ours = read_file(result.markdown_path).value();
    const auto expected = corrected_sample(test::expected_golden_order());
    // Compare line by line first, so that a failure shows where.
    const auto a = split_on(ours, "\n"), b = split_on(expected, "\n");
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        INFO("line " << i + 1);
        REQUIRE(a[i] == b[i]);
    }
    CHECK(a.size() == b.size());
    CHECK(ours == expected);

    const auto json = nlohmann::json::parse(read_file(result.json_path).value());
    REQUIRE(json["papers"].size() == 18);
    CHECK(json["papers"][0]["id"] == "2507.16110");
    CHECK(json["papers"][0]["author_match"] == true);
    CHECK(json["papers"][0]["relevance"].is_null());
    CHECK(json["papers"][1]["relevance"] == 9);
    CHECK(json["papers"][1]["novelty"] == 9);
    CHECK(json["stats"]["prompt_tokens"] == 25575);
    CHECK(json["stats"]["cost_usd"].get<double>() == Approx(25575 * 2.5e-6 + 3086 * 10e-6).margin(1e-6));
    for (const auto* key : {"id", "title", "authors", "abstract", "comment", "relevance", "novelty", "author_match"}) {
        CHECK(json["papers"][5].contains(key));
    }
}

TEST_CASE("running the same day again reuses the stored day and scores and writes the same report") {
    temp_dir dir;
    const auto cfg = test::golden_config(dir.path(), file_url(test::golden_feed()), test::replay_llm());
    test::sample_usage_scorer scorer(cfg.llm);
    const run_options opts{.date = parse_iso_day("2025-07-23")};
    const auto first = run_day(cfg, opts, &scorer);
    const auto md1 = read_file(first.profiles[0].markdown_path).value();
    const auto json1 = read_file(first.profiles[0].json_path).value();
    CHECK(first.profiles[0].scored_now == 261);

    // The feed file disappears: the stored day must be enough.
    auto moved = cfg;
    moved.arxiv.feed_url = "file:///nonexistent/feed.xml";
    const auto second = run_day(moved, opts, &scorer);
    CHECK(second.feed_from_state);
    CHECK(second.profiles[0].scored_now == 0);
    CHECK(second.profiles[0].from_cache == 261);
    CHECK(read_file(second.profiles[0].markdown_path).value() == md1);
    CHECK(read_file(second.profiles[0].json_path).value() == json1);
}

TEST_CASE("hostile feed: no string breaks the Markdown structure") {
    temp_dir dir;
    auto cfg = test::golden_config(dir.path(), feed_file("hostile-2025-11-20.xml"));
    cfg.profiles[0].keywords = {"sparse", "quantization", "representation learning", "abstract"};
    cfg.profiles[0].relevance_cutoff = 1;
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-11-20")});
    const auto md = read_file(summary.profiles[0].markdown_path).value();
    CHECK(summary.profiles[0].stats.selected == 4);  // the replacement entry is not a new paper

    const std::regex heading(R"(^## \d+\. \[.*\]\(https://arxiv\.org/abs/[0-9.]+\) <a id="link\d+"></a>$)");
    const std::regex toc_entry(R"(^\d+\. \[.*\]\(#user-content-link\d+\)$)");
    const std::vector<std::string> allowed{"# Personalized Daily ArXiv Papers", "| ", "|:", "Total ", "**Table of contents",
                                           "**Authors:** ", "---", "**ArXiv ID:** ", "**Abstract:** ", "**Comment:** ",
                                           "**Relevance:** ", "**Novelty:** ", "# Paper Selection Prompt", "## How these", "> "};
    int headings = 0;
    for (const auto& line : split_on(md, "\n")) {
        if (line.empty()) continue;
        INFO(line);
        if (line.starts_with("## ") && !line.starts_with("## How")) {
            CHECK(std::regex_match(line, heading));
            ++headings;
            continue;
        }
        if (std::isdigit(static_cast<unsigned char>(line[0]))) {
            CHECK(std::regex_match(line, toc_entry));
            continue;
        }
        CHECK(std::any_of(allowed.begin(), allowed.end(), [&](const std::string& p) { return line.starts_with(p); }));
    }
    CHECK(headings == 4);
    CHECK(md.find("<script") == std::string::npos);
    CHECK(md.find("\\[click here\\]") != std::string::npos);
    CHECK(md.find("表示学习 🚀") != std::string::npos);
    CHECK(md.find("$\\mathcal{O}(n^2)$") != std::string::npos);
}

TEST_CASE("an empty feed is 'no announcement' and writes no report") {
    temp_dir dir;
    const auto cfg = test::golden_config(dir.path(), feed_file("holiday-empty-2025-12-25.xml"));
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-12-25")});
    CHECK(summary.outcome == run_outcome::no_announcement);
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("a truncated or rejected feed is an error and writes no report") {
    temp_dir dir;
    for (const auto& [name, code] : {std::pair{"truncated-malformed.xml", errc::feed_malformed},
                                     std::pair{"bad-category-400.xml", errc::feed_rejected}}) {
        INFO(name);
        const auto cfg = test::golden_config(dir.path(), feed_file(name));
        try {
            run_day(cfg, {.date = parse_iso_day("2025-07-23")});
            FAIL("no error");
        } catch (const failure& f) {
            CHECK(f.err().code == code);
        }
        CHECK_FALSE(std::filesystem::exists(dir / "out"));
    }
}

TEST_CASE("a feed that still carries yesterday is stale (retry later), never yesterday's papers under today's date") {
    temp_dir dir;
    const auto cfg = test::golden_config(dir.path(), file_url(test::golden_feed()));
    try {
        run_day(cfg, {.date = parse_iso_day("2025-07-24")});
        FAIL("stale feed accepted");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::feed_stale);
        CHECK(f.err().transient());
        CHECK(f.err().detail.find("2025-07-23") != std::string::npos);
    }
    try {
        run_day(cfg, {.date = parse_iso_day("2025-07-22")});
        FAIL("feed for a later day accepted");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::feed_date_mismatch);
        CHECK_FALSE(f.err().transient());
    }
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("top_n cuts the list and a dry run writes nothing") {
    temp_dir dir;
    auto cfg = test::golden_config(dir.path(), file_url(test::golden_feed()), test::replay_llm());
    cfg.profiles[0].top_n = 5;
    std::string printed;
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-23"), .dry_run = true,
                                       .dry_run_output = [&](const report&, const std::string& md) { printed = md; }});
    CHECK(summary.profiles[0].stats.selected == 5);
    CHECK(printed.find("Total relevant papers: 5") != std::string::npos);
    CHECK(printed.find("## 5. [") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
    CHECK_FALSE(std::filesystem::exists(dir / "state.db"));
}

TEST_CASE("one request serves every profile, and each gets its own report") {
    const auto feed = read_file(test::golden_feed()).value();
    test::fake_http_server arxiv([&](const auto&) { return test::scripted_response{200, feed, {}}; });
    temp_dir dir;
    auto cfg = test::golden_config(dir.path(), arxiv.url("/rss/"), test::replay_llm());
    auto strict = cfg.profiles[0];
    strict.name = "strict";
    strict.authors.clear();
    strict.relevance_cutoff = 9;
    strict.novelty_cutoff = 9;
    cfg.profiles.push_back(strict);

    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-23")});
    CHECK(arxiv.requests().size() == 1);
    REQUIRE(summary.profiles.size() == 2);
    CHECK(summary.profiles[0].stats.selected == 18);
    CHECK(summary.profiles[1].stats.selected == 1);
    const auto md = read_file(dir / "out/strict/2025-07-23.md").value();
    CHECK(md.find("## 1. [The Recursive Coherence Principle") != std::string::npos);
    CHECK(md.find("Author match") == std::string::npos);
}

TEST_CASE("report.near_misses lists the next papers under the cut-offs in Markdown and JSON, and is off by default") {
    test::temp_dir dir;
    auto j = nlohmann::json::parse(R"({"report": {"near_misses": 3}})");
    j["arxiv"] = {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}};
    j["profiles"] = {{{"name", "golden"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}, {"authors", {"Yoshua Bengio"}}}};
    j["llm"] = test::replay_llm();
    j["output"] = {{"dir", (dir / "out").string()}};
    j["state"] = {{"path", (dir / "state.db").string()}};
    const auto s = run_day(parse_config(j.dump(), dir.path()).value(), {.date = parse_iso_day("2025-07-23")});
    const auto md = read_file(s.profiles[0].markdown_path).value();
    const auto at = md.find("## Near misses\n\n- [");
    REQUIRE(at != std::string::npos);
    CHECK(md.find("# Paper Selection Prompt") > at);
    const auto report = nlohmann::json::parse(read_file(s.profiles[0].json_path).value());
    REQUIRE(report["near_misses"].size() == 3);
    CHECK(report["near_misses"][0]["relevance"].get<int>() <= 10);
    CHECK(report["papers"].size() == 18);  // the digest itself is unchanged
}

TEST_CASE("state.keep_days: an old day's unneeded papers are dropped after a later run, and re-running it says why it cannot") {
    temp_dir dir;
    auto cfg = test::golden_config(dir.path(), file_url(test::source_dir() / "../shared/fixtures/days/2025-07-08/feed.xml"), {{"plugin", "offline"}});
    cfg.keep_days = 10;  // the loader's minimum is 30; the rule is the same
    const auto first = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    const auto old_report = read_file(first.profiles[0].markdown_path).value();
    cfg.arxiv.feed_url = file_url(test::golden_feed());
    run_day(cfg, {.date = parse_iso_day("2025-07-23")});
    {
        state_store state(cfg.state_path);
        CHECK(state.forgotten("2025-07-08"));
        CHECK_FALSE(state.forgotten("2025-07-23"));
        CHECK(state.load_day(parse_iso_day("2025-07-23").value()).value().papers.size() > 100);
    }
    try {
        run_day(cfg, {.date = parse_iso_day("2025-07-08")});
        FAIL("a forgotten day ran");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::state);
        CHECK_THAT(f.err().detail, Catch::Contains("state.keep_days") && Catch::Contains("resend"));
    }
    CHECK(read_file(first.profiles[0].markdown_path).value() == old_report);  // the digest stays
}
