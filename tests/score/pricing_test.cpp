#include "score/pricing.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("costs use the model's price, with cached tokens at the cached price") {
    const auto prices = default_prices();
    const auto c = compute_cost(prices, "gpt-4o", {1'000'000, 100'000, 400'000}).value();
    CHECK(c.prompt_usd == Approx(600'000 * 2.5 / 1e6 + 400'000 * 1.25 / 1e6));
    CHECK(c.completion_usd == Approx(1.0));
    CHECK_FALSE(compute_cost(prices, "no-such-model", {10, 10, 0}));
    CHECK(compute_cost(prices, "offline", {0, 0, 0})->total_usd() == 0.0);
}

TEST_CASE("dollar amounts always have two decimals") {
    CHECK(format_usd(0.1) == "$0.10");
    CHECK(format_usd(0.0948) == "$0.09");
    CHECK(format_usd(0.0) == "$0.00");
    CHECK(format_usd(12.345) == "$12.35");
}

TEST_CASE("pricing: a model near or past its announced shutdown is a warning naming the day and the fix") {
    const auto prices = default_prices();
    const auto day_of = [](const char* d) { return parse_iso_day(d).value(); };
    CHECK_FALSE(retirement_warning(prices, "gpt-4o", day_of("2026-12-01")));                 // 44 days left
    const auto soon = retirement_warning(prices, "gpt-5", day_of("2026-12-01"));
    REQUIRE(soon);
    CHECK(*soon == "the provider shuts gpt-5 down on 2026-12-11, in 10 days: set llm.model to a current model before then (prices checked 2026-11)");
    const auto gone = retirement_warning(prices, "gpt-4.1-nano", day_of("2026-12-01"));
    REQUIRE(gone);
    CHECK(gone->find("shut gpt-4.1-nano down on 2026-10-23: every call will fail") != std::string::npos);
    CHECK_FALSE(retirement_warning(prices, "my-local-llama", day_of("2026-12-01")));         // no price, no date: no warning
    CHECK(batch_price_factor == 0.5);
}
