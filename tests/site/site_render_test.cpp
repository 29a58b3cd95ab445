#include "site/site.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using nlohmann::json;

namespace {
json hostile_report() {
    return {{"date", "2025-11-20"},
            {"profile", "golden"},
            {"model", "gpt-4o<script>"},
            {"stats", {{"total", 5}, {"scanned", 4}, {"failed", 0}, {"prompt_tokens", 10}, {"completion_tokens", 5}, {"cost_usd", 0.5}}},
            {"notes", {"<b>note</b>"}},
            {"papers",
             {{{"id", "2511.00001"},
               {"title", "Sparse <script>alert(1)</script> $\\mathcal{O}(n^2)$ — 表示学习 🚀"},
               {"authors", {"Ada \"Q\" Lovelace"}},
               {"abstract", "[click](javascript:alert(1)) <img src=x onerror=alert(1)>"},
               {"comment", "<i>good</i>"},
               {"relevance", 9},
               {"novelty", 8},
               {"author_match", false}},
              {{"id", "javascript:alert(1)"}, {"title", "Bad id"}, {"authors", json::array()}, {"abstract", ""}, {"comment", ""},
               {"relevance", 8}, {"novelty", nullptr}, {"author_match", false}}}},
            {"prompt", {{"sent_to_model", true}, {"system", "sys </pre><script>"}, {"user", "user"}}}};
}
}  // namespace

TEST_CASE("archive page: every text is escaped, links go only to arXiv, LaTeX and non-ASCII stay as written") {
    const auto h = render_day_page(hostile_report(), {.previous = "2025-11-19", .next = std::nullopt});
    CHECK(h.find("<script") == std::string::npos);
    CHECK(h.find("<img") == std::string::npos);
    CHECK(h.find("href=\"javascript:") == std::string::npos);
    CHECK(h.find("Sparse &lt;script&gt;alert(1)&lt;/script&gt; $\\mathcal{O}(n^2)$ — 表示学习 🚀") != std::string::npos);
    CHECK(h.find("<a href=\"https://arxiv.org/abs/2511.00001\">") != std::string::npos);
    CHECK(h.find("<a href=\"https://arxiv.org/pdf/2511.00001\">PDF</a>") != std::string::npos);
    CHECK(h.find("<h2>2. Bad id</h2>") != std::string::npos);  // no link for an id that is not one
    CHECK(h.find("Ada &quot;Q&quot; Lovelace") != std::string::npos);
    CHECK(h.find("<a href=\"#paper-1\">") != std::string::npos);
    CHECK(h.find("<article id=\"paper-1\">") != std::string::npos);
    CHECK(h.find("<a rel=\"prev\" href=\"2025-11-19.html\">Previous Day 2025-11-19</a>") != std::string::npos);
    CHECK(h.find("<span class=\"off\">Next Day</span>") != std::string::npos);
    CHECK(h.find("<a href=\"2025-11.html\">Monthly Overview 2025-11</a>") != std::string::npos);
    CHECK(h.find("<details>") != std::string::npos);
    CHECK(h.find("Novelty not judged") != std::string::npos);

    auto bio = hostile_report();
    bio["papers"][0]["id"] = "medrxiv:10.1101/2025.11.19.25340001";
    const auto b = render_day_page(bio, {.previous = std::nullopt, .next = std::nullopt});
    CHECK(b.find("<a href=\"https://www.medrxiv.org/content/10.1101/2025.11.19.25340001\">medrxiv:10.1101/2025.11.19.25340001</a> · "
                 "<a href=\"https://www.medrxiv.org/content/10.1101/2025.11.19.25340001.full.pdf\">PDF</a>") != std::string::npos);
    CHECK(b.find("arxiv.org/abs/medrxiv") == std::string::npos);
}

TEST_CASE("archive month: a Monday-first calendar linking the days with reports and their counts") {
    const auto h = render_month_page("golden", "2025-07", {{"2025-07-08", 48}, {"2025-07-23", 1}}, std::nullopt, "2025-08");
    CHECK(h.find("<h1>July 2025</h1>") != std::string::npos);
    // 1 July 2025 is a Tuesday: one empty cell first.
    CHECK(h.find("<tr><td></td><td>1</td>") != std::string::npos);
    CHECK(h.find("<a href=\"2025-07-08.html\">8<span class=\"count\">48 papers</span></a>") != std::string::npos);
    CHECK(h.find("<a href=\"2025-07-23.html\">23<span class=\"count\">1 paper</span></a>") != std::string::npos);
    CHECK(h.find("<a rel=\"next\" href=\"2025-08.html\">Next Month 2025-08</a>") != std::string::npos);
    CHECK(day_page_url("https://digest.example.org/", "golden", "2025-07-23") == "https://digest.example.org/golden/2025-07-23.html");
}
