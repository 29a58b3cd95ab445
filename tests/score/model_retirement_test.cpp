#include "score/model_retirement.hpp"

#include "core/error.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

namespace {
day day_of(const char* d) { return parse_iso_day(d).value(); }
// What the built-in table alone warns of (a provider that gives no dates).
std::optional<std::string> table_warning(const std::map<std::string, price>& prices, const std::string& model, day today) {
    const auto r = retirement_of(model, std::nullopt, prices, today);
    return r ? retirement_warning(*r) : std::nullopt;
}
}  // namespace

TEST_CASE("retirement: a model near or past its announced shutdown is a warning naming the day, the source and the fix") {
    const auto prices = default_prices();
    CHECK_FALSE(table_warning(prices, "gpt-4o", day_of("2026-12-01")));  // 44 days left
    const auto soon = table_warning(prices, "gpt-5", day_of("2026-12-01"));
    REQUIRE(soon);
    CHECK(*soon == "the provider shuts gpt-5 down on 2026-12-11, in 10 days (paperboy's table, checked " + std::string(default_prices_checked) +
                       "): set llm.model to a current model before then");
    const auto gone = table_warning(prices, "gpt-4.1-nano", day_of("2026-12-01"));
    REQUIRE(gone);
    CHECK(gone->find("shut gpt-4.1-nano down on 2026-10-23") != std::string::npos);
    CHECK(gone->find("every call would fail") != std::string::npos);
    CHECK_FALSE(table_warning(prices, "my-local-llama", day_of("2026-12-01")));  // no price, no date: no warning
}

TEST_CASE("retirement: the provider's date wins over the table, and a provider without dates leaves the table's") {
    const auto prices = default_prices();
    const auto today = day_of("2026-12-01");
    const auto moved = retirement_of("gpt-4o", std::string("2026-12-11"), prices, today).value();
    CHECK(moved.days_left == 10);
    CHECK(moved.from_provider);
    CHECK(retirement_warning(moved)->find("(the provider's model list)") != std::string::npos);
    const auto table = retirement_of("gpt-4o", std::nullopt, prices, today).value();
    CHECK(table.shutdown == "2027-01-14");
    CHECK_FALSE(table.from_provider);
    CHECK(retirement_of("gpt-6-luna", std::nullopt, prices, today) == std::nullopt);  // current: nothing announced
}

TEST_CASE("retirement: a shut-down model is a configuration error naming its key, one still running is not") {
    llm_config llm;
    llm.model = "gpt-6-luna";
    llm.title_model = "gpt-5-nano";  // the table: shut down on 2026-12-11
    llm.prices = default_prices();
    CHECK_NOTHROW(refuse_retired({{"gpt-6-luna", "model", "2027-06-01", 171, true}}));
    CHECK_NOTHROW(refuse_retired(model_retirements(nullptr, llm, day_of("2026-12-01"))));  // 10 days left
    try {
        refuse_retired(model_retirements(nullptr, llm, day_of("2026-12-12")));
        FAIL("a dead title model was accepted");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::config_invalid);
        CHECK(f.err().detail.starts_with("/llm/title_model: the provider shut gpt-5-nano down on 2026-12-11"));
        CHECK(f.err().detail.find("set llm.title_model to a current model") != std::string::npos);
    }
}
