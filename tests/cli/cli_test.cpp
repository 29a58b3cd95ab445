#include "cli/exit_codes.hpp"
#include "core/dates.hpp"
#include "score/model_retirement.hpp"
#include "support/fake_http_server.hpp"
#include "support/fake_openai.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace paperboy;
using test::run_paperboy;
using test::temp_dir;

namespace {

std::filesystem::path write_config(const temp_dir& dir, const std::string& feed_url, const nlohmann::json& llm,
                                   const nlohmann::json& arxiv_extra = nlohmann::json::object()) {
    nlohmann::json arxiv{{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", feed_url}, {"max_attempts", 1}};
    arxiv.update(arxiv_extra);
    const nlohmann::json cfg{
        {"arxiv", arxiv},
        {"profiles", {{{"name", "golden"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()},
                       {"authors", {"Yoshua Bengio"}}}}},
        {"llm", llm},
        {"output", {{"dir", "out"}}},
        {"state", {{"path", "state.db"}}},
    };
    const auto path = dir / "paperboy.json";
    REQUIRE(write_file_atomic(path, cfg.dump(2)).has_value());
    return path;
}

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST_CASE("--help tells the commands and exit codes, --version the version, bad usage exits 2") {
    const auto help = run_paperboy("--help");
    CHECK(help.exit_code == 0);
    for (const auto* word : {"run", "check", "daemon", "serve", "rebuild-site", "status", "resend", "--config", "--date", "--dry-run", "--listen",
                             "Exit status", "75", "78"}) {
        CHECK(help.out.find(word) != std::string::npos);
    }
    CHECK(run_paperboy("--version").out == "paperboy " PAPERBOY_VERSION "\n");
    const auto unknown = run_paperboy("frobnicate");
    CHECK(unknown.exit_code == exit_code::usage);
    CHECK(unknown.err.find("unknown command") != std::string::npos);
    CHECK(run_paperboy("run --date tomorrow --config /dev/null").exit_code == exit_code::usage);
    CHECK(run_paperboy("run --no-such-flag").exit_code == exit_code::usage);
}

TEST_CASE("check validates a configuration and names the offending key") {
    temp_dir dir;
    const auto good = write_config(dir, "https://rss.arxiv.org/rss/", {{"plugin", "offline"}});
    const auto ok = run_paperboy("check --config " + q(good));
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("https://rss.arxiv.org/rss/cs.LG+cs.AI") != std::string::npos);

    REQUIRE(write_file_atomic(dir / "bad.json", R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t", "top_n": "x"}]})").has_value());
    const auto bad = run_paperboy("check --config " + q(dir / "bad.json"));
    CHECK(bad.exit_code == exit_code::config);
    CHECK(bad.err.find("/profiles/0/top_n: expected an integer") != std::string::npos);
    CHECK(run_paperboy("check --config " + q(dir / "missing.json")).exit_code == exit_code::config);

    // The other sources and the batch deadline are shown as the daemon will use them.
    REQUIRE(write_file_atomic(dir / "more.json", R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}],
        "sources": [{"server": "biorxiv", "categories": ["neuroscience"]}, {"server": "medrxiv"}],
        "llm": {"plugin": "openai", "model": "gpt-4o", "api_key": "sk-x", "mode": "batch", "batch_deadline": "06:45"},
        "plugin_dir": ")" + std::string(PAPERBOY_PLUGIN_BUILD_DIR) + R"("})").has_value());
    const auto more = run_paperboy("check --config " + q(dir / "more.json"));
    INFO(more.err);
    CHECK(more.exit_code == 0);
    CHECK(more.out.find("  source:   biorxiv (neuroscience) from https://api.biorxiv.org, added to each arXiv day\n") != std::string::npos);
    CHECK(more.out.find("  source:   medrxiv (every subject area)") != std::string::npos);
    CHECK(more.out.find("; Batch API batches end by 06:45 (llm.batch_deadline)\n") != std::string::npos);
}

