#include "config/config.hpp"

#include "core/files.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace paperboy;

namespace {
const std::string minimal = R"({
  "arxiv": {"categories": ["cs.LG", "cs.AI"]},
  "profiles": [{"name": "me", "topics": "Sparse models"}]
})";

std::string error_of(std::string_view json, const std::filesystem::path& base = "/base") {
    const auto c = parse_config(json, base);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().code == errc::config_invalid);
    return c.error().detail;
}
}  // namespace

TEST_CASE("a minimal configuration gets the documented defaults") {
    const auto c = parse_config(minimal, "/etc/paperboy").value();
    CHECK(c.arxiv.feed_url == "https://rss.arxiv.org/rss/");
    CHECK(c.arxiv.announce_types == std::vector{announce_type::new_submission, announce_type::cross_list});
    REQUIRE(c.profiles.size() == 1);
    CHECK(c.profiles[0].relevance_cutoff == 8);
    CHECK(c.profiles[0].novelty_cutoff == 7);
    CHECK(c.profiles[0].top_n == 0);
    CHECK(c.llm.plugin == "offline");
    CHECK(c.llm.model == "offline");
    CHECK(c.llm.prompts.system.starts_with("You are a helpful paper reading assistant"));
    CHECK(c.output_dir == "/etc/paperboy/out");
    CHECK(c.state_path == "/etc/paperboy/paperboy.db");
    CHECK(c.schedule.timezone == "America/New_York");
}

TEST_CASE("errors name the JSON pointer of the offending value") {
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t", "top_n": "5"}]})") ==
          "/profiles/0/top_n: expected an integer, got string");
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t", "colour": 1}]})") ==
          "/profiles/0/colour: unknown key");
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], "extra": 1})") ==
          "/extra: unknown key");
    CHECK(error_of(R"({"arxiv": {"categories": []}, "profiles": [{"name": "a", "topics": "t"}]})")
              .starts_with("/arxiv/categories: at least one"));
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"], "announce_types": ["new", "old"]}, "profiles": [{"name": "a", "topics": "t"}]})")
              .starts_with("/arxiv/announce_types/1:"));
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t", "relevance_cutoff": 11}]})") ==
          "/profiles/0/relevance_cutoff: must be between 1 and 10");
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a b", "topics": "t"}]})")
              .starts_with("/profiles/0/name:"));
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a"}]})").starts_with("/profiles/0/topics:"));
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": []})").starts_with("/profiles:"));
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], "schedule": {"timezone": "Mars/Olympus"}})")
              .starts_with("/schedule/timezone:"));
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], "llm": {"plugin": "openai"}})")
              .starts_with("/llm/model: required for the openai plugin"));
    // A misspelt plugin is named first, not the model it would need.
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], "llm": {"plugin": "openia"}})") ==
          "/llm/plugin: 'openia' is not a plugin paperboy ships (offline and replay are built in, openai is a plugin; did you mean 'openai'?)");
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], "llm": {"plugin": "ofline"}})")
              .ends_with("did you mean 'offline'?)"));
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], "llm": {"plugin": "../evil"}})")
              .starts_with("/llm/plugin:"));
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], "llm": {"batch_size": 101}})") ==
          "/llm/batch_size: must be between 0 and 100");
    CHECK(error_of("{not json").starts_with("/: not valid JSON"));
}

