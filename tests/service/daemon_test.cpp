#include "net/http_client.hpp"

#include "core/dates.hpp"
#include "core/files.hpp"
#include "support/child_process.hpp"
#include "support/fake_chat.hpp"
#include "support/fake_openai.hpp"
#include "support/fixtures.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>

#include <atomic>
#include <regex>
#include <map>
#include <thread>

using namespace paperboy;
using namespace std::chrono_literals;
using nlohmann::json;
using test::fake_chat;
using test::temp_dir;

namespace {

// A NOTIFY_SOCKET for the daemon: what it tells systemd, read by the test.
class notify_socket {
public:
    explicit notify_socket(const std::filesystem::path& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~notify_socket() { ::close(fd_); }
    /// Every message received so far, in order.
    const std::vector<std::string>& messages() {
        char buf[4096];
        for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, 0)) > 0;) received_.emplace_back(buf, static_cast<std::size_t>(n));
        return received_;
    }
    bool wait_for(const std::string& prefix, std::chrono::seconds timeout = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            for (const auto& m : messages()) {
                if (m.starts_with(prefix)) return true;
            }
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::vector<std::string> received_;
};

std::string log_text(const std::filesystem::path& log) {
    auto r = read_file(log);
    return r ? *r : std::string();
}

std::string wait_for_log(const std::filesystem::path& log, const std::regex& pattern, std::chrono::seconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto text = log_text(log);
        std::smatch m;
        if (std::regex_search(text, m, pattern)) return m.size() > 1 ? m[1].str() : m[0].str();
        std::this_thread::sleep_for(20ms);
    }
    FAIL("no log line matching the pattern; log:\n" << log_text(log));
    return {};
}

net::http_response get(int port, const std::string& path, const std::string& method = "GET") {
    auto r = net::request({.method = method, .url = "http://127.0.0.1:" + std::to_string(port) + path, .headers = {}, .body = {}},
                          {.step_timeout = 5s, .total_timeout = 5s, .body_limit = 1 << 20, .max_redirects = 0, .user_agent = {}, .ca_file = {}});
    REQUIRE(r.has_value());
    return *r;
}

}  // namespace

namespace {
json daemon_config(const temp_dir& dir, const fake_chat& slack, int shutdown_timeout) {
    return {
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}, {"max_attempts", 1}}},
        {"profiles",
         {{{"name", "golden"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}, {"authors", {"Yoshua Bengio"}},
           {"channels", {"lab-slack"}}}}},
        {"llm", {{"plugin", "replay"}, {"model", "gpt-4o"}, {"answers_file", (test::data_dir() / "days/2025-07-23/answers.json").string()}}},
        {"channels", {{"lab-slack", {{"plugin", "slack"}, {"webhook_url", slack.url("/hook")}}}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
        {"schedule", {{"time", "00:30"}, {"timezone", "America/New_York"}, {"shutdown_timeout_seconds", shutdown_timeout}}},
        {"server", {{"listen", "127.0.0.1:0"}}},
    };
}
// A fake export.arxiv.org: 30 papers for any day's window, their ids naming the window.
test::scripted_response arxiv_api_day(const test::recorded_request& r) {
    const auto at = r.target.find("submittedDate:%5B");
    const auto stamp = at == std::string::npos ? std::string("000000000000") : r.target.substr(at + 17, 12);
    std::string feed = R"(<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">)"
                       "<opensearch:totalResults>30</opensearch:totalResults>";
    static const char* topics[] = {"Sparse mixture of experts routing", "Quantization of large language models", "Protein folding with graphs"};
    for (int i = 0; i < 30; ++i) {
        feed += "<entry><id>http://arxiv.org/abs/2507." + stamp.substr(6, 2) + std::to_string(100 + i) + "v1</id><title>" + topics[i % 3] + " " +
                std::to_string(i) + "</title><summary>We study " + topics[i % 3] + ".</summary><category term=\"cs.LG\"/></entry>";
    }
    return test::scripted_response{200, feed + "</feed>", {}};
}

