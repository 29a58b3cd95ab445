#include "deliver/delivery.hpp"
#include "job/daily_run.hpp"
#include "state/state_store.hpp"

#include "core/files.hpp"
#include "support/fake_chat.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <thread>

using namespace paperboy;
using namespace std::chrono_literals;
using nlohmann::json;
using test::fake_chat;
using test::scripted_response;
using test::temp_dir;

namespace {

// The golden day (262 papers, 18 selected with replayed answers) delivered to a Slack webhook
// ("slack") and a Discord webhook ("discord"), with delivery timings scaled down.
json ledger_config(const temp_dir& dir, const fake_chat& slack, const fake_chat& discord, const json& delivery) {
    return {
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}, {"max_attempts", 1}}},
        {"profiles",
         {{{"name", "golden"},
           {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()},
           {"authors", {"Yoshua Bengio"}},
           {"channels", {"discord", "slack"}}}}},
        {"llm", {{"plugin", "replay"}, {"model", "gpt-4o"}, {"answers_file", (test::data_dir() / "days/2025-07-23/answers.json").string()}}},
        {"channels",
         {{"slack", {{"plugin", "slack"}, {"webhook_url", slack.url("/hook")}}},
          {"discord", {{"plugin", "discord"}, {"webhook_url", discord.url("/api/webhooks/1/tok")}}}}},
        {"delivery", delivery},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
    };
}

std::string write_config(const temp_dir& dir, const json& j) {
    write_file_atomic(dir / "paperboy.json", j.dump(2)).value();
    return "'" + (dir / "paperboy.json").string() + "'";
}

const delivery_outcome& outcome(const run_summary& s, const std::string& channel) {
    for (const auto& d : s.profiles.at(0).deliveries) {
        if (d.channel == channel) return d;
    }
    FAIL("no outcome for " << channel);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("ledger: a channel down for an 'hour' gets the digest when it recovers, retries spaced by the policy") {
    fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
    // One hour of 503s, scaled 1:2400 to 1.5 s, like the policy's delays (0.05 s doubling to 0.4 s).
    // It starts at Slack's first request, so a slow machine (the sanitizers) does not spend the
    // outage on fetching and scoring the day before anything is sent.
    std::chrono::steady_clock::time_point outage_ends{};
    slack.script = [&](int index, const json&) -> std::optional<scripted_response> {
        if (index == 0) outage_ends = std::chrono::steady_clock::now() + 1500ms;
        if (std::chrono::steady_clock::now() < outage_ends) return scripted_response{503, "service unavailable", {}};
        return std::nullopt;
    };
    temp_dir dir;
    const json delivery{{"retry_delay_seconds", 0.05}, {"max_delay_seconds", 0.4}, {"max_attempts", 40}, {"give_up_after_seconds", 60},
                        {"wait_seconds", 30}};
    const auto summary = run_day(parse_config(ledger_config(dir, slack, discord, delivery).dump(), dir.path()).value(),
                                 {.date = parse_iso_day("2025-07-23")});
    const auto& s = outcome(summary, "slack");
    REQUIRE(s.delivered);
    CHECK(outcome(summary, "discord").delivered);
    const auto requests = slack.requests();
    REQUIRE(requests.size() >= 5);
    CHECK(s.attempts == static_cast<int>(requests.size()));
    CHECK(slack.accepted().size() == 1);
    CHECK(slack.titles().size() == 18);
    CHECK(requests.back().received >= outage_ends);
    // Spacing: after failed attempt k the wait is 50-100% of min(0.05 s * 2^(k-1), 0.4 s)
    // (plus the time a request takes).
    for (std::size_t k = 1; k < requests.size(); ++k) {
        const auto full = std::min<std::chrono::milliseconds>(50ms * (1 << std::min<std::size_t>(k - 1, 10)), 400ms);
        const auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(requests[k].received - requests[k - 1].received);
        INFO("gap after attempt " << k << ": " << gap.count() << " ms, policy " << full.count() << " ms");
        CHECK(gap >= full / 2 - 5ms);
        CHECK(gap <= full + 600ms);  // the attempt itself (HTTP and committed SQLite writes) takes time too
    }
    // Discord was not held back by Slack's outage.
    REQUIRE_FALSE(discord.requests().empty());
    CHECK(discord.requests().back().received < outage_ends);
}

TEST_CASE("ledger: a permanent error is not retried and is reported, pending retries survive the process") {
    fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
    slack.script = [](int, const json&) -> std::optional<scripted_response> { return scripted_response{400, "invalid_payload", {}}; };
    bool discord_down = true;
    discord.script = [&](int, const json&) -> std::optional<scripted_response> {
        if (discord_down) return scripted_response{503, R"({"message": "upstream connect error"})", {}};
        return std::nullopt;
    };
    temp_dir dir;
    const auto cfg = write_config(dir, ledger_config(dir, slack, discord, {{"retry_delay_seconds", 0.01}, {"wait_seconds", 0}}));

    auto r = test::run_paperboy("run --config " + cfg + " --date 2025-07-23");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);  // the permanent failure decides
    CHECK(r.out.find("NOT delivered to slack") != std::string::npos);
    CHECK(r.out.find("NOT delivered yet to discord") != std::string::npos);
    CHECK(slack.requests().size() == 1);
    CHECK(discord.requests().size() == 1);

    auto st = test::run_paperboy("status --config " + cfg);
    CHECK(st.exit_code == 0);
    CHECK(st.out.find("2025-07-23  golden  reported: 18 of 262 selected") != std::string::npos);
    CHECK(st.out.find("golden  slack  failed, 1 attempt(s)") != std::string::npos);
    CHECK(st.out.find("last error: plugin error: Slack answered HTTP 400: invalid_payload") != std::string::npos);
    CHECK(st.out.find("; permanent failure: not retried") != std::string::npos);
    CHECK(st.out.find("golden  discord  pending, 1 attempt(s), next attempt ") != std::string::npos);
    CHECK(st.out.find("1 pending, 1 failed") != std::string::npos);

    // Discord recovers; the next run (any day) resumes the pending delivery first.
    discord_down = false;
    std::this_thread::sleep_for(50ms);
    r = test::run_paperboy("run --config " + cfg + " --date 2025-07-23");
    CHECK(r.out.find("discord: already delivered") != std::string::npos);
    CHECK(discord.titles().size() == 18);
    // Running a day again does not try a failed channel again (max_attempts counts across
    // runs); resend does, on purpose.
    CHECK(slack.requests().size() == 1);
    st = test::run_paperboy("status --config " + cfg);
    CHECK(st.out.find("0 pending, 1 failed") != std::string::npos);
}