TEST_CASE("a file with several mistakes reports each with its pointer, up to a bound") {
    const auto all = error_of(R"({"arxiv": {"categories": ["cs.LG"], "announce_types": ["old"]},
        "llm": {"batch_size": 101},
        "profiles": [{"name": "a", "topics": "t", "top_n": "5"}, {"name": "b", "topics": "t", "channels": ["nope"]}],
        "channels": {"x": {"plugin": "slack", "webhook_url": "${PAPERBOY_TEST_NEVER_SET}"}, "y": {}},
        "schedule": {"timezone": "Mars/Olympus"}, "extra": 1})");
    CHECK(all.starts_with("8 problems:\n  /arxiv/announce_types/0:"));
    for (const auto* pointer : {"\n  /llm/batch_size: ", "\n  /profiles/0/top_n: ", "\n  /profiles/1/channels/0: no channel named 'nope'",
                                "\n  /channels/x/webhook_url: ", "\n  /channels/y/plugin: ", "\n  /schedule/timezone: ", "\n  /extra: unknown key"}) {
        CHECK(all.find(pointer) != std::string::npos);
    }
    std::string many = R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [)";
    for (int i = 0; i < 30; ++i) many += std::string(i ? "," : "") + R"({"name": "p", "topics": "t", "top_n": "x"})";
    const auto bounded = error_of(many + "]}");
    CHECK(bounded.starts_with("30 problems:"));
    CHECK(bounded.ends_with("\n  ... and 10 more"));
    CHECK(error_of("[1, 2]") == "/: expected an object, got array");
}

TEST_CASE("llm.batch_deadline: a time of day for the daemon, or minutes after submission, and a clear error otherwise") {
    const std::string head = R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], )";
    const std::string llm = R"("llm": {"plugin": "openai", "model": "gpt-4o", "mode": "batch", )";
    const auto c = parse_config(head + llm + R"("batch_deadline": "07:15"}})", "/base").value();
    CHECK(c.llm.batch_deadline == std::chrono::seconds(7 * 3600 + 15 * 60));
    const auto m = parse_config(head + llm + R"("batch_deadline": 90}})", "/base").value();
    CHECK_FALSE(m.llm.batch_deadline);
    CHECK(m.llm.batch_max_wait == std::chrono::minutes(90));
    CHECK(error_of(head + llm + R"("batch_deadline": "7 am"}})") ==
          "/llm/batch_deadline: expected a time of day \"HH:MM\" in schedule.timezone (the daemon cancels an unfinished batch then) or "
          "minutes after submission, e.g. 120, got \"7 am\"");
    CHECK(error_of(head + llm + R"("batch_deadline": 3000}})").ends_with("(at most 1440, a day)"));
    CHECK(error_of(head + llm + R"("batch_deadline": 30, "batch_max_wait_minutes": 30}})") ==
          "/llm/batch_deadline: batch_max_wait_minutes says the same; keep one of them");
    CHECK(error_of(head + R"("llm": {"plugin": "openai", "model": "gpt-4o", "batch_deadline": "07:00"}})")
              .starts_with("/llm/batch_deadline: only with \"mode\": \"batch\""));
    CHECK(error_of(head + llm + R"("batch_deadline": "00:30"}})").starts_with("/llm/batch_deadline: is schedule.time itself"));
}