TEST_CASE("the shipped example and demo configurations are valid") {
    ::setenv("OPENAI_API_KEY", "sk-example-not-used", 1);  // example-openai.json reads it
    // check asks the provider for the model's shutdown date: here a local one, not api.openai.com.
    test::fake_openai provider({});
    temp_dir dir;
    auto openai = nlohmann::json::parse(read_file(test::source_dir() / "config/example-openai.json").value());
    openai["llm"]["base_url"] = provider.base_url();
    openai["profiles"][0]["topics_file"] = (test::source_dir() / "config/prompts/topics.txt").string();
    REQUIRE(write_file_atomic(dir / "example-openai.json", openai.dump(2)).has_value());
    for (const auto& path : {test::source_dir() / "config/example.json", test::source_dir() / "config/demo.json", dir / "example-openai.json"}) {
        INFO(path);
        const auto r = run_paperboy("check --config " + q(path));
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        CHECK(r.out.find("warning:") == std::string::npos);
    }
    CHECK(provider.model_list_requests() == 1);
    CHECK(provider.calls() == 0);
}

TEST_CASE("no shipped configuration or default names a model that shuts down within 90 days") {
    const auto today = today_in("UTC", std::chrono::system_clock::now());
    const auto prices = default_prices();
    std::vector<std::string> models;
    for (const auto* name : {"config/example.json", "config/demo.json", "config/example-openai.json", "config/systemd.json"}) {
        const auto j = nlohmann::json::parse(read_file(test::source_dir() / name).value());
        for (const auto* key : {"model", "title_model"}) {
            if (j.contains("llm") && j["llm"].contains(key)) models.push_back(j["llm"][key].get<std::string>());
        }
    }
    temp_dir dir;
    REQUIRE(run_paperboy("init --dir " + q(dir / "new")).exit_code == 0);
    const auto init = read_file(dir / "new/paperboy.json").value();
    const std::regex named(R"re(model\\?":\s*\\?"([A-Za-z0-9._-]+))re");
    for (std::sregex_iterator it(init.begin(), init.end(), named), end; it != end; ++it) models.push_back((*it)[1].str());
    REQUIRE_FALSE(models.empty());
    for (const auto& m : models) {
        INFO(m);
        const auto r = retirement_of(m, std::nullopt, prices, today);
        CHECK((!r || r->days_left > 90));
    }
}

TEST_CASE("run on the golden day writes the sample's selection and says where") {
    temp_dir dir;
    const auto cfg = write_config(dir, "file://" + test::golden_feed().string(), test::replay_llm());
    const auto r = run_paperboy("run --config " + q(cfg) + " --date 2025-07-23");
    REQUIRE(r.exit_code == 0);
    const auto md = dir / "out/golden/2025-07-23.md";
    CHECK(r.out.find(md.string()) != std::string::npos);
    CHECK(r.out.find("18 of 262 papers selected") != std::string::npos);
    const auto report = nlohmann::json::parse(read_file(dir / "out/golden/2025-07-23.json").value());
    std::vector<std::string> ids;
    for (const auto& p : report["papers"]) ids.push_back(p["id"]);
    CHECK(ids == test::expected_golden_order());
    CHECK(report["stats"]["total"] == 444);
    CHECK(report["stats"]["scanned"] == 262);
    CHECK(report["stats"]["failed"] == 0);
}

TEST_CASE("run fetches from an HTTP arXiv with one request, and a dry run writes nothing") {
    const auto feed = read_file(test::golden_feed()).value();
    test::fake_http_server arxiv([&](const auto&) { return test::scripted_response{200, feed, {}}; });
    temp_dir dir;
    const auto cfg = write_config(dir, arxiv.url("/rss/"), {{"plugin", "offline"}});
    const auto dry = run_paperboy("run --dry-run --config " + q(cfg) + " --date 2025-07-23");
    CHECK(dry.exit_code == 0);
    CHECK(dry.out.starts_with("# Personalized Daily ArXiv Papers 2025-07-23"));
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
    CHECK_FALSE(std::filesystem::exists(dir / "state.db"));

    const auto r = run_paperboy("run --config " + q(cfg) + " --date 2025-07-23");
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::exists(dir / "out/golden/2025-07-23.md"));
    // Without a state the dry run ranks from the day's own vocabulary: the same digest as the run.
    const auto relevant = [](const std::string& md) { return md.substr(md.find("Total relevant papers:"), 30); };
    CHECK(relevant(dry.out) == relevant(read_file(dir / "out/golden/2025-07-23.md").value()));
    const auto reqs = arxiv.requests();
    REQUIRE(reqs.size() == 2);  // the dry run and the real run; nothing else
    CHECK(reqs[1].target == "/rss/cs.LG+cs.AI");

    // Once the day is stored, a dry run reads it and the score cache: no request, nothing written,
    // even after arXiv's feed has moved on.
    const auto before = read_file(dir / "out/golden/2025-07-23.md").value();
    const auto runs_before = run_paperboy("status --config " + q(cfg)).out;
    const auto again = run_paperboy("run --dry-run --config " + q(cfg) + " --date 2025-07-23");
    CHECK(again.exit_code == 0);
    CHECK(again.out.starts_with("# Personalized Daily ArXiv Papers 2025-07-23"));
    CHECK(again.err.find("loaded from the state database") != std::string::npos);
    CHECK(arxiv.requests().size() == 2);
    CHECK(read_file(dir / "out/golden/2025-07-23.md").value() == before);
    CHECK(run_paperboy("status --config " + q(cfg)).out == runs_before);  // no run recorded
}