TEST_CASE("ledger: resend delivers a day again on purpose, as a new message") {
    fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
    temp_dir dir;
    const auto cfg = write_config(dir, ledger_config(dir, slack, discord, {{"retry_delay_seconds", 0.01}}));
    CHECK(test::run_paperboy("run --config " + cfg + " --date 2025-07-23").exit_code == 0);
    CHECK(slack.accepted().size() == 1);
    CHECK(test::run_paperboy("run --config " + cfg + " --date 2025-07-23").exit_code == 0);
    CHECK(slack.accepted().size() == 1);  // a re-run never sends twice

    const auto r = test::run_paperboy("resend --config " + cfg + " --date 2025-07-23 --profile golden --channel slack");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(slack.accepted().size() == 2);
    CHECK(slack.accepted()[1] == slack.accepted()[0]);
    const auto discord_before = discord.accepted().size();
    CHECK(discord_before > 0);
    CHECK(test::run_paperboy("status --all --config " + cfg).out.find("golden  slack (resend 1)  delivered") != std::string::npos);
    // A day with no digest is missing data, not a wrong command line.
    const auto missing = test::run_paperboy("resend --config " + cfg + " --date 2025-07-22 --profile golden");
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("no digest of 2025-07-22 for profile 'golden'") != std::string::npos);
    CHECK(missing.err.find("invalid command line") == std::string::npos);
    CHECK(discord.accepted().size() == discord_before);
    // A name that does not exist is answered with the names that do.
    const auto no_channel = test::run_paperboy("resend --config " + cfg + " --date 2025-07-23 --profile golden --channel slak");
    CHECK(no_channel.exit_code == 2);
    CHECK(no_channel.err.find("profile 'golden' has no channel 'slak'; its channels: ") != std::string::npos);
    CHECK(no_channel.err.find("slack") != std::string::npos);
    const auto no_profile = test::run_paperboy("resend --config " + cfg + " --date 2025-07-23 --profile gold");
    CHECK(no_profile.err.find("no profile named 'gold' in the configuration; its profiles: golden") != std::string::npos);
}

