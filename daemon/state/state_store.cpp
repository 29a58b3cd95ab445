#include "state/state_store.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

namespace paperboy {
namespace {

constexpr std::string_view schema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '1');
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
  relevance INTEGER NOT NULL, novelty INTEGER, comment TEXT NOT NULL, created_at TEXT NOT NULL,
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
CREATE TABLE IF NOT EXISTS deliveries(
  date TEXT NOT NULL, profile TEXT NOT NULL, channel TEXT NOT NULL, receipt TEXT NOT NULL,
  delivered_at TEXT NOT NULL, PRIMARY KEY(date, profile, channel));
)sql";

std::string date_key(day d) { return format_iso_day(d); }

}  // namespace

std::string utc_timestamp() {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

namespace {
const std::filesystem::path& with_parent_folder(const std::filesystem::path& path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
        throw failure(make_error(errc::state, "cannot create the folder of state database " + path.string() + ": " +
                                                  ec.message()));
    }
    return path;
}
}  // namespace

state_store::state_store(const std::filesystem::path& path) : db_(with_parent_folder(path)) {
    try {
        db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        db_.exec(schema);
    } catch (const failure& f) {
        throw failure(make_error(errc::state, "state database " + path.string() +
                                                  " is unusable (not a paperboy SQLite file, corrupt, or read-only): " +
                                                  f.err().detail));
    }
}

std::optional<feed> state_store::load_day(day date) {
    auto q = db_.prepare("SELECT title FROM days WHERE date = ?");
    q.bind(1, date_key(date));
    if (!q.step()) return std::nullopt;
    feed f;
    f.announced = date;
    f.title = q.column_text(0);
    auto p = db_.prepare(
        "SELECT id, version, announce_type, title, abstract, authors, categories FROM papers WHERE date = ? ORDER BY position");
    p.bind(1, date_key(date));
    while (p.step()) {
        paper item;
        item.id = p.column_text(0);
        item.version = static_cast<int>(p.column_int(1));
        item.type = parse_announce_type(p.column_text(2)).value_or(announce_type::new_submission);
        item.title = p.column_text(3);
        item.abstract = p.column_text(4);
        item.authors = nlohmann::json::parse(p.column_text(5)).get<std::vector<std::string>>();
        item.categories = nlohmann::json::parse(p.column_text(6)).get<std::vector<std::string>>();
        f.papers.push_back(std::move(item));
    }
    return f;
}