TEST_CASE("exit codes: no announcement 3, broken feed 1, arXiv unavailable 75, stale feed 75") {
    temp_dir dir;
    const auto feeds = test::data_dir() / "feeds";
    auto run_with = [&](const std::string& url, const std::string& date) {
        const auto cfg = write_config(dir, url, {{"plugin", "offline"}});
        return run_paperboy("run -q --config " + q(cfg) + " --date " + date);
    };
    const auto holiday = run_with("file://" + (feeds / "holiday-empty-2025-12-25.xml").string(), "2025-12-25");
    CHECK(holiday.exit_code == exit_code::no_announcement);
    CHECK(holiday.err.find("no announcement") != std::string::npos);

    const auto broken = run_with("file://" + (feeds / "truncated-malformed.xml").string(), "2025-07-23");
    CHECK(broken.exit_code == exit_code::failure);
    CHECK(broken.err.find("malformed feed") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "out"));

    test::fake_http_server down([](const auto&) { return test::scripted_response{503, "maintenance", {}}; });
    const auto unavailable = run_with(down.url("/rss/"), "2025-07-23");
    CHECK(unavailable.exit_code == exit_code::temporary);
    CHECK(unavailable.err.find("503") != std::string::npos);

    const auto stale = run_with("file://" + test::golden_feed().string(), "2025-07-24");
    CHECK(stale.exit_code == exit_code::temporary);
    CHECK(stale.err.find("still carries 2025-07-23") != std::string::npos);
    CHECK(stale.err.find("this file carries 2025-07-23: run it with --date 2025-07-23") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_CASE("run with the openai plugin reproduces the sample's 18 papers, the second run and a preview spend nothing") {
    const auto answers = nlohmann::json::parse(read_file(test::data_dir() / "days/2025-07-23/answers.json").value());
    test::fake_openai fake({.answers = answers, .prefix_cache = true});
    temp_dir dir;
    const std::string key = "sk-cli-secret-9876543210";
    REQUIRE(write_file_atomic(dir / "openai.key", key + "\n").has_value());
    const nlohmann::json cfg{
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}}},
        {"profiles", {{{"name", "golden"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()},
                       {"authors", {"Yoshua Bengio"}}}}},
        {"llm", {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}, {"api_key_file", "openai.key"},
                 {"concurrency", 4}, {"retry_delay_ms", 10}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", "out"}}},
        {"state", {{"path", "state.db"}}},
    };
    REQUIRE(write_file_atomic(dir / "paperboy.json", cfg.dump(2)).has_value());

    const auto check = run_paperboy("check --config " + q(dir / "paperboy.json"));
    CHECK(check.exit_code == 0);
    CHECK(check.out.find("openai loaded") != std::string::npos);

    const auto first = run_paperboy("run -v --config " + q(dir / "paperboy.json") + " --date 2025-07-23");
    REQUIRE(first.exit_code == 0);
    // 261 titles in 2 calls of at most 200, 8 batches of 33 (2 rounds of 4 workers), then the
    // 18 selected papers' TL;DRs in 2 calls.
    CHECK(fake.calls() == 12);
    const auto first_report = nlohmann::json::parse(read_file(dir / "out/golden/2025-07-23.json").value());
    for (const auto& p : first_report["papers"]) CHECK(p["tldr"] == "Summary of " + p["id"].get<std::string>() + ".");
    // Progress: a line per tenth of the papers, and the dollars in the summary.
    int progress_lines = 0;
    for (auto at = first.err.find("[openai] scoring: "); at != std::string::npos; at = first.err.find("[openai] scoring: ", at + 1)) ++progress_lines;
    CHECK(progress_lines >= 5);
    CHECK(progress_lines <= 10);
    CHECK(first.err.find("[openai] scoring: 100% (261 of 261 papers), 10 calls, ") != std::string::npos);
    CHECK(first.out.find("paperboy: 2025-07-23 [golden]: 18 of 262 papers selected, $0.") != std::string::npos);
    // One figure for the day's tokens (scoring and TL;DRs), the same in the summary, the log and the report.
    const auto billed = std::to_string(fake.prompt_tokens() + fake.completion_tokens()) + " tokens billed for the day";
    CHECK(test::count_of(first.out, billed) == 1);
    CHECK(test::count_of(first.err, billed) == 1);
    const auto report = nlohmann::json::parse(read_file(dir / "out/golden/2025-07-23.json").value());
    std::vector<std::string> ids;
    for (const auto& p : report["papers"]) ids.push_back(p["id"]);
    CHECK(ids == test::expected_golden_order());
    CHECK(report["model"] == "gpt-4o");
    CHECK(report["stats"]["prompt_tokens"].get<long>() == fake.prompt_tokens());
    CHECK(report["stats"]["cached_tokens"].get<long>() > 0);
    CHECK(report["stats"]["cost_usd"].get<double>() > 0);
    CHECK(first.err.find(key) == std::string::npos);
    CHECK(first.out.find(key) == std::string::npos);
    const auto md = read_file(dir / "out/golden/2025-07-23.md").value();
    CHECK(md.find("| *[gpt-4o]*") != std::string::npos);
    CHECK(md.find(key) == std::string::npos);

    const auto second = run_paperboy("run --config " + q(dir / "paperboy.json") + " --date 2025-07-23");
    CHECK(second.exit_code == 0);
    CHECK(fake.calls() == 12);  // the TL;DRs come from the cache too
    CHECK(read_file(dir / "out/golden/2025-07-23.md").value() == md);

    // preview: the same topics cost nothing; trial topics pay only for the prompts they change,
    // and neither writes a report, the archive, the ledger or the state.
    const auto state_before = read_file(dir / "state.db").value();
    const auto status_before = run_paperboy("status --all --config " + q(dir / "paperboy.json")).out;
    const auto same = run_paperboy("preview -q --config " + q(dir / "paperboy.json") + " --date 2025-07-23");
    INFO(same.err);
    CHECK(same.exit_code == 0);
    CHECK(same.out.find("preview of 2025-07-23 [golden]: 18 papers (the digest of that day had 18)") != std::string::npos);
    CHECK(same.out.find("18 stay, 0 enter, 0 leave") != std::string::npos);
    CHECK(same.out.find("scored: 0 now (gpt-4o), 261 from the cache; nothing was written") != std::string::npos);
    CHECK(fake.calls() == 12);
    REQUIRE(write_file_atomic(dir / "trial.txt", "Diffusion models for protein design.\n").has_value());
    const auto trial = run_paperboy("preview -q --config " + q(dir / "paperboy.json") + " --date 2025-07-23 --topics " + q(dir / "trial.txt"));
    CHECK(trial.exit_code == 0);
    CHECK(trial.out.find("with the topics of ") != std::string::npos);
    CHECK(trial.out.find("scored: 261 now (gpt-4o), 0 from the cache") != std::string::npos);
    CHECK(fake.calls() == 22);  // a preview writes no TL;DRs
    CHECK(read_file(dir / "out/golden/2025-07-23.md").value() == md);
    CHECK(read_file(dir / "state.db").value() == state_before);
    CHECK(run_paperboy("status --all --config " + q(dir / "paperboy.json")).out == status_before);
    const auto missing = run_paperboy("preview --config " + q(dir / "paperboy.json") + " --date 2025-07-22");
    CHECK(missing.exit_code == exit_code::failure);  // a day not stored is no mistake on the command line
    CHECK(missing.err.find("paperboy: not found: no stored day 2025-07-22") != std::string::npos);
}

