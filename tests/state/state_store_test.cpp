#include "state/state_store.hpp"

#include "core/files.hpp"
#include "state/sqlite.hpp"
#include "support/fixtures.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

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

TEST_CASE("a state being created when paperboy was killed is no obstacle: the next start creates it") {
    test::temp_dir dir;
    // What the crash test met on CI: a kill just after SQLite had created state.db, before any
    // page was written, left a zero-byte file that the restart refused as a truncated copy. A
    // new state is now made under a temporary name; a kill half way leaves only that behind.
    // Its process is gone: a pid above the kernel's pid_max (4194304) is never alive.
    REQUIRE(write_file_atomic(dir / "state.db.new-99999999", "half a database").has_value());
    REQUIRE(write_file_atomic(dir / "state.db.new-99999999-journal", "").has_value());
    state_store s(dir / "state.db");
    CHECK_FALSE(std::filesystem::exists(dir / "state.db.new-99999999"));
    CHECK_FALSE(std::filesystem::exists(dir / "state.db.new-99999999-journal"));
    CHECK(s.recent_runs(1).empty());
    CHECK(std::filesystem::file_size(dir / "state.db") > 0);  // complete on disk before first use
}

TEST_CASE("a version 2 state file (0.1's ledger without held digests) is migrated in place, its entries kept") {
    test::temp_dir dir;
    {
        sqlite::connection db(dir / "state.db");
        db.exec(R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES('schema_version', '2');
CREATE TABLE scores(paper_id TEXT NOT NULL, version INTEGER NOT NULL, scorer_key TEXT NOT NULL, relevance INTEGER NOT NULL,
  novelty INTEGER, comment TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY(paper_id, version, scorer_key));
INSERT INTO scores VALUES('2507.1', 1, 'k', 9, 8, 'kept', '2025-07-23T00:00:00Z');
CREATE TABLE ledger(
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER, date TEXT NOT NULL, profile TEXT NOT NULL,
  channel TEXT NOT NULL, generation INTEGER NOT NULL, payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
  next_attempt_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
  progress TEXT NOT NULL DEFAULT '', receipt TEXT NOT NULL DEFAULT '', owner_pid INTEGER NOT NULL DEFAULT 0,
  UNIQUE(date, profile, channel, generation));
INSERT INTO ledger(date, profile, channel, generation, payload, status, attempts, next_attempt_ms, created_ms, updated_ms)
  VALUES('2025-07-23', 'lab', 'slack', 0, '{}', 'pending', 2, 0, 0, 0);
)sql");
    }
    state_store s(dir / "state.db");
    const auto entries = s.ledger({});
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].status == delivery_status::pending);
    CHECK(entries[0].attempts == 2);
    paper p;
    p.id = "2507.1";
    CHECK(s.cached_scores("k", std::vector<const paper*>{&p}).at("2507.1").comment == "kept");
    const auto r = test::begun_run(s, "2025-07-24", "lab", "held");
    s.finish_run_with_deliveries(r, {"slack"}, "{}", 1, state_store::hold{"model down", 2, 3});  // the new state fits
    CHECK(s.hold_deadline("2025-07-24", "lab") == 3);
}

namespace {

feed day_of(const std::string& date, const std::vector<std::string>& ids) {
    feed f;
    f.announced = parse_iso_day(date).value();
    f.title = "cs.LG updates";
    for (const auto& id : ids) {
        paper p;
        p.id = id;
        p.version = 1;
        p.title = "Title of " + id;
        p.abstract = "Abstract of " + id;
        f.papers.push_back(p);
    }
    return f;
}

std::vector<const paper*> pointers(const feed& f) {
    std::vector<const paper*> out;
    for (const auto& p : f.papers) out.push_back(&p);
    return out;
}

}  // namespace

TEST_CASE("state.keep_days forgets old papers nothing needs, and keeps voted, library and later papers with their scores") {
    test::temp_dir dir;
    state_store s(dir / "state.db");
    const auto d1 = day_of("2025-01-06", {"2501.00001", "2501.00002", "2501.00003"});
    const auto d2 = day_of("2025-01-07", {"2501.00004", "2501.00005"});
    const auto d3 = day_of("2025-01-08", {"2501.00006", "2501.00005"});  // 00005 again, a later day
    for (const auto* f : {&d1, &d2, &d3}) {
        s.save_day(*f, "file:///x");
        std::map<std::string, paper_score> scores;
        for (const auto& p : f->papers) scores[p.id] = {5, std::nullopt, "c"};
        s.save_scores("llm/k", pointers(*f), scores);
    }
    s.record_votes({{"me", "2501.00001", "2025-01-06", 1, "cli", ""}});
    s.add_to_library("me", {{"2501.00002", "Title of 2501.00002", "", "2501.00002"}}, "import");

    CHECK(s.forget_before("2025-01-08") == 3);  // 00003, 00004 and the older copy of 00005 (its scores stay: the kept day holds it)
    CHECK(s.forgotten("2025-01-06"));
    CHECK(s.forgotten("2025-01-07"));
    CHECK_FALSE(s.forgotten("2025-01-08"));
    const std::vector<std::string> asked{"2501.00001", "2501.00002", "2501.00003", "2501.00004", "2501.00005"};
    const auto kept = s.stored_papers(asked);
    CHECK(kept.contains("2501.00001"));
    CHECK(kept.contains("2501.00002"));
    CHECK_FALSE(kept.contains("2501.00003"));
    CHECK_FALSE(kept.contains("2501.00004"));
    CHECK(kept.contains("2501.00005"));
    CHECK(s.cached_scores("llm/k", pointers(d1)).size() == 2);
    CHECK(s.cached_scores("llm/k", pointers(d3)).size() == 2);
    CHECK(s.votes("me").size() == 1);
    CHECK(s.forget_before("2025-01-08") == 0);  // nothing more to drop
    s.maintain();
    CHECK(s.storage().integrity == "ok");
}

