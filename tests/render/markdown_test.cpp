#include "render/markdown.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("the token table matches the sample report's layout to the character") {
    const std::map<std::string, price> prices{{"gpt-4o", {2.5, 10, 1.25}}};
    const token_usage usage{25575, 3086, 0};
    const auto table = markdown_token_table("gpt-4o", usage, compute_cost(prices, "gpt-4o", usage));
    CHECK(table ==
          "| *[gpt-4o]*   | Prompt   | Completion   | Total   |\n"
          "|:------------:|:--------:|:------------:|:-------:|\n"
          "| **Token**    | 25575    | 3086         | 28661   |\n"
          "| **Cost**     | $0.06    | $0.03        | $0.09   |");
}

TEST_CASE("an unpriced model shows its cost as unknown, not as $0.00") {
    const auto table = markdown_token_table("my-local-llm", {1000, 100, 0}, std::nullopt);
    CHECK(table.find("unknown") != std::string::npos);
    CHECK(table.find("$0.00") == std::string::npos);
}

TEST_CASE("untrusted text cannot break out of its line, its link or into raw HTML") {
    CHECK(markdown_inline("a\r\nBcc: x@y.z\n\n# heading") == "a Bcc: x@y.z # heading");
    CHECK(markdown_inline("<script>alert(1)</script>") == "&lt;script>alert(1)&lt;/script>");
    CHECK(markdown_inline("LaTeX $x_i^2 \\leq y$ stays") == "LaTeX $x_i^2 \\leq y$ stays");
    CHECK(markdown_link_text("Quantization [click here](javascript:alert(1))") ==
          "Quantization \\[click here\\](javascript:alert(1))");
    CHECK(markdown_link_text("ends with a backslash \\") == "ends with a backslash \\\\");
    CHECK(markdown_link_text("$\\mathcal{O}(n^2)$ and \\[x\\]") == "$\\mathcal{O}(n^2)$ and \\\\\\[x\\\\\\]");
}

TEST_CASE("prompt quoting prefixes every line, including empty ones") {
    CHECK(markdown_quote("a\n\n> b") == "> a\n> \n> > b");
}
