// kill -9 at random moments of a run against slow fake Slack and Discord servers, restart, and
// count at the servers what arrived: nothing may be lost, and a message may arrive twice only
// when the kill landed while that message's request was in flight.
#include "core/files.hpp"
#include "support/child_process.hpp"
#include "support/fake_chat.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

using namespace paperboy;
using namespace std::chrono_literals;
using nlohmann::json;
using test::fake_chat;
using test::temp_dir;

namespace {

const std::filesystem::path day_0708 = test::source_dir() / "../shared/fixtures/days/2025-07-08";
constexpr auto latency = 30ms;

std::string write_config(const temp_dir& dir, const fake_chat& slack, const fake_chat& discord) {
    const json cfg{
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + (day_0708 / "feed.xml").string()}}},
        {"profiles",
         {{{"name", "lab"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}, {"channels", {"discord", "slack"}}}}},
        {"llm", {{"plugin", "replay"}, {"model", "gpt-4o"}, {"answers_file", (day_0708 / "answers.json").string()}}},
        {"channels",
         {{"slack", {{"plugin", "slack"}, {"webhook_url", slack.url("/hook")}}},
          {"discord", {{"plugin", "discord"}, {"webhook_url", discord.url("/api/webhooks/1/tok")}}}}},
        {"delivery", {{"retry_delay_seconds", 0.01}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
    };
    write_file_atomic(dir / "paperboy.json", cfg.dump()).value();
    return (dir / "paperboy.json").string();
}

std::vector<std::string> run_args(const std::string& config) {
    return {test::paperboy_binary().string(), "run", "-q", "--config", config, "--date", "2025-07-08"};
}

struct channel_count {
    std::size_t lost = 0;        // papers that never arrived
    std::size_t duplicates = 0;  // messages that arrived more than once
    std::size_t in_flight = 0;   // ... of which the kill landed while their first copy was in flight
};

// A duplicate is "in flight" when its first copy was the last request the killed process got
// to the server (it sent nothing after it: it died waiting for that answer, or before it could
// record it) and the kill came no earlier than shortly before the server read it (the bytes may
// still have been on their way).
channel_count count(const fake_chat& chat, std::chrono::steady_clock::time_point killed_at,
                    std::chrono::steady_clock::time_point restarted_at) {
    channel_count c;
    const auto all = chat.titles();
    const std::set<std::string> titles(all.begin(), all.end());
    c.lost = 48 - std::min<std::size_t>(48, titles.size());
    const auto requests = chat.requests();
    std::optional<std::size_t> last_before_restart;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        if (requests[i].received < restarted_at) last_before_restart = i;
    }
    std::map<std::string, std::size_t> first_seen;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto body = json::parse(requests[i].body).dump();
        const auto [it, fresh] = first_seen.emplace(body, i);
        if (fresh) continue;
        ++c.duplicates;
        const auto& first = requests[it->second];
        if (it->second == last_before_restart && killed_at + 200ms >= first.received) ++c.in_flight;
    }
    return c;
}

}  // namespace

TEST_CASE("crash: kill -9 at a random moment, restart: no digest lost, duplicates only for a message in flight") {
    REQUIRE(std::filesystem::exists(day_0708 / "feed.xml"));
    // How long an undisturbed run takes, to spread the kills over it.
    std::chrono::milliseconds whole{};
    {
        fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
        slack.latency = discord.latency = latency;
        temp_dir dir;
        const auto start = std::chrono::steady_clock::now();
        test::child_process p(run_args(write_config(dir, slack, discord)));
        REQUIRE(p.wait(60s) == 0);
        whole = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        REQUIRE(slack.titles().size() == 48);
    }

    constexpr int trials = 50;
    std::mt19937 rng(20261122);
    std::uniform_int_distribution<long> when(0, whole.count() * 11 / 10);
    std::size_t lost = 0, duplicates = 0, in_flight = 0, trials_with_duplicates = 0;
    for (int t = 0; t < trials; ++t) {
        fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
        slack.latency = discord.latency = latency;
        temp_dir dir;
        const auto config = write_config(dir, slack, discord);
        std::chrono::steady_clock::time_point killed_at;
        {
            test::child_process p(run_args(config));
            std::this_thread::sleep_for(std::chrono::milliseconds(when(rng)));
            killed_at = std::chrono::steady_clock::now();
            p.signal(SIGKILL);
            p.wait();
        }
        const auto restarted_at = std::chrono::steady_clock::now();
        test::child_process again(run_args(config));
        const int code = again.wait(120s);
        INFO("trial " << t);
        CHECK(code == 0);
        const auto s = count(slack, killed_at, restarted_at), d = count(discord, killed_at, restarted_at);
        CHECK(s.lost + d.lost == 0);
        CHECK(s.duplicates == s.in_flight);
        CHECK(d.duplicates == d.in_flight);
        CHECK(s.duplicates <= 1);
        CHECK(d.duplicates <= 1);
        lost += s.lost + d.lost;
        duplicates += s.duplicates + d.duplicates;
        in_flight += s.in_flight + d.in_flight;
        trials_with_duplicates += (s.duplicates + d.duplicates) > 0;
    }
    std::cout << "crash test: " << trials << " trials, kill -9 within " << whole.count() * 11 / 10
              << " ms of the start (an undisturbed run takes " << whole.count() << " ms; 2 channels, " << latency.count()
              << " ms per request): lost " << lost << ", duplicated messages " << duplicates << " (in " << trials_with_duplicates
              << " trials), of which the kill hit a request in flight: " << in_flight << "\n";
}
