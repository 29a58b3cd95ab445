#include "job/daily_run.hpp"

#include "support/chat_days.hpp"
#include "support/fake_matrix.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using nlohmann::json;
using test::fake_matrix;
using test::temp_dir;

namespace {
json matrix_channel(const fake_matrix& mx) {
    return {{"plugin", "matrix"}, {"homeserver", mx.homeserver()}, {"access_token", fake_matrix::token}, {"room_id", fake_matrix::room}};
}
}  // namespace

TEST_CASE("matrix: the 48-paper day arrives complete and in order, and running it again posts nothing") {
    fake_matrix mx;
    temp_dir dir;
    const auto cfg = test::day_config(dir, {{"lab-matrix", matrix_channel(mx)}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    REQUIRE(summary.profiles[0].deliveries.size() == 1);
    CHECK(summary.profiles[0].deliveries[0].delivered);
    CHECK(mx.titles() == test::expected_titles(summary));
    CHECK(mx.events().size() >= 2);  // 48 papers do not fit one event
    CHECK(mx.detected_entities().empty());
    const auto again = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    CHECK(again.profiles[0].deliveries[0].skipped);
    CHECK(mx.titles().size() == 48);
}

TEST_CASE("matrix: a room of version 12, whose id has no server part, is accepted and delivered to") {
    fake_matrix mx;
    temp_dir dir;
    auto channel = matrix_channel(mx);
    channel["room_id"] = fake_matrix::room_v12;
    const auto cfg = test::day_config(dir, {{"lab-matrix", channel}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    REQUIRE(summary.profiles[0].deliveries.size() == 1);
    CHECK(summary.profiles[0].deliveries[0].delivered);
    CHECK(mx.titles() == test::expected_titles(summary));
}

TEST_CASE("matrix: an event whose answer was lost is sent again under the same transaction id, and the room sees it once") {
    fake_matrix mx;
    mx.lose_answer = {1};  // the second event is stored, but paperboy hears a 502
    temp_dir dir;
    const auto cfg = test::day_config(dir, {{"lab-matrix", matrix_channel(mx)}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    CHECK(summary.profiles[0].deliveries[0].delivered);
    CHECK(mx.titles() == test::expected_titles(summary));  // no paper twice
    const auto reqs = mx.requests();
    REQUIRE(reqs.size() == mx.events().size() + 1);
    CHECK(reqs[1].target == reqs[2].target);  // the retry reused the transaction id
}

TEST_CASE("matrix: hostile text cannot notify, link or format, and a wrong token is permanent and never logged") {
    fake_matrix mx;
    temp_dir dir;
    const auto summary = test::run_hostile_day(dir, {{"m", matrix_channel(mx)}});
    REQUIRE(summary.profiles[0].deliveries[0].delivered);
    CHECK(mx.titles().size() == 4);
    CHECK(mx.detected_entities().empty());
    CHECK(mx.events().at(0)["formatted_body"].get<std::string>().find("<script") == std::string::npos);

    temp_dir other;
    auto bad = matrix_channel(mx);
    bad["access_token"] = "syt_someone_elses_token";
    const auto refused = run_day(test::day_config(other, {{"m", bad}}), {.date = parse_iso_day("2025-07-08")});
    const auto& f = refused.profiles[0].deliveries[0].failure;
    REQUIRE(f.has_value());
    CHECK_FALSE(f->transient());
    CHECK(f->detail.find("M_UNKNOWN_TOKEN") != std::string::npos);
    CHECK(f->detail.find("someone_elses") == std::string::npos);
}