TEST_CASE("sources: bioRxiv and medRxiv beside arXiv, each with its subject areas, and errors that name the entry") {
    const std::string head = R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], )";
    const auto c = parse_config(head + R"("sources": [{"server": "arxiv"}, {"server": "biorxiv", "categories": ["neuroscience", "cell_biology"]},
                                                     {"server": "medrxiv", "api_url": "http://127.0.0.1:9/"}]})", "/base").value();
    REQUIRE(c.preprints.size() == 2);
    CHECK(c.preprints[0].server == "biorxiv");
    CHECK(c.preprints[0].categories == std::vector<std::string>{"neuroscience", "cell_biology"});
    CHECK(c.preprints[0].api_url == "https://api.biorxiv.org");
    CHECK(c.preprints[1].categories.empty());
    // medRxiv's own subject names, with a slash and parentheses.
    const auto med = parse_config(head + R"j("sources": [{"server": "medrxiv", "categories": ["Infectious Diseases (except HIV/AIDS)", "HIV/AIDS"]}]})j", "/base").value();
    CHECK(med.preprints[0].categories == std::vector<std::string>{"Infectious Diseases (except HIV/AIDS)", "HIV/AIDS"});
    CHECK(c.preprints[1].api_url == "http://127.0.0.1:9/");
    CHECK(parse_config(minimal, "/base").value().preprints.empty());
    CHECK(error_of(head + R"("sources": [{"server": "pubmed"}]})") == "/sources/0/server: must be \"arxiv\", \"biorxiv\" or \"medrxiv\"");
    CHECK(error_of(head + R"("sources": [{"server": "biorxiv"}, {"server": "biorxiv"}]})") == "/sources/1/server: listed twice");
    CHECK(error_of(head + R"("sources": [{"server": "biorxiv", "categories": ["neuro<script>"]}]})").starts_with("/sources/0/categories/0: expected a biorxiv subject area"));
    CHECK(error_of(head + R"("sources": [{"server": "biorxiv", "api_url": "file:///etc"}]})").starts_with("/sources/0/api_url:"));
    CHECK(error_of(head + R"("sources": [{"server": "arxiv", "categories": ["cs.LG"]}]})") == "/sources/0/categories: unknown key");
    CHECK(error_of(head + R"("sources": {"server": "biorxiv"}})").starts_with("/sources: expected an array"));
}

TEST_CASE("hostile configurations are configuration errors with a pointer, never internal errors") {
    const auto with = [](const std::string& profile_extra, const std::string& top = "") {
        return R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t")" + profile_extra + "}]" + top + "}";
    };
    // 1e400 made `check` exit 1 with "internal error" and killed the daemon on SIGHUP.
    CHECK(error_of(with(R"(, "top_n": 1e400)")).starts_with("/profiles/0/top_n: number out of range"));
    CHECK(error_of(with("", R"(, "llm": {"max_cost_usd": 1e400})")).starts_with("/llm/max_cost_usd: number out of range"));
    CHECK(error_of(with(R"(, "top_n": 99999999999999999999)")).starts_with("/profiles/0/top_n:"));
    CHECK(error_of(with("", R"(, "delivery": {"retry_delay_seconds": 1e300})")).starts_with("/delivery/retry_delay_seconds: must be between"));
    CHECK(error_of(with("", R"(, "schedule": {"retry_every_minutes": 1e300})")).starts_with("/schedule/retry_every_minutes: must be between"));
    // Duplicate keys: JSON parsers silently keep one; we name it.
    CHECK(error_of(with(R"(, "top_n": 3, "top_n": 5)")) == "/profiles/0/top_n: given twice; keep one (JSON objects have unique keys)");
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "arxiv": {"categories": ["cs.AI"]}, "profiles": []})")
              .starts_with("/arxiv: given twice"));
    // Near misses get a suggestion.
    CHECK(error_of(with(R"(, "relevance_cutof": 7)")) == "/profiles/0/relevance_cutof: unknown key (did you mean 'relevance_cutoff'?)");
    CHECK(error_of(with("", R"(, "llm": {"on_failure": "retry"})")).starts_with("/llm/on_failure: must be"));
    CHECK(error_of(with("", R"(, "llm": {"on_failure": "hold", "fallback": "offline"})")).starts_with("/llm/fallback: contradicts"));
}

