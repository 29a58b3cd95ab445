#include "score/pricing.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("costs use the model's price, with cached tokens at the cached price") {
    const auto prices = default_prices();
    const auto c = compute_cost(prices, "gpt-4o", {1'000'000, 100'000, 400'000}).value();
    CHECK(c.prompt_usd == Approx(600'000 * 2.5 / 1e6 + 400'000 * 1.25 / 1e6));
    CHECK(c.completion_usd == Approx(1.0));
    CHECK_FALSE(compute_cost(prices, "no-such-model", {10, 10, 0}));
    CHECK(compute_cost(prices, "no-such-model", {0, 0, 0})->total_usd() == 0.0);  // no call, no cost: $0.00, not "unknown"
    CHECK(compute_cost(prices, "offline", {0, 0, 0})->total_usd() == 0.0);
}

TEST_CASE("dollar amounts always have two decimals") {
    CHECK(format_usd(0.1) == "$0.10");
    CHECK(format_usd(0.0948) == "$0.09");
    CHECK(format_usd(0.0) == "$0.00");
    CHECK(format_usd(12.345) == "$12.35");
}

TEST_CASE("batch calls cost half the list price") {
    CHECK(batch_price_factor == 0.5);
}