TEST_CASE("run --date: a weekend says arXiv does not announce (exit 3), a future day is a usage error (exit 2)") {
    temp_dir dir;
    const auto cfg = write_config(dir, "file://" + test::golden_feed().string(), test::replay_llm());
    const auto saturday = run_paperboy("run --config " + q(cfg) + " --date 2025-07-26");
    CHECK(saturday.exit_code == exit_code::no_announcement);
    CHECK(saturday.err.find("arXiv does not announce on Saturdays: 2025-07-26 is a Saturday") != std::string::npos);
    CHECK(run_paperboy("run --config " + q(cfg) + " --date 2025-07-27").err.find("Sundays") != std::string::npos);
    const auto future = run_paperboy("run --config " + q(cfg) + " --date 2999-01-04");
    CHECK(future.exit_code == exit_code::usage);
    CHECK(future.err.find("is in the future") != std::string::npos);
    CHECK(future.err.find("not been updated") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "state.db"));  // nothing was fetched or stored
}

TEST_CASE("check prints nothing before every check passed, exits 78 for a plugin that is not installed, and suggests keys") {
    temp_dir dir;
    const auto unknown = write_config(dir, "https://rss.arxiv.org/rss/", {{"plugin", "opnai"}, {"model", "gpt-4o"}, {"plugin_dir_unused", 1}});
    nlohmann::json j = nlohmann::json::parse(read_file(unknown).value());
    j["llm"] = {{"plugin", "opnai"}, {"model", "gpt-4o"}};
    j["plugin_dir"] = PAPERBOY_PLUGIN_BUILD_DIR;
    write_file_atomic(unknown, j.dump()).value();
    const auto r = run_paperboy("check --config " + q(unknown));
    CHECK(r.exit_code == exit_code::config);
    CHECK(r.out.find("configuration OK") == std::string::npos);
    CHECK(r.err.find("/llm/plugin: plugin 'opnai' not found") != std::string::npos);
    CHECK(r.err.find("found: discord, email, feishu, matrix, openai, slack, teams, telegram, webhook") != std::string::npos);
    CHECK(r.err.find("(did you mean 'openai'?)") != std::string::npos);

    j["llm"] = {{"plugin", "openai"}, {"model", "gpt-4o"}, {"tempreature", 0.2}};
    write_file_atomic(unknown, j.dump()).value();
    const auto key = run_paperboy("check --config " + q(unknown));
    CHECK(key.exit_code == exit_code::config);
    CHECK(key.out.find("configuration OK") == std::string::npos);
    CHECK(key.err.find(unknown.string() + ": /llm/tempreature: unknown key") != std::string::npos);
    CHECK(key.err.find("the openai plugin accepts: model, base_url") != std::string::npos);
    CHECK(key.err.find("(did you mean 'temperature'?)") != std::string::npos);

    j["llm"] = {{"plugin", "offline"}};
    j["channels"] = {{"mail", {{"plugin", "email"}, {"smtp_url", "smtp://127.0.0.1:1"}, {"from", "a@example.org"}, {"to", {"b@example.org"}}, {"bc", {"c@example.org"}}}}};
    write_file_atomic(unknown, j.dump()).value();
    const auto channel = run_paperboy("check --config " + q(unknown));
    CHECK(channel.exit_code == exit_code::config);
    CHECK(channel.out.find("configuration OK") == std::string::npos);
    CHECK(channel.err.find("/channels/mail/bc: unknown key") != std::string::npos);
    CHECK(channel.err.find("(did you mean 'cc'?)") != std::string::npos);

    // 1e400 used to be an "internal error" (exit 1).
    write_file_atomic(unknown, R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t", "top_n": 1e400}]})").value();
    const auto huge = run_paperboy("check --config " + q(unknown));
    CHECK(huge.exit_code == exit_code::config);
    CHECK(huge.err.find("/profiles/0/top_n: number out of range") != std::string::npos);
}