TEST_CASE("arXiv categories are checked against arXiv's list, with a suggestion") {
    const auto cats = [](const std::string& list) {
        return R"({"arxiv": {"categories": [)" + list + R"(]}, "profiles": [{"name": "a", "topics": "t"}]})";
    };
    CHECK(parse_config(cats(R"("cs.LG", "math.AP", "astro-ph.GA", "q-bio.NC", "cond-mat.mes-hall", "hep-th", "stat.ML", "physics.acc-ph")"), "/").has_value());
    CHECK(error_of(cats(R"("cs.LG", "cs.lg")")) == "/arxiv/categories/1: 'cs.lg' is not an arXiv category (did you mean 'cs.LG'?)");
    CHECK(error_of(cats(R"("cz.LG")")).find("did you mean 'cs.LG'?") != std::string::npos);
    CHECK(error_of(cats(R"("hep-th.XX")")).find("has no subject classes") != std::string::npos);
    // A class of the right form that arXiv does not have: its feed would answer 400 every day.
    CHECK(error_of(cats(R"("cs.XX")")) ==
          "/arxiv/categories/0: 'cs.XX' is not an arXiv category (the subject classes of cs are AI, AR, CC, CE, CG, CL, CR, CV, "
          "CY, DB, DC, DL, DM, DS, ET, FL, GL, GR, GT, HC, IR, IT, LG, LO, MA, MM, MS, NA, NE, NI, OH, OS, PF, PL, RO, SC, SD, SE, SI, SY)");
    CHECK(error_of(cats(R"("cs.LX")")) == "/arxiv/categories/0: 'cs.LX' is not an arXiv category (did you mean 'cs.LG'?)");
    CHECK(error_of(cats(R"("cond-mat.mes-hal")")).find("did you mean 'cond-mat.mes-hall'?") != std::string::npos);
    CHECK(error_of(cats(R"("stat.XY")")).find("are AP, CO, ME, ML, OT, TH)") != std::string::npos);
    CHECK(parse_config(cats(R"("cs", "eess.IV", "q-fin.ST", "nlin.CD", "econ.EM", "physics.optics", "cond-mat.str-el")"), "/").has_value());
    CHECK(error_of(cats(R"("cs.LG+cs.AI")")).starts_with("/arxiv/categories/0:"));
    CHECK(error_of(cats(R"("<b>")")).starts_with("/arxiv/categories/0:"));
}

TEST_CASE("files named by *_file keys are read with a size bound") {
    test::temp_dir dir;
    REQUIRE(write_file_atomic(dir / "huge.txt", std::string((1 << 20) + 10, 'x')).has_value());
    const auto e = error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics_file": "huge.txt"}]})", dir.path());
    CHECK(e.starts_with("/profiles/0/topics_file: "));
    CHECK(e.find("larger than") != std::string::npos);
    // /dev/zero once read until memory ran out.
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics_file": "/dev/zero"}]})")
              .find("larger than") != std::string::npos);
}

TEST_CASE("plugin keys go to the plugin, secrets resolved, built-in scorers reject unknown keys") {
    ::setenv("PAPERBOY_TEST_KEY", "sk-test-123", 1);
    const auto c = parse_config(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}],
        "llm": {"plugin": "openai", "model": "gpt-4o-mini", "api_key": "${PAPERBOY_TEST_KEY}", "base_url": "http://127.0.0.1:1/v1",
                "temperature": 0, "concurrency": 8, "fallback": "offline", "max_cost_usd": 0.5}})", "/").value();
    CHECK(c.llm.concurrency == 8);
    CHECK(c.llm.on_failure == scoring_failure_policy::offline);
    CHECK(c.llm.max_cost_usd == 0.5);
    CHECK(c.llm.plugin_settings == nlohmann::json{{"model", "gpt-4o-mini"}, {"api_key", "sk-test-123"},
                                                  {"base_url", "http://127.0.0.1:1/v1"}, {"temperature", 0}});
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}], "llm": {"base_url": "x"}})") ==
          "/llm/base_url: unknown key");
}

TEST_CASE("channel settings are resolved at load time, so check catches a missing secret") {
    ::setenv("PAPERBOY_TEST_HOOK", "https://hooks.slack.com/services/T/B/x", 1);
    ::unsetenv("PAPERBOY_TEST_NO_HOOK");
    const auto c = parse_config(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t", "channels": ["lab"]}],
        "channels": {"lab": {"plugin": "slack", "webhook_url": "${PAPERBOY_TEST_HOOK}", "top_n": 5}}})", "/").value();
    REQUIRE(c.channels.size() == 1);
    CHECK(c.channels[0].plugin == "slack");
    CHECK(c.channels[0].settings == nlohmann::json{{"webhook_url", "https://hooks.slack.com/services/T/B/x"}, {"top_n", 5}});
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}],
        "channels": {"lab": {"plugin": "slack", "webhook_url": "${PAPERBOY_TEST_NO_HOOK}"}}})") ==
          "/channels/lab/webhook_url: environment variable PAPERBOY_TEST_NO_HOOK is not set");
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "t"}],
        "channels": {"lab": {"webhook_url": "x"}}})") == "/channels/lab/plugin: every channel needs a plugin name");
}

