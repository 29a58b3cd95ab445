#include "state/schema.hpp"

#include <signal.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace paperboy {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view schema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '3');
CREATE TABLE IF NOT EXISTS days(
  date TEXT PRIMARY KEY, title TEXT NOT NULL, source_url TEXT NOT NULL, fetched_at TEXT NOT NULL,
  total INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS papers(
  date TEXT NOT NULL REFERENCES days(date) ON DELETE CASCADE, position INTEGER NOT NULL,
  id TEXT NOT NULL, version INTEGER NOT NULL, announce_type TEXT NOT NULL, title TEXT NOT NULL,
  abstract TEXT NOT NULL, authors TEXT NOT NULL, categories TEXT NOT NULL,
  PRIMARY KEY(date, id));
CREATE INDEX IF NOT EXISTS papers_by_id ON papers(id);
CREATE TABLE IF NOT EXISTS scores(
  paper_id TEXT NOT NULL, version INTEGER NOT NULL, scorer_key TEXT NOT NULL,
  relevance INTEGER NOT NULL, novelty INTEGER, comment TEXT NOT NULL, created_at TEXT NOT NULL, ranker_score REAL,
  PRIMARY KEY(paper_id, version, scorer_key));
CREATE TABLE IF NOT EXISTS usage(
  date TEXT NOT NULL, profile TEXT NOT NULL, scorer_key TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL,
  PRIMARY KEY(date, profile, scorer_key));
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT NOT NULL, profile TEXT NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT NOT NULL,
  total INTEGER, scanned INTEGER, scored INTEGER, failed INTEGER, selected INTEGER,
  report_path TEXT, detail TEXT);
CREATE INDEX IF NOT EXISTS runs_by_day ON runs(date, profile);
CREATE TABLE IF NOT EXISTS ledger(
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER, date TEXT NOT NULL, profile TEXT NOT NULL,
  channel TEXT NOT NULL, generation INTEGER NOT NULL, payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('held', 'pending', 'sending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
  next_attempt_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
  progress TEXT NOT NULL DEFAULT '', receipt TEXT NOT NULL DEFAULT '', owner_pid INTEGER NOT NULL DEFAULT 0,
  held_until_ms INTEGER NOT NULL DEFAULT 0, hold_reason TEXT NOT NULL DEFAULT '',
  UNIQUE(date, profile, channel, generation));
CREATE INDEX IF NOT EXISTS ledger_by_status ON ledger(status, next_attempt_ms);
-- The reaction sweep reads the digests delivered in the last days, not the ledger of years.
CREATE INDEX IF NOT EXISTS ledger_by_created ON ledger(status, created_ms);
CREATE TABLE IF NOT EXISTS delivered_papers(
  profile TEXT NOT NULL, paper_id TEXT NOT NULL, first_date TEXT NOT NULL, PRIMARY KEY(profile, paper_id));
CREATE TABLE IF NOT EXISTS library(
  profile TEXT NOT NULL, key TEXT NOT NULL, title TEXT NOT NULL, abstract TEXT NOT NULL, arxiv_id TEXT NOT NULL,
  source TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY(profile, key));
CREATE TABLE IF NOT EXISTS llm_batches(
  key TEXT PRIMARY KEY, batch_id TEXT NOT NULL, submitted_ms INTEGER NOT NULL, requests INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS votes(
  profile TEXT NOT NULL, paper_id TEXT NOT NULL, date TEXT NOT NULL, vote INTEGER NOT NULL CHECK(vote IN (-1, 1)),
  source TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY(profile, paper_id));
-- The ranker reads a profile's most recent votes, not all of them.
CREATE INDEX IF NOT EXISTS votes_by_date ON votes(profile, date, paper_id);
CREATE TABLE IF NOT EXISTS forgotten_days(date TEXT PRIMARY KEY, forgotten_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS unsubscribed(
  profile TEXT NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY(profile, channel, address));
)sql";

// Version 1 recorded only delivered (date, profile, channel); they become delivered entries.
constexpr std::string_view migrate_v1 = R"sql(
INSERT OR IGNORE INTO ledger(date, profile, channel, generation, payload, status, attempts, next_attempt_ms,
                             created_ms, updated_ms, receipt)
  SELECT date, profile, channel, 0, '{}', 'delivered', 1, 0, 0, 0, receipt FROM deliveries;
DROP TABLE deliveries;
UPDATE meta SET value = '2' WHERE key = 'schema_version';
)sql";

// Version 2's ledger had no 'held' state; SQLite cannot change a CHECK in place, so the old
// table is set aside, `schema` creates the version 3 one, and the rows are copied over.
constexpr std::string_view migrate_v2_set_aside = R"sql(
ALTER TABLE ledger RENAME TO ledger_v2;
DROP INDEX IF EXISTS ledger_by_status;
)sql";
constexpr std::string_view migrate_v2_copy = R"sql(
INSERT INTO ledger(id, run_id, date, profile, channel, generation, payload, status, attempts, last_error, next_attempt_ms,
                   created_ms, updated_ms, progress, receipt, owner_pid)
  SELECT id, run_id, date, profile, channel, generation, payload, status, attempts, last_error, next_attempt_ms,
         created_ms, updated_ms, progress, receipt, owner_pid FROM ledger_v2;
DROP TABLE ledger_v2;
UPDATE meta SET value = '3' WHERE key = 'schema_version';
)sql";

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
    throw failure(make_error(errc::state, "state database " + path.string() + " " + why));
}