TEST_CASE("run --estimate says what a day will cost without calling the model, within 10% of what the run then bills") {
    const auto answers = nlohmann::json::parse(read_file(test::data_dir() / "days/2025-07-23/answers.json").value());
    test::fake_openai fake({.answers = answers, .prefix_cache = true});
    temp_dir dir;
    auto cfg = write_config(dir, "file://" + test::golden_feed().string(),
                            {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}, {"api_key", "sk-test"}});
    // Before any run, when a reader wants the price most: the day is fetched, nothing stored.
    const auto first = run_paperboy("run --estimate --config " + q(cfg) + " --date 2025-07-23");
    INFO(first.out << first.err);
    CHECK(first.exit_code == 0);
    CHECK(first.out.find("estimate for 2025-07-23 [golden] with gpt-4o (fetched from arXiv, not stored; no model is called)") != std::string::npos);
    CHECK(first.out.find("papers to score: 261 (0 from the cache)") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "out/golden/2025-07-23.md"));
    const auto offline = write_config(dir, "file://" + test::golden_feed().string(), {{"plugin", "offline"}});
    REQUIRE(run_paperboy("run --config " + q(offline) + " --date 2025-07-23").exit_code == 0);  // stores the day
    cfg = write_config(dir, "file://" + test::golden_feed().string(),
                       {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}, {"api_key", "sk-test"}});
    const auto est = run_paperboy("run --estimate --config " + q(cfg));
    INFO(est.out << est.err);
    CHECK(est.exit_code == 0);
    CHECK(fake.calls() == 0);
    CHECK(est.out.find("estimate for 2025-07-23 [golden] with gpt-4o (the last stored day; no model is called)") != std::string::npos);
    CHECK(est.out.find("papers to score: 261 (0 from the cache)") != std::string::npos);
    const auto number_after = [&](const std::string& label) {
        const auto at = est.out.find(label);
        REQUIRE(at != std::string::npos);
        return std::stod(est.out.substr(at + label.size()));
    };
    const double calls = number_after("calls:           "), prompt = number_after("prompt tokens:   "), cost = number_after("cost:            about $");
    const auto check = run_paperboy("check --config " + q(cfg));
    CHECK(check.out.find("estimate: 2025-07-23 [golden]: " + std::to_string(static_cast<int>(calls)) + " calls") != std::string::npos);

    // In batch mode everything costs half: the title pass, the abstracts and the TL;DRs.
    const auto batch_cfg = write_config(dir, "file://" + test::golden_feed().string(),
                                        {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}, {"api_key", "sk-test"}, {"mode", "batch"}});
    const auto batch_est = run_paperboy("run --estimate --config " + q(batch_cfg) + " --date 2025-07-23").out;
    CHECK(batch_est.find("2 TL;DR); the titles, abstracts and TL;DRs through the Batch API, at half the price") != std::string::npos);
    const auto batch_cost = std::stod(batch_est.substr(batch_est.find("cost:            about $") + 24));
    CHECK(batch_cost > 0.49 * cost);
    CHECK(batch_cost < 0.51 * cost);
    write_config(dir, "file://" + test::golden_feed().string(), {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}, {"api_key", "sk-test"}});

    REQUIRE(run_paperboy("run --config " + q(cfg) + " --date 2025-07-23").exit_code == 0);
    const auto report = nlohmann::json::parse(read_file(dir / "out/golden/2025-07-23.json").value());
    CHECK(calls == fake.calls());
    const double billed_prompt = report["stats"]["prompt_tokens"].get<double>();
    const double billed = report["stats"]["cost_usd"].get<double>();
    INFO("estimated " << prompt << " prompt tokens, $" << cost << "; billed " << billed_prompt << ", $" << billed);
    CHECK(std::abs(prompt - billed_prompt) <= 0.10 * billed_prompt);
    CHECK(std::abs(cost - billed) <= 0.10 * billed);
    // Once scored, the same day costs nothing.
    CHECK(run_paperboy("run --estimate --config " + q(cfg) + " --date 2025-07-23").out.find("every score is in the cache") != std::string::npos);
}

