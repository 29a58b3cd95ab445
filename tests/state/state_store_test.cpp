#include "state/state_store.hpp"

#include "core/files.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("a stored day comes back identical, in feed order") {
    test::temp_dir dir;
    feed f;
    f.announced = parse_iso_day("2025-07-23").value();
    f.title = "cs.LG updates";
    for (int i = 0; i < 3; ++i) {
        paper p;
        p.id = "2507.0000" + std::to_string(3 - i);
        p.version = i + 1;
        p.type = i == 2 ? announce_type::cross_list : announce_type::new_submission;
        p.title = "Title ✓ " + std::to_string(i);
        p.abstract = "Abstract with 'quotes' and \"double\"";
        p.authors = {"A. Person", "Émilie du Châtelet"};
        p.categories = {"cs.LG", "cs.AI"};
        f.papers.push_back(p);
    }
    {
        state_store s(dir / "state.db");
        CHECK_FALSE(s.load_day(f.announced));
        s.save_day(f, "file:///x");
    }
    state_store s(dir / "state.db");
    const auto back = s.load_day(f.announced).value();
    REQUIRE(back.papers.size() == 3);
    CHECK(back.papers[0].id == "2507.00003");
    CHECK(back.papers[2].type == announce_type::cross_list);
    CHECK(back.papers[1].authors == f.papers[1].authors);
    CHECK(back.papers[1].title == f.papers[1].title);
    CHECK(back.papers[2].version == 3);
}

TEST_CASE("scores are cached per paper version and scorer, and usage accumulates per day") {
    test::temp_dir dir;
    state_store s(dir / "state.db");
    paper p;
    p.id = "2507.1";
    p.version = 1;
    const std::vector<const paper*> papers{&p};
    s.save_scores("k1", papers, {{"2507.1", {9, std::nullopt, "c"}}});
    CHECK(s.cached_scores("k1", papers).at("2507.1").relevance == 9);
    CHECK_FALSE(s.cached_scores("k1", papers).at("2507.1").novelty);
    CHECK(s.cached_scores("k2", papers).empty());
    paper v2 = p;
    v2.version = 2;
    CHECK(s.cached_scores("k1", std::vector<const paper*>{&v2}).empty());

    const auto d = parse_iso_day("2025-07-23").value();
    CHECK(s.add_usage(d, "me", "k1", {100, 10, 5}).prompt_tokens == 100);
    CHECK(s.add_usage(d, "me", "k1", {}).completion_tokens == 10);
}

TEST_CASE("a file that is not a database is a clear error naming it") {
    test::temp_dir dir;
    REQUIRE(write_file_atomic(dir / "state.db", std::string(8192, 'x')).has_value());
    try {
        state_store s(dir / "state.db");
        FAIL("opened a corrupt state file");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::state);
        CHECK(f.err().detail.find("state.db") != std::string::npos);
    }
}

TEST_CASE("an empty state file, or a SQLite file without paperboy's schema, is refused, never taken as a new state") {
    test::temp_dir dir;
    // A zero-length file (a truncated copy) used to become a fresh database: every day sent again.
    REQUIRE(write_file_atomic(dir / "empty.db", "").has_value());
    try {
        state_store s(dir / "empty.db");
        FAIL("opened an empty state file");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::state);
        CHECK(f.err().detail.find("empty file") != std::string::npos);
    }
    CHECK(std::filesystem::file_size(dir / "empty.db") == 0);  // untouched
    {
        sqlite::connection other(dir / "other.db");
        other.exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)");
    }
    try {
        state_store s(dir / "other.db");
        FAIL("took over another program's database");
    } catch (const failure& f) {
        CHECK(f.err().detail.find("not paperboy's schema") != std::string::npos);
    }
    // A missing file is a new state, as before.
    state_store fresh(dir / "new.db");
    CHECK(fresh.recent_runs(1).empty());
}