// The daemon's configuration for the backfill tests: Friday 2025-07-18 done by hand (itself
// backfilled), then paperboy down over Monday and Tuesday.
json backfill_setup(const temp_dir& dir, const fake_chat& slack, const test::fake_http_server& api) {
    auto cfg = daemon_config(dir, slack, 5);
    cfg["arxiv"]["api_url"] = api.url("/api/query");
    cfg["llm"] = {{"plugin", "offline"}};
    cfg["schedule"]["backfill"] = true;
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
    const auto first = test::run_paperboy("backfill --config '" + (dir / "paperboy.json").string() + "' --from 2025-07-18");
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    REQUIRE(slack.accepted().size() == 1);
    return cfg;
}
}  // namespace

TEST_CASE("daemon: SIGTERM during a slow delivery exits 0 within shutdown_timeout, the next start delivers it") {
    fake_chat slack(fake_chat::kind::slack_webhook);
    slack.latency = 6s;
    temp_dir dir;
    write_file_atomic(dir / "paperboy.json", daemon_config(dir, slack, 1).dump(2)).value();
    const std::vector<std::string> argv{test::paperboy_binary().string(), "daemon", "--config", (dir / "paperboy.json").string()};
    {
        test::child_process daemon(argv, {"PAPERBOY_FAKE_NOW=2025-07-23T04:30:05Z"}, (dir / "first.log").string());
        wait_for_log(dir / "first.log", std::regex("2025-07-23: no completed run yet"));
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (slack.requests().empty() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
        REQUIRE(slack.requests().size() == 1);  // the post is in flight (the service answers in 6 s)
        const auto stop = std::chrono::steady_clock::now();
        daemon.signal(SIGTERM);
        CHECK(daemon.wait(10s) == 0);
        CHECK(std::chrono::steady_clock::now() - stop < 3s);
        CHECK(log_text(dir / "first.log").find("stopping with a run still in progress after 1 s") != std::string::npos);
    }
    // The ledger kept the digest as in flight; the next start sends it again (the first copy
    // may also have arrived: that is the in-flight case README "Delivery guarantees" names).
    slack.latency = 0s;
    test::child_process again(argv, {"PAPERBOY_FAKE_NOW=2025-07-23T05:00:00Z"}, (dir / "second.log").string());
    wait_for_log(dir / "second.log", std::regex("was being sent when paperboy stopped; sending again"));
    wait_for_log(dir / "second.log", std::regex("golden\\] lab-slack: delivered"));
    CHECK(log_text(dir / "second.log").find("no completed run yet") == std::string::npos);  // the day itself was done
    again.signal(SIGTERM);
    CHECK(again.wait(10s) == 0);
}

TEST_CASE("daemon: runs on schedule, delivers, reports health and metrics, survives a bad SIGHUP, stops on SIGTERM") {
    fake_chat slack(fake_chat::kind::slack_webhook);
    temp_dir dir;
    const auto cfg = daemon_config(dir, slack, 5);
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
    notify_socket notify(dir / "notify.sock");
    const auto log = dir / "daemon.log";
    // The daemon's clock starts 3 s before the 2025-07-23 run (00:30 EDT = 04:30 UTC).
    test::child_process daemon({test::paperboy_binary().string(), "daemon", "--config", (dir / "paperboy.json").string()},
                               {"PAPERBOY_FAKE_NOW=2025-07-23T04:29:57Z", "NOTIFY_SOCKET=" + (dir / "notify.sock").string()}, log.string());
    REQUIRE(notify.wait_for("READY=1"));
    const int port = std::stoi(wait_for_log(log, std::regex(R"(\(port (\d+)\))")));

    // From the start: the build, and every delivery outcome of every channel at 0.
    const auto early = get(port, "/metrics").body;
    CHECK(early.find("paperboy_build_info{version=\"" PAPERBOY_VERSION "\"} 1\n") != std::string::npos);
    CHECK(early.find("paperboy_deliveries_total{channel=\"lab-slack\",outcome=\"failed\"} 0\n") != std::string::npos);
    CHECK(early.find("paperboy_deliveries_total{channel=\"lab-slack\",outcome=\"delivered\"} 0\n") != std::string::npos);
    CHECK(early.find("paperboy_tokens_total{kind=\"cached_prompt\"} 0\n") != std::string::npos);

    // Catch-up of 2025-07-22 finds a feed that moved on: missed, not an error loop.
    wait_for_log(log, std::regex("2025-07-22: missed: arXiv's feed has moved on"));
    // Then the scheduled run, about 3 s later.
    wait_for_log(log, std::regex(R"(2025-07-23: run finished in \d+ ms)"));
    REQUIRE(slack.titles().size() == 18);
    CHECK(notify.wait_for("STATUS=next run 2025-07-24 at 2025-07-24T04:30:00Z; last: 2025-07-23: 18 papers selected"));

    auto h = get(port, "/healthz");
    CHECK(h.status == 200);
    CHECK(h.body == "ok: 2025-07-23: 18 papers selected\n");
    const auto m = get(port, "/metrics").body;
    CHECK(m.find("paperboy_runs_total{outcome=\"reported\"} 1\n") != std::string::npos);
    CHECK(m.find("paperboy_runs_total{outcome=\"missed\"} 1\n") != std::string::npos);
    CHECK(m.find("paperboy_papers_selected_total 18\n") != std::string::npos);
    CHECK(m.find("paperboy_deliveries_total{channel=\"lab-slack\",outcome=\"delivered\"} 1\n") != std::string::npos);
    CHECK(m.find("paperboy_deliveries_total{channel=\"lab-slack\",outcome=\"failed\"} 0\n") != std::string::npos);
    CHECK(m.find("paperboy_next_run_timestamp_seconds 1753331400\n") != std::string::npos);  // 2025-07-24T04:30:00Z
    CHECK(get(port, "/../../etc/passwd").status == 400);
    CHECK(get(port, "/%2e%2e/%2e%2e/etc/passwd").status == 400);
    CHECK(get(port, "/golden/../../state.db").status == 400);
    CHECK(get(port, "/golden/2025-07-23.html").status == 200);  // the archive, served by the daemon
    CHECK(get(port, "/healthz", "POST").status == 405);

    // A broken configuration on SIGHUP is refused; the daemon keeps working with the old one.
    write_file_atomic(dir / "paperboy.json", R"({"arxiv": {"categories": []}})").value();
    daemon.signal(SIGHUP);
    wait_for_log(log, std::regex("SIGHUP: the new configuration is invalid, keeping the previous one"));
    CHECK(get(port, "/healthz").status == 200);

    const auto stop = std::chrono::steady_clock::now();
    daemon.signal(SIGTERM);
    CHECK(daemon.wait(10s) == 0);
    CHECK(std::chrono::steady_clock::now() - stop < 5s);
    CHECK(notify.wait_for("STOPPING=1", 1s));
    CHECK(slack.titles().size() == 18);  // nothing sent twice
}

TEST_CASE("daemon: a day whose scoring failed is held, unhealthy and counted, then scored again and delivered once") {
    std::atomic<bool> down{true};
    test::fake_openai model({.answers = json::parse(read_file(test::data_dir() / "days/2025-07-23/answers.json").value()),
                             .script = [&](const test::openai_call&) -> std::optional<test::scripted_response> {
                                 if (!down) return std::nullopt;
                                 // Slow to fail, so the first /healthz below comes before the run ends.
                                 return test::scripted_response{503, R"({"error": {"code": "server_error", "message": "overloaded"}})", {},
                                                                std::chrono::milliseconds(1500)};
                             }});
    fake_chat slack(fake_chat::kind::slack_webhook);
    temp_dir dir;
    auto cfg = daemon_config(dir, slack, 5);
    cfg["llm"] = {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", model.base_url()}, {"concurrency", 2}, {"batch_size", 20},
                  {"retry_delay_ms", 1}, {"max_attempts", 1}};
    cfg["schedule"]["retry_every_minutes"] = 0.02;  // a held day is scored again about every second
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
    const auto log = dir / "daemon.log";
    test::child_process daemon({test::paperboy_binary().string(), "daemon", "--config", (dir / "paperboy.json").string()},
                               {"PAPERBOY_FAKE_NOW=2025-07-23T04:30:05Z"}, log.string());
    const int port = std::stoi(wait_for_log(log, std::regex(R"(\(port (\d+)\))")));
    CHECK(get(port, "/healthz").status == 200);  // a daemon that never ran is waiting, not failing
    wait_for_log(log, std::regex("The digest is held until the papers are scored"));
    wait_for_log(log, std::regex(R"(2025-07-23: run finished in \d+ ms)"));
    auto h = get(port, "/healthz");
    CHECK(h.status == 503);
    CHECK(h.body.find("held: Incomplete digest: 261 of 262 papers could not be scored") != std::string::npos);
    auto m = get(port, "/metrics").body;
    CHECK(m.find("paperboy_days_held 1\n") != std::string::npos);
    CHECK(m.find("paperboy_scoring_failures_total 1\n") != std::string::npos);
    CHECK(m.find("paperboy_papers_unscored_total 261\n") != std::string::npos);
    CHECK(m.find("paperboy_deliveries_total{channel=\"lab-slack\",outcome=\"held\"} 1\n") != std::string::npos);
    CHECK(slack.requests().empty());

    down = false;  // the provider is back: the retry timer scores the missing papers and delivers
    wait_for_log(log, std::regex("golden\\] lab-slack: delivered"), 30s);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (get(port, "/healthz").status != 200 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
    h = get(port, "/healthz");
    CHECK(h.status == 200);
    m = get(port, "/metrics").body;
    CHECK(m.find("paperboy_days_held 0\n") != std::string::npos);
    REQUIRE_FALSE(slack.accepted().empty());
    CHECK(slack.accepted()[0].dump().find("Incomplete") == std::string::npos);
    const auto posts = slack.accepted().size();
    std::this_thread::sleep_for(2s);  // more retry intervals pass: nothing is sent again
    CHECK(slack.accepted().size() == posts);
    daemon.signal(SIGTERM);
    CHECK(daemon.wait(10s) == 0);
}

TEST_CASE("daemon: llm.batch_deadline cancels a batch still running at that time of day, and the rest is scored then and delivered") {
    test::fake_openai model({.answers = json::parse(read_file(test::data_dir() / "days/2025-07-23/answers.json").value()), .batch_end = "never"});
    fake_chat slack(fake_chat::kind::slack_webhook);
    temp_dir dir;
    auto cfg = daemon_config(dir, slack, 5);
    // The run is due at 00:30 New York time; the digest must be out by 00:30:12, 7 s after the
    // daemon's clock starts (a real deadline would be hours after schedule.time).
    cfg["llm"] = {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", model.base_url()}, {"concurrency", 2}, {"retry_delay_ms", 1},
                  {"mode", "batch"}, {"batch_poll_seconds", 0.05}, {"batch_deadline", "00:30:12"}};
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
    const auto log = dir / "daemon.log";
    const auto start = std::chrono::steady_clock::now();
    test::child_process daemon({test::paperboy_binary().string(), "daemon", "--config", (dir / "paperboy.json").string()},
                               {"PAPERBOY_FAKE_NOW=2025-07-23T04:30:05Z"}, log.string());
    const int port = std::stoi(wait_for_log(log, std::regex(R"(\(port (\d+)\))")));
    // (On the real clock: PAPERBOY_FAKE_NOW moves only the daemon's.)
    wait_for_log(log, std::regex("polling until \\S+Z \\(llm.batch_deadline\\)"));
    wait_for_log(log, std::regex(R"(2025-07-23: run finished in \d+ ms)"), 30s);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 6s);      // it waited for the batch until the deadline ...
    CHECK(took < 20s);      // ... and not for batch_max_wait (an hour)
    CHECK(model.batches_cancelled() >= 1);
    REQUIRE(slack.titles().size() == 18);  // the whole day, scored directly after the deadline
    const auto report = read_file(dir / "out/golden/2025-07-23.md").value();
    CHECK(report.find("(batch cancelled); the rest were scored at the normal price.") != std::string::npos);
    CHECK(get(port, "/healthz").status == 200);
    daemon.signal(SIGTERM);
    CHECK(daemon.wait(10s) == 0);
}

TEST_CASE("daemon: with schedule.backfill, the days it missed come back from the arXiv API after the day's run, each delivered once") {
    test::fake_http_server api(arxiv_api_day);
    fake_chat slack(fake_chat::kind::slack_webhook);
    temp_dir dir;
    // Two days missed: Monday's feed while paperboy was down, Tuesday's when the feed had moved on.
    backfill_setup(dir, slack, api);

    notify_socket notify(dir / "notify.sock");
    const auto log = dir / "daemon.log";
    test::child_process daemon({test::paperboy_binary().string(), "daemon", "--config", (dir / "paperboy.json").string()},
                               {"PAPERBOY_FAKE_NOW=2025-07-23T04:29:57Z", "NOTIFY_SOCKET=" + (dir / "notify.sock").string()}, log.string());
    REQUIRE(notify.wait_for("READY=1"));
    const int port = std::stoi(wait_for_log(log, std::regex(R"(\(port (\d+)\))")));
    wait_for_log(log, std::regex("2025-07-21: missed 1 announcement day: paperboy was not running while arXiv's feed carried them; "
                                 "schedule.backfill rebuilds them"));
    wait_for_log(log, std::regex("2025-07-22: missed: arXiv's feed has moved on"));
    wait_for_log(log, std::regex(R"(2025-07-23: run finished in \d+ ms)"), 60s);
    const auto text = log_text(log);
    CHECK(text.find("2025-07-21 [golden]: backfilled: ") != std::string::npos);
    CHECK(text.find("2025-07-22 [golden]: backfilled: ") != std::string::npos);
    CHECK(text.find("2025-07-21 [golden]: backfilled: ") < text.find("2025-07-22 [golden]: backfilled: "));  // oldest first
    CHECK(std::filesystem::exists(dir / "out/golden/2025-07-21.md"));
    CHECK(read_file(dir / "out/golden/2025-07-22.md").value().find("Backfilled from the arXiv API") != std::string::npos);
    CHECK(read_file(dir / "out/golden/2025-07-23.md").value().find("Backfilled") == std::string::npos);
    // 07-18 by hand, 07-23 from the feed, 07-21 and 07-22 backfilled: one Slack post each.
    std::map<std::string, int> posts;
    for (const auto& body : slack.accepted()) ++posts[body.dump().substr(body.dump().find("2025-07-"), 10)];
    CHECK(posts.size() == 4);
    CHECK(posts["2025-07-21"] == 1);
    CHECK(posts["2025-07-22"] == 1);
    CHECK(get(port, "/metrics").body.find("paperboy_runs_total{outcome=\"backfilled\"} 2\n") != std::string::npos);
    CHECK(api.requests().size() == 3);  // one page per day

    daemon.signal(SIGTERM);
    CHECK(daemon.wait(10s) == 0);
}

TEST_CASE("daemon: a missed day the arXiv API cannot rebuild leaves the daemon unhealthy and counted, saying which day and why") {
    std::atomic<bool> api_down{false};
    test::fake_http_server api([&](const test::recorded_request& r) {
        if (api_down) return test::scripted_response{503, "<html>Service Unavailable</html>", {}};
        return arxiv_api_day(r);
    });
    fake_chat slack(fake_chat::kind::slack_webhook);
    temp_dir dir;
    backfill_setup(dir, slack, api);
    api_down = true;

    const auto log = dir / "daemon.log";
    test::child_process daemon({test::paperboy_binary().string(), "daemon", "--config", (dir / "paperboy.json").string()},
                               {"PAPERBOY_FAKE_NOW=2025-07-23T04:29:57Z"}, log.string());
    const int port = std::stoi(wait_for_log(log, std::regex(R"(\(port (\d+)\))")));
    wait_for_log(log, std::regex(R"(2025-07-23: run finished in \d+ ms)"), 60s);
    CHECK(slack.accepted().back().dump().find("2025-07-23") != std::string::npos);  // the day itself was delivered
    const auto h = get(port, "/healthz");
    CHECK(h.status == 503);
    CHECK(h.body.starts_with("unhealthy: 2 missed days not backfilled (2025-07-21: "));
    CHECK(h.body.find("503") != std::string::npos);
    CHECK(h.body.find("the next run tries again") != std::string::npos);
    CHECK(get(port, "/metrics").body.find("paperboy_runs_total{outcome=\"backfill_failed\"} 2\n") != std::string::npos);
    daemon.signal(SIGTERM);
    CHECK(daemon.wait(10s) == 0);
}

TEST_CASE("daemon: a key the provider refuses stops model calls, names /llm/api_key in /healthz, and a reload runs the day again") {
    std::atomic<bool> refused{true};
    test::fake_openai model({.answers = json::parse(read_file(test::data_dir() / "days/2025-07-23/answers.json").value()),
                             .script = [&](const test::openai_call&) -> std::optional<test::scripted_response> {
                                 if (!refused) return std::nullopt;
                                 return test::scripted_response{401, R"({"error": {"code": "invalid_api_key", "type": "invalid_request_error", "message": "Incorrect API key provided: sk-wrong."}})", {}};
                             }});
    fake_chat slack(fake_chat::kind::slack_webhook);
    temp_dir dir;
    auto cfg = daemon_config(dir, slack, 5);
    cfg["llm"] = {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", model.base_url()}, {"api_key", "sk-wrong"}, {"concurrency", 1},
                  {"batch_size", 20}, {"retry_delay_ms", 1}};
    cfg["schedule"]["retry_every_minutes"] = 0.02;  // a held day would be scored again about every second
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
    const auto log = dir / "daemon.log";
    test::child_process daemon({test::paperboy_binary().string(), "daemon", "--config", (dir / "paperboy.json").string()},
                               {"PAPERBOY_FAKE_NOW=2025-07-23T04:30:05Z"}, log.string());
    const int port = std::stoi(wait_for_log(log, std::regex(R"(\(port (\d+)\))")));
    wait_for_log(log, std::regex("2025-07-23: missed: /llm/api_key: the provider refused this key"));
    const auto h = get(port, "/healthz");
    CHECK(h.status == 503);
    CHECK(h.body.find("/llm/api_key: the provider refused this key") != std::string::npos);
    CHECK(h.body.find("sk-wrong") == std::string::npos);
    const auto calls = model.calls();
    CHECK(calls == 1);
    std::this_thread::sleep_for(3s);  // several retry intervals: no call with the refused key
    CHECK(model.calls() == calls);
    CHECK(slack.requests().empty());
    CHECK(test::run_paperboy("status --config '" + (dir / "paperboy.json").string() + "'").out.find("/llm/api_key") != std::string::npos);

    refused = false;  // the reader puts the right key in and reloads
    cfg["llm"]["api_key"] = "sk-right";
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
    daemon.signal(SIGHUP);
    wait_for_log(log, std::regex("golden\\] lab-slack: delivered"), 30s);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (get(port, "/healthz").status != 200 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
    CHECK(get(port, "/healthz").status == 200);
    CHECK(slack.accepted().size() == 1);
    daemon.signal(SIGTERM);
    CHECK(daemon.wait(10s) == 0);
}

TEST_CASE("daemon: /metrics counts the days to a model's announced shutdown, and a model past it holds the day with /healthz 503") {
    const auto answers = json::parse(read_file(test::data_dir() / "days/2025-07-23/answers.json").value());
    for (const int days : {10, 0}) {
        INFO(days);
        test::fake_openai model({.answers = answers, .models = {{"gpt-4o", test::iso_day_from_today(days)}}});
        fake_chat slack(fake_chat::kind::slack_webhook);
        temp_dir dir;
        auto cfg = daemon_config(dir, slack, 5);
        cfg["llm"] = {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", model.base_url()}, {"api_key", "sk-test"}, {"concurrency", 2}, {"batch_size", 20}};
        write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
        const auto log = dir / "daemon.log";
        test::child_process daemon({test::paperboy_binary().string(), "daemon", "--config", (dir / "paperboy.json").string()},
                                   {"PAPERBOY_FAKE_NOW=2025-07-23T04:30:05Z"}, log.string());
        const int port = std::stoi(wait_for_log(log, std::regex(R"(\(port (\d+)\))")));
        if (days > 0) {
            wait_for_log(log, std::regex(R"(2025-07-23: run finished in \d+ ms)"), 30s);
            CHECK(get(port, "/metrics").body.find("paperboy_model_shutdown_days{model=\"gpt-4o\"} 10\n") != std::string::npos);
            CHECK(get(port, "/healthz").status == 200);
            CHECK(model.model_list_requests() == 1);  // asked once for the metrics and the scorer
        } else {
            wait_for_log(log, std::regex("2025-07-23: missed: /llm/model: the provider shut gpt-4o down"));
            const auto h = get(port, "/healthz");
            CHECK(h.status == 503);
            CHECK(h.body.find("/llm/model: the provider shut gpt-4o down on " + test::iso_day_from_today(0)) != std::string::npos);
            CHECK(get(port, "/metrics").body.find("paperboy_model_shutdown_days{model=\"gpt-4o\"} 0\n") != std::string::npos);
            CHECK(model.calls() == 0);
            CHECK(slack.requests().empty());
        }
        daemon.signal(SIGTERM);
        CHECK(daemon.wait(10s) == 0);
    }
}