namespace {
nlohmann::json openai_day_config(const test::fake_openai& fake) {
    return {
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}}},
        {"profiles", {{{"name", "golden"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}, {"authors", {"Yoshua Bengio"}}}}},
        {"llm", {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", fake.base_url()}, {"api_key", "sk-test"}, {"retry_delay_ms", 1}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", "out"}}},
        {"state", {{"path", "state.db"}}},
    };
}
}  // namespace

TEST_CASE("run with a key the provider refuses exits 78 naming /llm/api_key, never 75 'try later'") {
    test::fake_openai fake({.answers = nlohmann::json::object(), .script = [](const test::openai_call&) -> std::optional<test::scripted_response> {
        return test::scripted_response{401, R"({"error": {"code": "invalid_api_key", "message": "Incorrect API key provided: sk-typo-1234."}})", {}};
    }});
    temp_dir dir;
    auto cfg = openai_day_config(fake);
    cfg["llm"]["api_key"] = "sk-typo-1234";
    REQUIRE(write_file_atomic(dir / "paperboy.json", cfg.dump(2)).has_value());
    const auto r = run_paperboy("run --config " + q(dir / "paperboy.json") + " --date 2025-07-23");
    CHECK(r.exit_code == exit_code::config);
    CHECK(r.err.find("/llm/api_key: the provider refused this key") != std::string::npos);
    CHECK(r.err.find("sk-typo-1234") == std::string::npos);
    CHECK(fake.calls() <= 4);  // one per worker at most: no retries
}