TEST_CASE("profiles may only name channels that exist") {
    const auto json = R"({"arxiv": {"categories": ["cs.LG"]},
        "channels": {"lab": {"plugin": "slack", "webhook_url": "https://hooks.example/x"}},
        "profiles": [{"name": "a", "topics": "t", "channels": ["lab", "inbox"]}]})";
    CHECK(error_of(json) == "/profiles/0/channels/1: no channel named 'inbox' in /channels");
}

TEST_CASE("${VAR} expands from the environment, a missing variable is an error naming it") {
    ::setenv("PAPERBOY_TEST_TOPICS", "Quantization and pruning", 1);
    ::unsetenv("PAPERBOY_TEST_MISSING");
    const auto ok = parse_config(R"({"arxiv": {"categories": ["cs.LG"]},
        "profiles": [{"name": "a", "topics": "I like ${PAPERBOY_TEST_TOPICS}, not $${HOME}"}]})", "/").value();
    CHECK(ok.profiles[0].topics == "I like Quantization and pruning, not ${HOME}");
    CHECK(error_of(R"({"arxiv": {"categories": ["cs.LG"]}, "profiles": [{"name": "a", "topics": "${PAPERBOY_TEST_MISSING}"}]})") ==
          "/profiles/0/topics: environment variable PAPERBOY_TEST_MISSING is not set");
}

TEST_CASE("<key>_file reads the value from a file relative to the config, and paths resolve there") {
    test::temp_dir dir;
    REQUIRE(write_file_atomic(dir / "topics.txt", "Mixture of experts\n").has_value());
    const auto cfg_path = dir / "paperboy.json";
    REQUIRE(write_file_atomic(cfg_path, R"({"arxiv": {"categories": ["cs.LG"], "feed_url": "file://feeds/today.xml"},
        "profiles": [{"name": "a", "topics_file": "topics.txt"}],
        "output": {"dir": "reports"}, "state": {"path": "/var/lib/paperboy/state.db"}})").has_value());
    const auto c = load_config(cfg_path).value();
    CHECK(c.profiles[0].topics == "Mixture of experts");
    CHECK(c.output_dir == dir.path() / "reports");
    CHECK(c.state_path == "/var/lib/paperboy/state.db");
    CHECK(c.arxiv.feed_url == "file://" + (dir.path() / "feeds/today.xml").string());

    REQUIRE(write_file_atomic(cfg_path, R"({"arxiv": {"categories": ["cs.LG"]},
        "profiles": [{"name": "a", "topics": "x", "topics_file": "topics.txt"}]})").has_value());
    const auto both = load_config(cfg_path);
    REQUIRE_FALSE(both.has_value());
    CHECK(both.error().detail.find("/profiles/0/topics: give either topics or topics_file") != std::string::npos);

    const auto missing = load_config(dir / "nope.json");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == errc::config_invalid);
    CHECK(missing.error().detail.find("nope.json") != std::string::npos);
}

TEST_CASE("fuzz finds stay fixed: every configuration error starts with a JSON pointer") {
    // Found by tests/fuzz/fuzz_config_loader: a top-level number out of range had no pointer.
    CHECK(error_of("5555555555555555555555555555555555e555555555555555555").starts_with("/: number out of range"));
    CHECK(error_of("[1e400]").starts_with("/0: number out of range"));
}
