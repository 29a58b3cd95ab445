// paperboy init as a new user runs it: defaults without a terminal, flags, never overwriting,
// and `check` passing on what it wrote.
#include "config/json_reader.hpp"
#include "core/files.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

namespace {
std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }
}  // namespace

TEST_CASE("init without a terminal or flags writes the defaults, says what to edit, and check passes on them") {
    test::temp_dir dir;
    const auto r = test::run_paperboy("init --dir " + q(dir / "new"));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("the defaults: categories cs.LG cs.AI, the built-in ranker") != std::string::npos);
    CHECK(r.out.find("next: describe what you read in " + (dir / "new/topics.txt").string()) != std::string::npos);
    const auto check = test::run_paperboy("check --config " + q(dir / "new/paperboy.json"));
    INFO(check.err);
    CHECK(check.exit_code == 0);
    CHECK(check.out.find("scorer:   offline") != std::string::npos);
    CHECK(check.out.find("schedule: 08:00 UTC") != std::string::npos);
    // The untouched template topics pass, with a warning that says what to do.
    CHECK(check.out.find("warning:  profile me: its topics are still init's template") != std::string::npos);
    // The comments are part of the file a reader opens, and nothing the reader parses.
    const auto text = read_file(dir / "new/paperboy.json").value();
    CHECK(text.find("\"//\": \"the built-in ranker, no key needed.") != std::string::npos);
    CHECK_FALSE(config_reader::parse_strict(text).contains("//"));
    CHECK(read_file(dir / "new/topics.txt").value().find("1. My first topic (rename it)") != std::string::npos);
}

TEST_CASE("init with flags asks nothing and writes channels, categories, interests and schedule that check accepts") {
    test::temp_dir dir;
    const auto r = test::run_paperboy("init --dir " + q(dir.path()) +
                                      " --categories 'cs.CL stat.ML' --interests 'retrieval \"augmented\" generation, long context'"
                                      " --email ada@example.org --smtp-url smtp://mail.example.org:587"
                                      " --slack-webhook https://hooks.slack.com/services/T000/B000/XXXX --time 07:15 --timezone Europe/Berlin");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("the defaults") == std::string::npos);
    const auto check = test::run_paperboy("check --config " + q(dir / "paperboy.json"));
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);
    CHECK(check.out.find("https://rss.arxiv.org/rss/cs.CL+stat.ML") != std::string::npos);
    CHECK(check.out.find("channels: mail, slack") != std::string::npos);
    CHECK(check.out.find("schedule: 07:15 Europe/Berlin") != std::string::npos);
    CHECK(read_file(dir / "topics.txt").value().find("   - Relevant: retrieval \"augmented\" generation, long context.") != std::string::npos);
}

TEST_CASE("init never overwrites a file, and --email without its server is refused") {
    test::temp_dir dir;
    REQUIRE(write_file_atomic(dir / "topics.txt", "mine\n").has_value());
    const auto r = test::run_paperboy("init --dir " + q(dir.path()));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("topics.txt exists; init never overwrites a file") != std::string::npos);
    CHECK(read_file(dir / "topics.txt").value() == "mine\n");
    CHECK_FALSE(std::filesystem::exists(dir / "paperboy.json"));
    const auto mail = test::run_paperboy("init --dir " + q(dir / "other") + " --email ada@example.org");
    CHECK(mail.exit_code == 2);
    CHECK(mail.err.find("--email needs --smtp-url") != std::string::npos);
}