TEST_CASE("cached scores of old days are dropped by key prefix, other scorers' kept") {
    test::temp_dir dir;
    state_store s(dir / "state.db");
    const auto d1 = day_of("2025-01-06", {"2501.00001", "2501.00002"});
    const auto d2 = day_of("2025-01-07", {"2501.00003", "2501.00002"});
    for (const auto* f : {&d1, &d2}) {
        s.save_day(*f, "file:///x");
        std::map<std::string, paper_score> scores;
        for (const auto& p : f->papers) scores[p.id] = {5, std::nullopt, "c"};
        s.save_scores("ranker/v4/a", pointers(*f), scores);
        s.save_scores("llm/k", pointers(*f), scores);
    }
    CHECK(s.drop_scores("ranker/", "2025-01-01", "2025-01-07") == 1);  // 00002 is in the later day
    CHECK(s.cached_scores("ranker/v4/a", pointers(d1)).size() == 1);
    CHECK(s.cached_scores("llm/k", pointers(d1)).size() == 2);
    CHECK(s.cached_scores("ranker/v4/a", pointers(d2)).size() == 2);
}

TEST_CASE("status --storage's report counts what the state holds, and a new state file is readable by its owner only") {
    test::temp_dir dir;
    {
        state_store s(dir / "state.db");
        s.save_day(day_of("2025-01-06", {"2501.00001", "2501.00002"}), "file:///x");
        s.save_day(day_of("2025-01-07", {"2501.00003"}), "file:///x");
        const auto r = s.storage();
        CHECK(r.rows.at("days") == 2);
        CHECK(r.rows.at("papers") == 3);
        CHECK(r.first_day == "2025-01-06");
        CHECK(r.last_day == "2025-01-07");
        CHECK(r.file_bytes > 0);
        CHECK(r.integrity == "ok");
        CHECK(s.recent_days(1) == std::vector<std::pair<std::string, long>>{{"2025-01-07", 1}});
    }
    const auto perms = std::filesystem::status(dir / "state.db").permissions();
    CHECK((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) == std::filesystem::perms::none);
}

TEST_CASE("the ranker reads a profile's latest votes, oldest first, and counts all of them without reading them") {
    test::temp_dir dir;
    state_store s(dir / "state.db");
    std::vector<vote> votes;
    for (int d = 1; d <= 9; ++d) {
        const std::string date = "2025-01-0" + std::to_string(d);
        votes.push_back({"a", "2501.0000" + std::to_string(d), date, d % 3 == 0 ? -1 : 1, "cli", ""});
    }
    votes.push_back({"b", "2501.00001", "2025-01-01", -1, "cli", ""});
    s.record_votes(votes);
    const auto latest = s.votes("a", 3);
    REQUIRE(latest.size() == 3);
    CHECK(latest.front().paper_id == "2501.00007");  // the three latest days, the oldest of them first
    CHECK(latest.back().paper_id == "2501.00009");
    CHECK(s.votes("a").size() == 9);
    const auto counted = s.count_votes("a");
    CHECK(counted.likes == 6);
    CHECK(counted.dislikes == 3);
    const std::vector<std::string> ids{"2501.00001", "2501.00003", "2501.99999"};
    const auto on = s.votes_on("b", ids);
    REQUIRE(on.size() == 1);
    CHECK(on.at("2501.00001").value == -1);
}

TEST_CASE("a digest in the delivery ledger is stored deflated, comes back whole, and a resend and the delivered papers read it") {
    test::temp_dir dir;
    nlohmann::json digest{{"date", "2025-07-24"}, {"profile", "lab"}, {"papers", nlohmann::json::array()}};
    for (int i = 0; i < 40; ++i) {
        digest["papers"].push_back({{"id", "2507." + std::to_string(10000 + i)},
                                    {"title", "A paper on diffusion models, number " + std::to_string(i)},
                                    {"abstract", "We propose a method for sampling from diffusion models with fewer steps. Experiments show state of the art results."}});
    }
    const auto text = digest.dump();
    state_store s(dir / "state.db");
    const auto r = test::begun_run(s, "2025-07-24", "lab");
    const auto ids = s.finish_run_with_deliveries(r, {"slack"}, text, 1);
    REQUIRE(ids.size() == 1);
    CHECK(s.ledger({}).at(0).payload == text);
    s.mark_delivered(ids[0], "receipt", 2);
    CHECK(s.delivered_papers_before("lab", "2025-07-25", std::vector<std::string>{"2507.10039", "2507.99999"}) == std::set<std::string>{"2507.10039"});
    const auto again = s.create_resend("2025-07-24", "lab", "slack", 3);
    REQUIRE(again);
    const auto resent = s.ledger({.ids = {*again}});
    REQUIRE(resent.size() == 1);
    CHECK(nlohmann::json::parse(resent[0].payload)["papers"].size() == 40);

    sqlite::connection db(dir / "state.db");
    auto q = db.prepare("SELECT length(payload), typeof(payload) FROM ledger WHERE id = ?");
    q.bind(1, ids[0]);
    REQUIRE(q.step());
    CHECK(q.column_text(1) == "blob");
    CHECK(q.column_int(0) < static_cast<std::int64_t>(text.size()) / 3);
}