TEST_CASE("ledger: papers delivered on an earlier day are left out, unless deliver_repeats is on") {
    fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
    temp_dir dir;
    const auto expected = test::expected_golden_order();
    const std::string repeat = expected.at(3);
    {
        // The previous announcement day delivered `repeat` (a cross-list, say) to this profile.
        state_store state(dir / "state.db");
        const auto rec = test::begun_run(state, "2025-07-22", "golden");
        const auto ids = state.finish_run_with_deliveries(rec, {"slack"}, json{{"papers", {{{"id", repeat}}}}}.dump(), 0);
        REQUIRE(state.claim(ids.at(0), 1, 0));
        state.mark_delivered(ids.at(0), "ok", 0);
    }
    auto j = ledger_config(dir, slack, discord, json::object());
    auto summary = run_day(parse_config(j.dump(), dir.path()).value(), {.date = parse_iso_day("2025-07-23")});
    const auto report = json::parse(read_file(summary.profiles[0].json_path).value());
    CHECK(report["papers"].size() == expected.size() - 1);
    for (const auto& p : report["papers"]) CHECK(p["id"] != repeat);
    CHECK(report["notes"].dump().find("1 paper was left out because an earlier digest already delivered them") != std::string::npos);

    temp_dir dir2;
    std::filesystem::copy_file(dir / "state.db", dir2 / "state.db");
    j["delivery"]["deliver_repeats"] = true;
    j["state"]["path"] = (dir2 / "state.db").string();
    j["output"]["dir"] = (dir2 / "out").string();
    summary = run_day(parse_config(j.dump(), dir2.path()).value(), {.date = parse_iso_day("2025-07-23")});
    CHECK(json::parse(read_file(summary.profiles[0].json_path).value())["papers"].size() == expected.size());
}

TEST_CASE("ledger: a corrupt or unusable state file is a clear error at start, and nothing is sent") {
    fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
    temp_dir dir;
    auto j = ledger_config(dir, slack, discord, json::object());
    write_file_atomic(dir / "state.db", std::string(8192, 'x')).value();
    auto r = test::run_paperboy("run --config " + write_config(dir, j) + " --date 2025-07-23");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("state database " + (dir / "state.db").string() + " is unusable") != std::string::npos);
    CHECK(slack.requests().empty());

    j["state"]["path"] = "/proc/paperboy-cannot-be-here/state.db";
    r = test::run_paperboy("run --config " + write_config(dir, j) + " --date 2025-07-23");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("/proc/paperboy-cannot-be-here") != std::string::npos);
    CHECK(slack.requests().empty());
}

TEST_CASE("ledger: a version 1 state file keeps its delivery records") {
    temp_dir dir;
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open((dir / "state.db").c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db,
                             "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                             "INSERT INTO meta VALUES('schema_version', '1');"
                             "CREATE TABLE deliveries(date TEXT NOT NULL, profile TEXT NOT NULL, channel TEXT NOT NULL, receipt TEXT NOT NULL,"
                             " delivered_at TEXT NOT NULL, PRIMARY KEY(date, profile, channel));"
                             "INSERT INTO deliveries VALUES('2025-07-23', 'golden', 'slack', 'ok', '2025-07-23T06:00:00Z');",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    state_store state(dir / "state.db");
    const auto entries = state.ledger({});
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].status == delivery_status::delivered);
    CHECK(entries[0].channel == "slack");
}

TEST_CASE("ledger: max_attempts counts across runs, running the day again does not start the count over") {
    fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
    discord.script = [](int, const json&) -> std::optional<scripted_response> {
        return scripted_response{503, R"({"message": "upstream connect error"})", {}};
    };
    temp_dir dir;
    const auto j = ledger_config(dir, slack, discord, {{"retry_delay_seconds", 0.01}, {"max_delay_seconds", 0.02}, {"wait_seconds", 0}, {"max_attempts", 3}});
    const auto cfg = parse_config(j.dump(), dir.path()).value();
    for (int run = 0; run < 6; ++run) {
        run_day(cfg, {.date = parse_iso_day("2025-07-23")});
        std::this_thread::sleep_for(40ms);
    }
    CHECK(discord.requests().size() == 3);  // each run used to reset the attempts and try again
    state_store state(cfg.state_path);
    const auto entries = state.ledger({.date = {}, .profile = {}, .channel = "discord", .statuses = {}, .ids = {}});
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].status == delivery_status::failed);
    CHECK(entries[0].attempts == 3);
    CHECK(slack.titles().size() == 18);  // the other channel was unaffected, and got it once
}
