#include "job/daily_run.hpp"

#include "core/files.hpp"
#include "feedback/reactions.hpp"
#include "state/state_store.hpp"
#include "support/chat_days.hpp"
#include "support/fake_chat.hpp"
#include "support/fake_openai.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using namespace std::chrono_literals;
using nlohmann::json;
using test::fake_chat;
using test::scripted_response;
using test::temp_dir;
using test::day_config;
using test::expected_titles;


TEST_CASE("chat: the 48-paper day reaches Slack and Discord complete, in order, split within the limits") {
    fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
    temp_dir dir;
    const auto cfg = day_config(dir, {{"lab-slack", {{"plugin", "slack"}, {"webhook_url", slack.url("/services/T1/B1/x")}}},
                                      {"lab-discord", {{"plugin", "discord"}, {"webhook_url", discord.url("/api/webhooks/1/tok")}}}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    const auto& deliveries = summary.profiles[0].deliveries;
    REQUIRE(deliveries.size() == 2);
    const auto& discord_delivery = deliveries[0].channel == "lab-discord" ? deliveries[0] : deliveries[1];
    CHECK(deliveries[0].delivered);
    CHECK(deliveries[1].delivered);
    CHECK(summary.profiles[0].stats.selected == 48);
    const auto expected = expected_titles(summary);
    CHECK(slack.titles() == expected);
    CHECK(slack.accepted().size() == 2);  // 2 + 48*2 blocks: 50 per message at most
    // Slack asks for at most one message a second per channel: paced, not pushed into 429s.
    REQUIRE(slack.requests().size() == 2);
    CHECK(slack.requests()[1].received - slack.requests()[0].received >= std::chrono::milliseconds(950));
    CHECK(discord.accepted().size() >= 5);  // 10 embeds per message at most
    std::vector<std::string> discord_titles;
    for (const auto& t : discord.titles()) discord_titles.push_back(t);
    REQUIRE(discord_titles.size() == 48);
    // Discord titles are markdown-escaped; compare the first one loosely and the order by rank.
    for (std::size_t i = 0; i < 48; ++i) CHECK(discord_titles[i].starts_with(std::to_string(i + 1) + ". "));
    CHECK(discord.requests()[0].target == "/api/v10/webhooks/1/tok?wait=true");
    CHECK(json::parse(discord_delivery.receipt)["receipts"].size() == discord.accepted().size());

    // Running the day again posts nothing anywhere.
    const auto again = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    CHECK(again.profiles[0].deliveries[0].skipped);
    CHECK(slack.requests().size() == 2);
    CHECK(discord.accepted().size() == json::parse(discord_delivery.receipt)["receipts"].size());
}

TEST_CASE("chat: a 429 is honoured for as long as the service asks, and no message is posted twice") {
    fake_chat discord(fake_chat::kind::discord), slack(fake_chat::kind::slack_webhook);
    discord.script = [](int index, const json&) -> std::optional<scripted_response> {
        if (index == 2) return scripted_response{429, R"({"message": "You are being rate limited.", "retry_after": 0.8, "global": false})", {{"Retry-After", "1"}}};
        return std::nullopt;
    };
    slack.script = [](int index, const json&) -> std::optional<scripted_response> {
        if (index == 1) return scripted_response{429, "rate_limited", {{"Retry-After", "1"}}};
        return std::nullopt;
    };
    temp_dir dir;
    const auto cfg = day_config(dir, {{"d", {{"plugin", "discord"}, {"webhook_url", discord.url("/api/webhooks/1/tok")}}},
                                      {"s", {{"plugin", "slack"}, {"webhook_url", slack.url("/hook")}}}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    CHECK(summary.profiles[0].deliveries[0].delivered);
    CHECK(summary.profiles[0].deliveries[1].delivered);
    const auto d = discord.requests();
    CHECK(d[3].received - d[2].received >= 800ms);
    CHECK(discord.titles().size() == 48);
    const auto s = slack.requests();
    CHECK(s[2].received - s[1].received >= 1000ms);
    CHECK(slack.titles() == expected_titles(summary));
}

TEST_CASE("chat: one failing channel does not hold back the other, a rejected payload is permanent and reported") {
    fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
    slack.script = [](int, const json&) -> std::optional<scripted_response> { return scripted_response{400, "invalid_payload", {}}; };
    int discord_calls = 0;
    discord.script = [&](int, const json&) -> std::optional<scripted_response> {
        if (discord_calls++ == 0) return scripted_response{500, R"({"message": "Internal Server Error"})", {}};
        return std::nullopt;
    };
    temp_dir dir;
    const auto cfg = day_config(dir, {{"a-slack", {{"plugin", "slack"}, {"webhook_url", slack.url("/hook")}}},
                                      {"b-discord", {{"plugin", "discord"}, {"webhook_url", discord.url("/api/webhooks/1/tok")}}}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    const auto& d = summary.profiles[0].deliveries;  // names sort: a-slack first
    REQUIRE(d.size() == 2);
    REQUIRE(d[0].failure.has_value());
    CHECK_FALSE(d[0].failure->transient());
    CHECK(d[0].failure->detail.find("invalid_payload") != std::string::npos);
    CHECK(slack.requests().size() == 1);  // not retried
    CHECK(d[1].delivered);                 // the 500 was retried
    CHECK(discord.titles().size() == 48);
}

TEST_CASE("chat: hostile text cannot ping anyone or break the layout") {
    fake_chat slack(fake_chat::kind::slack_webhook), discord(fake_chat::kind::discord);
    temp_dir dir;
    auto cfg = day_config(dir, {{"s", {{"plugin", "slack"}, {"webhook_url", slack.url("/hook")}}},
                                {"d", {{"plugin", "discord"}, {"webhook_url", discord.url("/api/webhooks/1/tok")}}}},
                          (test::data_dir() / "feeds/hostile-2025-11-20.xml").string(), "offline");
    cfg.profiles[0].keywords = {"sparse", "quantization", "representation learning", "abstract"};
    cfg.profiles[0].relevance_cutoff = 1;
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-11-20")});
    CHECK(summary.profiles[0].deliveries[0].delivered);
    CHECK(summary.profiles[0].deliveries[1].delivered);

    const auto slack_body = slack.accepted().at(0).dump();
    CHECK(slack_body.find("&lt;!channel&gt;") != std::string::npos);
    CHECK(slack_body.find("<!channel>") == std::string::npos);
    CHECK(slack_body.find("<@U024BE7LH>") == std::string::npos);
    CHECK(slack_body.find("&lt;script&gt;") != std::string::npos);
    CHECK(slack.titles().size() == 4);  // every link intact

    for (const auto& body : discord.accepted()) {
        CHECK(body["allowed_mentions"] == json{{"parse", json::array()}});
        CHECK(body.dump().find("@everyone") == std::string::npos);  // broken by a zero-width space
    }
    CHECK(discord.titles().size() == 4);
    const auto discord_body = discord.accepted().at(0).dump();
    CHECK(discord_body.find("\\\\[click here\\\\]") != std::string::npos);
    CHECK(discord_body.find("\\r") == std::string::npos);
}

TEST_CASE("chat: bot-token Slack threads the papers under a summary, send-test works for both services") {
    fake_chat api(fake_chat::kind::slack_api), discord(fake_chat::kind::discord);
    temp_dir dir;
    const auto cfg = day_config(dir, {{"bot", {{"plugin", "slack"}, {"token", "xoxb-test-token"}, {"channel", "C1"}, {"thread", true},
                                              {"api_url", api.url("/api")}}}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    REQUIRE(summary.profiles[0].deliveries[0].delivered);
    const auto bodies = api.accepted();
    REQUIRE(bodies.size() >= 2);
    CHECK_FALSE(bodies[0].contains("thread_ts"));
    for (std::size_t i = 1; i < bodies.size(); ++i) CHECK(bodies[i]["thread_ts"] == "1700000001.000100");
    CHECK(api.requests()[0].headers.at("authorization") == "Bearer xoxb-test-token");

    const json file{{"arxiv", {{"categories", {"cs.LG"}}}},
                    {"profiles", {{{"name", "p"}, {"topics", "t"}, {"channels", {"d"}}}}},
                    {"channels", {{"d", {{"plugin", "discord"}, {"webhook_url_file", "hook.txt"}}}}},
                    {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR}};
    REQUIRE(write_file_atomic(dir / "hook.txt", discord.url("/api/webhooks/9/secret-token") + "\n").has_value());
    REQUIRE(write_file_atomic(dir / "c.json", file.dump()).has_value());
    const auto sent = test::run_paperboy("send-test --config '" + (dir / "c.json").string() + "' --channel d");
    CHECK(sent.exit_code == 0);
    REQUIRE(discord.accepted().size() == 1);
    CHECK(discord.accepted()[0]["embeds"].size() == 2);
    const auto unknown = test::run_paperboy("send-test --config '" + (dir / "c.json").string() + "' --channel nope");
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("no channel named 'nope' in the configuration; its channels: d") != std::string::npos);
}

TEST_CASE("check --probe: the model answers a tiny request, Slack auth.test and the Discord webhook GET pass, nothing is posted") {
    test::fake_openai model({.answers = json::object()});
    fake_chat slack(fake_chat::kind::slack_api), discord(fake_chat::kind::discord), hook(fake_chat::kind::slack_webhook);
    temp_dir dir;
    const json channels{{"bot", {{"plugin", "slack"}, {"token", "xoxb-good"}, {"channel", "C1"}, {"api_url", slack.url("/api")}}},
                        {"bad-bot", {{"plugin", "slack"}, {"token", "xoxb-revoked"}, {"channel", "C1"}, {"api_url", slack.url("/api")}}},
                        {"hook", {{"plugin", "slack"}, {"webhook_url", hook.url("/services/T/B/x")}}},
                        {"disc", {{"plugin", "discord"}, {"webhook_url", discord.url("/api/webhooks/1/tok")}}}};
    auto j = json::parse(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "lab", "topics": "t"}]})");
    j["llm"] = {{"plugin", "openai"}, {"model", "gpt-4o-mini"}, {"base_url", model.base_url()}};
    j["channels"] = channels;
    j["plugin_dir"] = PAPERBOY_PLUGIN_BUILD_DIR;
    j["state"] = {{"path", (dir / "state.db").string()}};
    write_file_atomic(dir / "paperboy.json", j.dump()).value();
    const auto r = test::run_paperboy("check --probe --config '" + (dir / "paperboy.json").string() + "'");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);  // the revoked token
    CHECK(r.out.find("llm openai: ok: model") != std::string::npos);
    CHECK(r.out.find("channel bot (slack): ok: auth.test: token valid (paperboy in Lab)") != std::string::npos);
    CHECK(r.out.find("channel bad-bot (slack): FAILED") != std::string::npos);
    CHECK(r.out.find("invalid_auth") != std::string::npos);
    CHECK(r.out.find("channel hook (slack): not probed") != std::string::npos);
    CHECK(r.out.find("channel disc (discord): ok: webhook 'paperboy' for channel 42") != std::string::npos);
    CHECK(r.out.find("xoxb-revoked") == std::string::npos);
    CHECK(model.calls() == 1);
    CHECK(slack.accepted().empty());
    CHECK(discord.accepted().empty());
    CHECK(hook.requests().empty());
}

TEST_CASE("reactions: a thumbs up or down on a paper's own Slack reply or Discord message is a vote, read within the rate limits") {
    fake_chat slack(fake_chat::kind::slack_api), discord(fake_chat::kind::discord), hook(fake_chat::kind::slack_webhook);
    temp_dir dir;
    const auto cfg = day_config(dir, {{"bot", {{"plugin", "slack"}, {"token", "xoxb-good"}, {"channel", "C1"}, {"api_url", slack.url("/api")},
                                               {"thread", true}, {"reactions", true}, {"reactions_interval_ms", 0}, {"top_n", 4}}},
                                      {"lab-discord", {{"plugin", "discord"}, {"webhook_url", discord.url("/api/webhooks/1/tok")},
                                                       {"bot_token", "bot-good"}, {"top_n", 4}}},
                                      {"hook", {{"plugin", "slack"}, {"webhook_url", hook.url("/services/T1/B1/x")}}}});
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-08")});
    for (const auto& d : summary.profiles[0].deliveries) CHECK(d.delivered);
    const auto report = json::parse(read_file(summary.profiles[0].json_path).value());
    std::vector<std::string> ids;
    for (const auto& p : report["papers"]) ids.push_back(p["id"]);
    REQUIRE(ids.size() >= 4);
    // One paper per message: the Slack thread's replies, and every Discord message.
    REQUIRE(slack.accepted().size() == 5);
    REQUIRE(discord.accepted().size() == 4);
    for (const auto& m : discord.accepted()) CHECK(m["embeds"].size() == 1);
    const auto s = slack.message_ids(), d = discord.message_ids();
    slack.react(s[1], "+1", 2);                                  // paper 0: liked
    slack.react(s[2], "+1", 1), slack.react(s[2], "-1", 1);      // paper 1: a tie, no vote
    slack.react(s[3], "thumbsdown", 1);                          // paper 2: disliked
    slack.react(s[0], "+1", 5);                                  // the summary holds every title: not a vote
    discord.react(d[0], "\xF0\x9F\x91\x8D", 1);                  // paper 0: liked there too
    discord.react(d[3], "\xF0\x9F\x91\x8E", 3);                  // paper 3: disliked
    slack.reaction_burst = 2;                                    // four reads: the third meets a 429

    state_store state(cfg.state_path);
    const auto sweep = collect_reactions(cfg, state, std::chrono::system_clock::now());
    CHECK(sweep.errors.empty());
    CHECK(sweep.digests == 2);
    CHECK(sweep.messages == 8);
    CHECK(sweep.votes == 3);  // paper 0 once (the same vote from Discord changes nothing), 2 and 3
    REQUIRE(sweep.skipped.size() == 1);
    CHECK(sweep.skipped[0].starts_with("hook: reactions are read only with token, thread and reactions: true"));
    CHECK(slack.rate_limited() == 1);
    // The read after the 429 waited for its Retry-After.
    std::vector<test::recorded_request> reads;
    for (const auto& r : slack.requests()) {
        if (r.target.find("/reactions.get?") != std::string::npos) reads.push_back(r);
    }
    REQUIRE(reads.size() == 5);
    CHECK(reads[3].received - reads[2].received >= 900ms);

    std::map<std::string, std::pair<int, std::string>> votes;
    for (const auto& v : state.votes("lab")) votes[v.paper_id] = {v.value, v.source};
    CHECK(votes.at(ids[0]) == std::pair<int, std::string>{1, "slack"});
    CHECK_FALSE(votes.contains(ids[1]));
    CHECK(votes.at(ids[2]) == std::pair<int, std::string>{-1, "slack"});
    CHECK(votes.at(ids[3]) == std::pair<int, std::string>{-1, "discord"});

    // The reader's own word wins over a reaction; a changed reaction changes its own vote.
    state.record_votes({{"lab", ids[3], "2025-07-08", 1, "cli", ""}});
    slack.react(s[3], "thumbsdown", 0), slack.react(s[3], "+1", 1);
    slack.reaction_burst = 100;
    const auto again = collect_reactions(cfg, state, std::chrono::system_clock::now());
    CHECK(again.votes == 1);
    votes.clear();
    for (const auto& v : state.votes("lab")) votes[v.paper_id] = {v.value, v.source};
    CHECK(votes.at(ids[2]) == std::pair<int, std::string>{1, "slack"});
    CHECK(votes.at(ids[3]) == std::pair<int, std::string>{1, "cli"});
    // Digests older than feedback.reactions_days are left alone.
    CHECK(collect_reactions(cfg, state, std::chrono::system_clock::now() + std::chrono::hours(24 * 8)).digests == 0);
}