TEST_CASE("a model the provider shuts down in 10 days: check warns and the digest says so, once shut down it is never called (exit 78)") {
    const auto answers = nlohmann::json::parse(read_file(test::data_dir() / "days/2025-07-23/answers.json").value());
    {
        test::fake_openai fake({.answers = answers, .models = {{"gpt-4o", test::iso_day_from_today(10)}}});
        temp_dir dir;
        REQUIRE(write_file_atomic(dir / "paperboy.json", openai_day_config(fake).dump(2)).has_value());
        const auto check = run_paperboy("check --config " + q(dir / "paperboy.json"));
        CHECK(check.exit_code == 0);
        CHECK(check.out.find("warning:  the provider shuts gpt-4o down on " + test::iso_day_from_today(10) + ", in 10 days (the provider's model list)") !=
              std::string::npos);
        const auto r = run_paperboy("run --config " + q(dir / "paperboy.json") + " --date 2025-07-23");
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(read_file(dir / "out/golden/2025-07-23.md").value().find("Model: the provider shuts gpt-4o down") != std::string::npos);
        CHECK(test::count_of(r.err, "shuts gpt-4o down") == 1);  // warned once, with the provider's date
    }
    test::fake_openai gone({.answers = answers, .models = {{"gpt-4o", test::iso_day_from_today(-1)}}});
    temp_dir dir;
    REQUIRE(write_file_atomic(dir / "paperboy.json", openai_day_config(gone).dump(2)).has_value());
    const auto r = run_paperboy("run --config " + q(dir / "paperboy.json") + " --date 2025-07-23");
    CHECK(r.exit_code == exit_code::config);
    CHECK(r.err.find("/llm/model: the provider shut gpt-4o down on " + test::iso_day_from_today(-1)) != std::string::npos);
    CHECK(gone.calls() == 0);
}

TEST_CASE("check says why an http public_url gets no one-click unsubscribe in the emails") {
    temp_dir dir;
    nlohmann::json cfg{
        {"arxiv", {{"categories", {"cs.LG"}}}},
        {"profiles", {{{"name", "lab"}, {"topics", "Sparse attention."}, {"channels", {"mail"}}}}},
        {"channels", {{"mail", {{"plugin", "email"}, {"smtp_url", "smtp://127.0.0.1:25"}, {"tls", "none"}, {"from", "paperboy <d@lab.example.org>"}, {"to", {"ada@example.org"}}}}}},
        {"server", {{"public_url", "http://digest.lab.example.org/"}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", "out"}}},
        {"state", {{"path", "state.db"}}},
    };
    REQUIRE(write_file_atomic(dir / "http.json", cfg.dump(2)).has_value());
    const auto http = run_paperboy("check --config " + q(dir / "http.json"));
    CHECK(http.exit_code == 0);
    CHECK(http.out.find("one-click unsubscribe (RFC 8058) only for https links") != std::string::npos);
    cfg["server"]["public_url"] = "https://digest.lab.example.org/";
    REQUIRE(write_file_atomic(dir / "https.json", cfg.dump(2)).has_value());
    CHECK(run_paperboy("check --config " + q(dir / "https.json")).out.find("RFC 8058") == std::string::npos);
}