void make_parent_folder(const fs::path& path) {
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    if (ec) refuse(path, "cannot be created: its folder cannot be made: " + ec.message());
}

fs::path sibling(const fs::path& path, std::string_view suffix) {
    auto p = path;
    p += std::string(suffix);
    return p;
}

void remove_database_files(const fs::path& path) {
    std::error_code ec;
    for (const auto suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(sibling(path, suffix), ec);
}

// What a creation killed half way left behind: its process is gone.
void remove_abandoned_creations(const fs::path& path) {
    const auto prefix = path.filename().string() + ".new-";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(path.has_parent_path() ? path.parent_path() : ".", ec)) {
        const auto name = entry.path().filename().string();
        if (!name.starts_with(prefix)) continue;
        const auto pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(entry.path(), ec);
    }
}

// The rollback journal (not WAL) while it is made: closing it then leaves one complete file.
// link() rather than rename(): of two processes creating the state at once, the second finds
// the first one's file in place and uses it instead of replacing it.
void create_complete(const fs::path& path) {
    remove_abandoned_creations(path);
    const auto tmp = sibling(path, ".new-" + std::to_string(::getpid()));
    remove_database_files(tmp);
    // 0600 from the start: the file holds the secret that signs vote and unsubscribe links.
    // SQLite gives its -wal and -shm files the database file's mode.
    if (const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
    try {
        sqlite::connection fresh(tmp);
        // Before the first table: deleted days give their pages back (state_store::maintain).
        fresh.exec("PRAGMA auto_vacuum=INCREMENTAL; PRAGMA synchronous=FULL;");
        fresh.exec(schema);
    } catch (...) {
        remove_database_files(tmp);
        throw;
    }
    const int linked = ::link(tmp.c_str(), path.c_str());
    const int err = errno;
    remove_database_files(tmp);
    if (linked != 0 && err != EEXIST) refuse(path, std::string("cannot be created: ") + std::strerror(err));
    if (const int dir = ::open(path.has_parent_path() ? path.parent_path().c_str() : ".", O_RDONLY | O_DIRECTORY);
        dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

// An existing file must be a database before SQLite may touch it: SQLite would take an empty
// one as a new database.
const fs::path& prepared(const fs::path& path) {
    make_parent_folder(path);
    std::error_code ec;
    if (!fs::exists(path, ec)) create_complete(path);
    const auto size = fs::file_size(path, ec);
    if (ec) refuse(path, "cannot be read: " + ec.message());
    if (size == 0) {
        refuse(path, "is an empty file (a truncated copy?): restore it from a backup, or delete it to start a new state "
                     "(every day would then count as not delivered)");
    }
    return path;
}

void check_and_migrate(sqlite::connection& db) {
    db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    // A damaged file is found now, with a clear message, not in the middle of a delivery. The
    // bookkeeping is checked at every start; the days' papers and cached scores (most of a
    // file of years, and fetched or scored again if lost) by `paperboy status --storage`, so a start
    // does not read the whole history.
    std::string integrity = "ok";
    for (const auto* table : {"meta", "days", "runs", "ledger", "delivered_papers", "votes", "library", "unsubscribed", "llm_batches"}) {
        auto exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
        exists.bind(1, std::string_view(table));
        if (!exists.step()) continue;
        auto check = db.prepare(std::string("PRAGMA quick_check(") + table + ")");
        if (check.step()) integrity = check.column_text(0);
        if (integrity != "ok") break;
    }
    if (integrity != "ok") throw failure(make_error(errc::state, "integrity check failed: " + integrity));
    {
        // A SQLite file of someone else's (tables, but no paperboy meta) is not ours to change.
        auto tables = db.prepare("SELECT count(*), sum(name = 'meta') FROM sqlite_master WHERE type = 'table'");
        tables.step();
        if (tables.column_int(0) > 0 && tables.column_int(1) == 0) {
            throw failure(make_error(errc::state, "it holds tables but not paperboy's schema (another program's database?)"));
        }
    }
    db.exec(schema);
    bool v1 = false;
    {
        auto old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'");
        v1 = old.step();
    }  // finalized: DROP TABLE needs no statement open on the schema
    if (v1) {
        sqlite::transaction tx(db);
        db.exec(migrate_v1);
        tx.commit();
    }
    std::string version;
    {
        auto v = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
        if (v.step()) version = v.column_text(0);
    }
    if (version == "2") {
        bool has_ranker_score = false;
        {
            auto cols = db.prepare("SELECT 1 FROM pragma_table_info('scores') WHERE name = 'ranker_score'");
            has_ranker_score = cols.step();
        }
        sqlite::transaction tx(db);
        // A version 2 file made by 0.2 lacks the column; one just migrated from 1 has it.
        if (!has_ranker_score) db.exec("ALTER TABLE scores ADD COLUMN ranker_score REAL");
        db.exec(migrate_v2_set_aside);
        db.exec(schema);
        db.exec(migrate_v2_copy);
        tx.commit();
    } else if (version != "3") {
        throw failure(make_error(errc::state, "schema version '" + version + "' is newer than this paperboy knows (3)"));
    }
}

}  // namespace

sqlite::connection open_state_database(const fs::path& path) {
    sqlite::connection db(prepared(path));
    try {
        check_and_migrate(db);
    } catch (const failure& f) {
        refuse(path, "is unusable (not a paperboy SQLite file, corrupt, or read-only): " + f.err().detail);
    }
    return db;
}

sqlite::connection open_scratch_database() {
    sqlite::connection db(":memory:");
    check_and_migrate(db);
    return db;
}

}  // namespace paperboy