void state_store::save_day(const feed& f, std::string_view source_url) {
    sqlite::transaction tx(db_);
    auto del = db_.prepare("DELETE FROM days WHERE date = ?");
    del.bind(1, date_key(f.announced)).run();
    auto d = db_.prepare("INSERT INTO days(date, title, source_url, fetched_at, total) VALUES(?, ?, ?, ?, ?)");
    d.bind(1, date_key(f.announced)).bind(2, f.title).bind(3, source_url).bind(4, utc_timestamp());
    d.bind(5, static_cast<std::int64_t>(f.papers.size())).run();
    auto ins = db_.prepare(
        "INSERT INTO papers(date, position, id, version, announce_type, title, abstract, authors, categories) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    std::int64_t pos = 0;
    for (const auto& p : f.papers) {
        ins.bind(1, date_key(f.announced)).bind(2, pos++).bind(3, p.id).bind(4, static_cast<std::int64_t>(p.version));
        ins.bind(5, to_string(p.type)).bind(6, p.title).bind(7, p.abstract);
        ins.bind(8, nlohmann::json(p.authors).dump()).bind(9, nlohmann::json(p.categories).dump());
        ins.run();
    }
    tx.commit();
}

std::map<std::string, paper_score> state_store::cached_scores(std::string_view scorer_key,
                                                              std::span<const paper* const> papers) {
    std::map<std::string, paper_score> out;
    auto q = db_.prepare("SELECT relevance, novelty, comment FROM scores WHERE paper_id = ? AND version = ? AND scorer_key = ?");
    for (const auto* p : papers) {
        q.bind(1, p->id).bind(2, static_cast<std::int64_t>(p->version)).bind(3, scorer_key);
        if (q.step()) {
            paper_score s;
            s.relevance = static_cast<int>(q.column_int(0));
            if (!q.column_is_null(1)) s.novelty = static_cast<int>(q.column_int(1));
            s.comment = q.column_text(2);
            out.emplace(p->id, std::move(s));
        }
        q.reset();
    }
    return out;
}

void state_store::save_scores(std::string_view scorer_key, std::span<const paper* const> papers,
                              const std::map<std::string, paper_score>& scores) {
    sqlite::transaction tx(db_);
    auto ins = db_.prepare(
        "INSERT OR REPLACE INTO scores(paper_id, version, scorer_key, relevance, novelty, comment, created_at) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)");
    const auto now = utc_timestamp();
    for (const auto* p : papers) {
        const auto it = scores.find(p->id);
        if (it == scores.end()) continue;
        const auto& s = it->second;
        ins.bind(1, p->id).bind(2, static_cast<std::int64_t>(p->version)).bind(3, scorer_key);
        ins.bind(4, static_cast<std::int64_t>(s.relevance));
        ins.bind(5, s.novelty ? std::optional<std::int64_t>(*s.novelty) : std::nullopt);
        ins.bind(6, s.comment).bind(7, now);
        ins.run();
    }
    tx.commit();
}

token_usage state_store::add_usage(day date, std::string_view profile, std::string_view scorer_key,
                                   const token_usage& spent) {
    sqlite::transaction tx(db_);
    auto up = db_.prepare(
        "INSERT INTO usage(date, profile, scorer_key, prompt_tokens, completion_tokens, cached_tokens) VALUES(?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(date, profile, scorer_key) DO UPDATE SET prompt_tokens = prompt_tokens + excluded.prompt_tokens, "
        "completion_tokens = completion_tokens + excluded.completion_tokens, cached_tokens = cached_tokens + excluded.cached_tokens");
    up.bind(1, date_key(date)).bind(2, profile).bind(3, scorer_key);
    up.bind(4, static_cast<std::int64_t>(spent.prompt_tokens)).bind(5, static_cast<std::int64_t>(spent.completion_tokens));
    up.bind(6, static_cast<std::int64_t>(spent.cached_tokens)).run();
    auto q = db_.prepare("SELECT prompt_tokens, completion_tokens, cached_tokens FROM usage WHERE date = ? AND profile = ? AND scorer_key = ?");
    q.bind(1, date_key(date)).bind(2, profile).bind(3, scorer_key);
    token_usage total;
    if (q.step()) {
        total.prompt_tokens = q.column_int(0);
        total.completion_tokens = q.column_int(1);
        total.cached_tokens = q.column_int(2);
    }
    q.reset();
    tx.commit();
    return total;
}

bool state_store::delivered(day date, std::string_view profile, std::string_view channel) {
    auto q = db_.prepare("SELECT 1 FROM deliveries WHERE date = ? AND profile = ? AND channel = ?");
    q.bind(1, date_key(date)).bind(2, profile).bind(3, channel);
    return q.step();
}

void state_store::record_delivery(day date, std::string_view profile, std::string_view channel, std::string_view receipt) {
    auto ins = db_.prepare("INSERT OR REPLACE INTO deliveries(date, profile, channel, receipt, delivered_at) VALUES(?, ?, ?, ?, ?)");
    ins.bind(1, date_key(date)).bind(2, profile).bind(3, channel).bind(4, receipt).bind(5, utc_timestamp()).run();
}

std::int64_t state_store::begin_run(day date, std::string_view profile) {
    auto ins = db_.prepare("INSERT INTO runs(date, profile, started_at, outcome) VALUES(?, ?, ?, 'running')");
    ins.bind(1, date_key(date)).bind(2, profile).bind(3, utc_timestamp()).run();
    return db_.last_insert_rowid();
}

void state_store::finish_run(const run_record& r) {
    auto up = db_.prepare(
        "UPDATE runs SET finished_at = ?, outcome = ?, total = ?, scanned = ?, scored = ?, failed = ?, selected = ?, "
        "report_path = ?, detail = ? WHERE id = ?");
    up.bind(1, utc_timestamp()).bind(2, r.outcome).bind(3, static_cast<std::int64_t>(r.total));
    up.bind(4, static_cast<std::int64_t>(r.scanned)).bind(5, static_cast<std::int64_t>(r.scored));
    up.bind(6, static_cast<std::int64_t>(r.failed)).bind(7, static_cast<std::int64_t>(r.selected));
    up.bind(8, r.report_path).bind(9, r.detail).bind(10, r.id).run();
}

std::vector<run_record> state_store::recent_runs(int limit) {
    auto q = db_.prepare(
        "SELECT id, date, profile, started_at, IFNULL(finished_at, ''), outcome, IFNULL(total, 0), IFNULL(scanned, 0), "
        "IFNULL(scored, 0), IFNULL(failed, 0), IFNULL(selected, 0), IFNULL(report_path, ''), IFNULL(detail, '') "
        "FROM runs ORDER BY id DESC LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(limit));
    std::vector<run_record> out;
    while (q.step()) {
        run_record r;
        r.id = q.column_int(0);
        r.date = q.column_text(1);
        r.profile = q.column_text(2);
        r.started_at = q.column_text(3);
        r.finished_at = q.column_text(4);
        r.outcome = q.column_text(5);
        r.total = q.column_int(6);
        r.scanned = q.column_int(7);
        r.scored = q.column_int(8);
        r.failed = q.column_int(9);
        r.selected = q.column_int(10);
        r.report_path = q.column_text(11);
        r.detail = q.column_text(12);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace paperboy
