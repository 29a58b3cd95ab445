#include "state/state_store.hpp"

#include "state/schema.hpp"
#include "state/text_pack.hpp"

#include <nlohmann/json.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <ctime>

namespace paperboy {
namespace {

std::string date_key(day d) { return format_iso_day(d); }

}  // namespace

std::string utc_timestamp() { return format_utc(std::chrono::system_clock::now()); }

state_store::state_store(const std::filesystem::path& path) : db_(open_state_database(path)) {}

state_store::state_store(sqlite::connection db) : db_(std::move(db)) {}

state_store state_store::scratch() { return state_store(open_scratch_database()); }

namespace {

// Abstracts and ledger digests are stored deflated (text_pack.hpp) where that is smaller;
// older rows, and short texts, are text. `max` bounds what unpacking may give back.
std::optional<std::string> unpacked_column(const sqlite::statement& q, int col, std::size_t max) {
    if (!q.column_is_blob(col)) return q.column_text(col);
    return unpack_text(q.column_blob(col), max);
}

void bind_packed(sqlite::statement& q, int index, std::string_view text, std::size_t from_size) {
    if (text.size() >= from_size) {
        if (const auto packed = pack_text(text); !packed.empty() && packed.size() < text.size()) {
            q.bind_blob(index, packed);
            return;
        }
    }
    q.bind(index, text);
}

std::string abstract_of(const sqlite::statement& q, int col, std::string_view id) {
    if (auto text = unpacked_column(q, col, packed_text_max)) return std::move(*text);
    throw failure(make_error(errc::state, "the stored abstract of " + std::string(id) +
                                              " is damaged; `paperboy status --storage` checks the whole state file"));
}

void bind_abstract(sqlite::statement& q, int index, const std::string& abstract) { bind_packed(q, index, abstract, 64); }

}  // namespace

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
        item.abstract = abstract_of(p, 4, item.id);
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
        ins.bind(5, to_string(p.type)).bind(6, p.title);
        bind_abstract(ins, 7, p.abstract);
        ins.bind(8, nlohmann::json(p.authors).dump()).bind(9, nlohmann::json(p.categories).dump());
        ins.run();
    }
    tx.commit();
}

std::map<std::string, paper> state_store::stored_papers(std::span<const std::string> ids) {
    std::map<std::string, paper> out;
    sqlite::read_snapshot snapshot(db_);
    auto q = db_.prepare("SELECT version, title, abstract FROM papers WHERE id = ? ORDER BY date DESC LIMIT 1");
    for (const auto& id : ids) {
        q.bind(1, id);
        if (q.step()) {
            paper p;
            p.id = id;
            p.version = static_cast<int>(q.column_int(0));
            p.title = q.column_text(1);
            p.abstract = abstract_of(q, 2, id);
            out.emplace(id, std::move(p));
        }
        q.reset();
    }
    return out;
}

std::map<std::string, paper_score> state_store::cached_scores(std::string_view scorer_key,
                                                              std::span<const paper* const> papers) {
    std::map<std::string, paper_score> out;
    sqlite::read_snapshot snapshot(db_);
    auto q = db_.prepare("SELECT relevance, novelty, comment, ranker_score FROM scores WHERE paper_id = ? AND version = ? AND scorer_key = ?");
    for (const auto* p : papers) {
        q.bind(1, p->id).bind(2, static_cast<std::int64_t>(p->version)).bind(3, scorer_key);
        if (q.step()) {
            paper_score s;
            s.relevance = static_cast<int>(q.column_int(0));
            if (!q.column_is_null(1)) s.novelty = static_cast<int>(q.column_int(1));
            s.comment = q.column_text(2);
            if (!q.column_is_null(3)) s.ranker_score = q.column_double(3);
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
        "INSERT OR REPLACE INTO scores(paper_id, version, scorer_key, relevance, novelty, comment, created_at, ranker_score) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    const auto now = utc_timestamp();
    for (const auto* p : papers) {
        const auto it = scores.find(p->id);
        if (it == scores.end()) continue;
        const auto& s = it->second;
        ins.bind(1, p->id).bind(2, static_cast<std::int64_t>(p->version)).bind(3, scorer_key);
        ins.bind(4, static_cast<std::int64_t>(s.relevance));
        ins.bind(5, s.novelty ? std::optional<std::int64_t>(*s.novelty) : std::nullopt);
        ins.bind(6, s.comment).bind(7, now);
        if (s.ranker_score) ins.bind(8, *s.ranker_score);
        else ins.bind_null(8);
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
    auto q = db_.prepare("SELECT prompt_tokens, completion_tokens, cached_tokens FROM usage WHERE date = ? AND profile = ? AND scorer_key = ?");
    // Three rows: the main model at list price, its Batch API part, and the title model's part.
    const auto batch = spent.batch_part();
    const auto title = spent.title_part();
    const token_usage sync{spent.prompt_tokens - batch.prompt_tokens - title.prompt_tokens,
                           spent.completion_tokens - batch.completion_tokens - title.completion_tokens,
                           spent.cached_tokens - batch.cached_tokens - title.cached_tokens};
    const std::string batch_key = std::string(scorer_key) + "/batch", title_key = std::string(scorer_key) + "/title";
    token_usage total;
    for (const auto& [key, part] : {std::pair<std::string_view, const token_usage&>{scorer_key, sync}, {batch_key, batch}, {title_key, title}}) {
        if (key == scorer_key || part.prompt_tokens > 0 || part.completion_tokens > 0) {
            up.bind(1, date_key(date)).bind(2, profile).bind(3, key);
            up.bind(4, static_cast<std::int64_t>(part.prompt_tokens)).bind(5, static_cast<std::int64_t>(part.completion_tokens));
            up.bind(6, static_cast<std::int64_t>(part.cached_tokens)).run();
        }
        q.bind(1, date_key(date)).bind(2, profile).bind(3, key);
        if (q.step()) {
            const token_usage row{q.column_int(0), q.column_int(1), q.column_int(2)};
            total += key == batch_key ? row.bought_in_batch() : key == title_key ? row.spent_by_title_model() : row;
        }
        q.reset();
    }
    tx.commit();
    return total;
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

std::string_view to_string(delivery_status s) {
    switch (s) {
        case delivery_status::held: return "held";
        case delivery_status::pending: return "pending";
        case delivery_status::sending: return "sending";
        case delivery_status::delivered: return "delivered";
        case delivery_status::failed: return "failed";
    }
    return "pending";
}

namespace {
delivery_status parse_status(const std::string& s) {
    if (s == "held") return delivery_status::held;
    if (s == "sending") return delivery_status::sending;
    if (s == "delivered") return delivery_status::delivered;
    if (s == "failed") return delivery_status::failed;
    return delivery_status::pending;
}

constexpr std::string_view entry_columns =
    "id, date, profile, channel, generation, payload, status, attempts, last_error, next_attempt_ms, created_ms, "
    "updated_ms, progress, receipt, owner_pid, held_until_ms, hold_reason";

// A digest is stored deflated too (most of it is abstracts): 20 profiles' digests of a day
// would otherwise be the largest part of a year's state. "{}" stays text.
constexpr std::size_t payload_max = std::size_t(64) << 20;

std::string payload_of(const sqlite::statement& q, int col) {
    if (auto text = unpacked_column(q, col, payload_max)) return std::move(*text);
    throw failure(make_error(errc::state, "a digest stored in the delivery ledger is damaged; `paperboy status --storage` checks the whole state file"));
}

void bind_payload(sqlite::statement& q, int index, std::string_view payload) { bind_packed(q, index, payload, 256); }

ledger_entry read_entry(const sqlite::statement& q) {
    ledger_entry e;
    e.id = q.column_int(0);
    e.date = q.column_text(1);
    e.profile = q.column_text(2);
    e.channel = q.column_text(3);
    e.generation = static_cast<int>(q.column_int(4));
    e.payload = payload_of(q, 5);
    e.status = parse_status(q.column_text(6));
    e.attempts = static_cast<int>(q.column_int(7));
    e.last_error = q.column_text(8);
    e.next_attempt_ms = q.column_int(9);
    e.created_ms = q.column_int(10);
    e.updated_ms = q.column_int(11);
    e.progress = q.column_text(12);
    e.receipt = q.column_text(13);
    e.owner_pid = q.column_int(14);
    e.held_until_ms = q.column_int(15);
    e.hold_reason = q.column_text(16);
    return e;
}
}  // namespace

std::vector<std::int64_t> state_store::finish_run_with_deliveries(const run_record& r, const std::vector<std::string>& channels,
                                                                  std::string_view payload, std::int64_t now_ms,
                                                                  const std::optional<hold>& held) {
    sqlite::transaction tx(db_);
    finish_run(r);
    // An entry still pending keeps its attempts and its next attempt: max_attempts counts
    // across runs, and a second run does not bypass the backoff. A failed one stays failed
    // (`resend` sends it again on purpose); a held one is released or held again.
    auto ins = db_.prepare(
        "INSERT INTO ledger(run_id, date, profile, channel, generation, payload, status, next_attempt_ms, created_ms, updated_ms, "
        "held_until_ms, hold_reason) VALUES(?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, ?8, ?9, ?10) "
        "ON CONFLICT(date, profile, channel, generation) DO UPDATE SET run_id = excluded.run_id, payload = excluded.payload, "
        "status = excluded.status, updated_ms = excluded.updated_ms, progress = '', "
        "held_until_ms = excluded.held_until_ms, hold_reason = excluded.hold_reason, "
        "attempts = CASE WHEN status = 'pending' THEN attempts ELSE 0 END, "
        "last_error = CASE WHEN status = 'pending' THEN last_error ELSE '' END, "
        "next_attempt_ms = CASE WHEN status = 'pending' AND excluded.status = 'pending' THEN next_attempt_ms ELSE excluded.next_attempt_ms END, "
        "created_ms = CASE WHEN status = 'pending' THEN created_ms ELSE excluded.created_ms END "
        "WHERE status IN ('held', 'pending')");
    for (const auto& ch : channels) {
        ins.bind(1, r.id).bind(2, r.date).bind(3, r.profile).bind(4, ch);
        bind_payload(ins, 5, payload);
        ins.bind(6, held ? "held" : "pending").bind(7, held ? held->next_try_ms : now_ms).bind(8, now_ms);
        ins.bind(9, held ? held->until_ms : 0).bind(10, held ? held->reason : std::string()).run();
    }
    std::vector<std::int64_t> ids;
    auto q = db_.prepare("SELECT id, channel FROM ledger WHERE date = ? AND profile = ? AND generation = 0 AND status = 'pending'");
    q.bind(1, r.date).bind(2, r.profile);
    while (q.step()) {
        if (std::find(channels.begin(), channels.end(), q.column_text(1)) != channels.end()) ids.push_back(q.column_int(0));
    }
    tx.commit();
    return ids;
}

std::vector<std::string> state_store::stored_days() {
    auto q = db_.prepare("SELECT date FROM days ORDER BY date");
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.column_text(0));
    return out;
}

std::vector<std::pair<std::string, long>> state_store::recent_days(std::size_t limit) {
    auto q = db_.prepare("SELECT date, total FROM days ORDER BY date DESC LIMIT ?");
    q.bind(1, static_cast<std::int64_t>(limit));
    std::vector<std::pair<std::string, long>> out;
    while (q.step()) out.emplace_back(q.column_text(0), static_cast<long>(q.column_int(1)));
    return out;
}

std::map<delivery_status, long> state_store::ledger_counts() {
    auto q = db_.prepare("SELECT status, count(*) FROM ledger GROUP BY status");
    std::map<delivery_status, long> out;
    static const std::map<std::string, delivery_status, std::less<>> names{{"held", delivery_status::held},
        {"pending", delivery_status::pending}, {"sending", delivery_status::sending}, {"delivered", delivery_status::delivered},
        {"failed", delivery_status::failed}};
    while (q.step()) {
        if (const auto it = names.find(q.column_text(0)); it != names.end()) out[it->second] = static_cast<long>(q.column_int(1));
    }
    return out;
}

state_store::storage_report state_store::storage() {
    storage_report r;
    const auto pragma = [&](std::string_view name) {
        auto q = db_.prepare("PRAGMA " + std::string(name));
        return q.step() ? q.column_int(0) : 0;
    };
    const auto page = pragma("page_size");
    r.file_bytes = pragma("page_count") * page;
    r.free_bytes = pragma("freelist_count") * page;
    for (const auto* table : {"days", "papers", "scores", "votes", "library", "runs", "ledger", "delivered_papers", "usage"}) {
        auto q = db_.prepare(std::string("SELECT count(*) FROM ") + table);
        if (q.step()) r.rows[table] = static_cast<long>(q.column_int(0));
    }
    try {
        // An index counts with its table (dbstat: Debian's SQLite is built with it).
        auto q = db_.prepare("SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name "
                             "GROUP BY 1");
        while (q.step()) r.table_bytes[q.column_text(0)] += q.column_int(1);
    } catch (const failure&) {
        r.table_bytes.clear();  // a SQLite without dbstat: sizes per table are not shown
    }
    {
        // The whole file, which a start checks only in part (schema.cpp).
        auto check = db_.prepare("PRAGMA quick_check");
        r.integrity = check.step() ? check.column_text(0) : "ok";
    }
    auto d = db_.prepare("SELECT min(date), max(date) FROM days");
    if (d.step() && !d.column_is_null(0)) {
        r.first_day = d.column_text(0);
        r.last_day = d.column_text(1);
    }
    return r;
}

long state_store::forget_before(std::string_view cut) {
    sqlite::transaction tx(db_);
    db_.exec("CREATE TEMP TABLE IF NOT EXISTS forget(id TEXT PRIMARY KEY); DELETE FROM temp.forget;");
    auto pick = db_.prepare(
        "INSERT OR IGNORE INTO temp.forget SELECT id FROM papers WHERE date < ?1 "
        "AND id NOT IN (SELECT paper_id FROM votes) AND id NOT IN (SELECT arxiv_id FROM library WHERE arxiv_id != '') "
        "AND id NOT IN (SELECT paper_id FROM delivered_papers)");
    pick.bind(1, cut).run();
    auto mark = db_.prepare(
        "INSERT OR IGNORE INTO forgotten_days(date, forgotten_at) SELECT DISTINCT date, ?2 FROM papers WHERE date < ?1 "
        "AND id IN (SELECT id FROM temp.forget)");
    mark.bind(1, cut).bind(2, utc_timestamp()).run();
    auto drop = db_.prepare("DELETE FROM papers WHERE date < ?1 AND id IN (SELECT id FROM temp.forget)");
    drop.bind(1, cut).run();
    const auto dropped = static_cast<long>(sqlite3_changes(db_.handle()));
    db_.exec("DELETE FROM scores WHERE paper_id IN (SELECT id FROM temp.forget) AND paper_id NOT IN (SELECT id FROM papers);"
             "DELETE FROM temp.forget;");
    tx.commit();
    return dropped;
}

long state_store::drop_scores(std::string_view key_prefix, std::string_view from, std::string_view to) {
    auto q = db_.prepare(
        "DELETE FROM scores WHERE substr(scorer_key, 1, length(?1)) = ?1 AND paper_id IN (SELECT id FROM papers WHERE date >= ?2 AND date < ?3) "
        "AND paper_id NOT IN (SELECT id FROM papers WHERE date >= ?3)");
    q.bind(1, key_prefix).bind(2, from).bind(3, to).run();
    return static_cast<long>(sqlite3_changes(db_.handle()));
}

bool state_store::forgotten(std::string_view date) {
    auto q = db_.prepare("SELECT 1 FROM forgotten_days WHERE date = ?");
    q.bind(1, date);
    return q.step();
}

void state_store::maintain() {
    db_.exec("PRAGMA optimize;");
    auto q = db_.prepare("PRAGMA auto_vacuum");
    if (q.step() && q.column_int(0) == 2) {
        q.reset();
        db_.exec("PRAGMA incremental_vacuum;");
    }
}

std::optional<std::int64_t> state_store::hold_deadline(std::string_view date, std::string_view profile) {
    auto q = db_.prepare("SELECT MIN(held_until_ms) FROM ledger WHERE date = ? AND profile = ? AND status = 'held'");
    q.bind(1, date).bind(2, profile);
    if (!q.step() || q.column_is_null(0)) return std::nullopt;
    return q.column_int(0);
}

std::vector<std::string> state_store::held_days_due(std::int64_t now_ms) {
    auto q = db_.prepare("SELECT DISTINCT date FROM ledger WHERE status = 'held' AND next_attempt_ms <= ? ORDER BY date");
    q.bind(1, now_ms);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.column_text(0));
    return out;
}

std::vector<ledger_entry> state_store::release_expired_holds(std::int64_t now_ms) {
    auto out = ledger({.date = {}, .profile = {}, .channel = {}, .statuses = {delivery_status::held}, .ids = {}});
    std::erase_if(out, [&](const ledger_entry& e) { return e.held_until_ms > now_ms; });
    auto up = db_.prepare(
        "UPDATE ledger SET status = 'pending', next_attempt_ms = ?1, updated_ms = ?1, "
        "last_error = 'held until ' || ?2 || ' without complete scores; sent marked incomplete' WHERE id = ?3 AND status = 'held'");
    for (auto& e : out) {
        up.bind(1, now_ms).bind(2, format_utc(from_unix_ms(e.held_until_ms))).bind(3, e.id).run();
        e.status = delivery_status::pending;
    }
    return out;
}

std::vector<ledger_entry> state_store::ledger(const ledger_filter& f) {
    std::string sql = "SELECT " + std::string(entry_columns) + " FROM ledger WHERE 1 = 1";
    if (f.date) sql += " AND date = ?";
    if (f.profile) sql += " AND profile = ?";
    if (f.channel) sql += " AND channel = ?";
    // In SQL, not after reading: every row carries its digest, and the ledger grows daily.
    const auto placeholders = [](std::size_t n) {
        std::string p;
        for (std::size_t k = 0; k < n; ++k) p += k ? ", ?" : "?";
        return p;
    };
    if (!f.statuses.empty()) sql += " AND status IN (" + placeholders(f.statuses.size()) + ")";
    if (!f.ids.empty()) sql += " AND id IN (" + placeholders(f.ids.size()) + ")";
    if (f.created_since_ms > 0) sql += " AND created_ms >= ?";
    sql += " ORDER BY id";
    if (f.most_recent > 0) sql = "SELECT * FROM (" + sql + " DESC LIMIT " + std::to_string(f.most_recent) + ") ORDER BY id";
    auto q = db_.prepare(sql);
    int i = 0;
    if (f.date) q.bind(++i, *f.date);
    if (f.profile) q.bind(++i, *f.profile);
    if (f.channel) q.bind(++i, *f.channel);
    for (const auto st : f.statuses) q.bind(++i, to_string(st));
    for (const auto id : f.ids) q.bind(++i, id);
    if (f.created_since_ms > 0) q.bind(++i, f.created_since_ms);
    std::vector<ledger_entry> out;
    while (q.step()) out.push_back(read_entry(q));
    return out;
}

bool state_store::claim(std::int64_t id, std::int64_t pid, std::int64_t now_ms) {
    auto up = db_.prepare(
        "UPDATE ledger SET status = 'sending', attempts = attempts + 1, owner_pid = ?, updated_ms = ? WHERE id = ? AND status = 'pending'");
    up.bind(1, pid).bind(2, now_ms).bind(3, id).run();
    return sqlite3_changes(db_.handle()) == 1;
}

void state_store::save_progress(std::int64_t id, std::string_view progress, std::int64_t now_ms) {
    auto up = db_.prepare("UPDATE ledger SET progress = ?, updated_ms = ? WHERE id = ?");
    up.bind(1, progress).bind(2, now_ms).bind(3, id).run();
}

void state_store::mark_delivered(std::int64_t id, std::string_view receipt, std::int64_t now_ms) {
    sqlite::transaction tx(db_);
    auto up = db_.prepare("UPDATE ledger SET status = 'delivered', receipt = ?, last_error = '', updated_ms = ? WHERE id = ?");
    up.bind(1, receipt).bind(2, now_ms).bind(3, id).run();
    auto q = db_.prepare("SELECT profile, date, payload FROM ledger WHERE id = ?");
    q.bind(1, id);
    if (q.step()) {
        const auto payload = nlohmann::json::parse(payload_of(q, 2), nullptr, false);
        auto ins = db_.prepare("INSERT OR IGNORE INTO delivered_papers(profile, paper_id, first_date) VALUES(?, ?, ?)");
        if (payload.is_object() && payload.contains("papers") && payload["papers"].is_array()) {
            for (const auto& p : payload["papers"]) {
                if (p.contains("id") && p["id"].is_string()) ins.bind(1, q.column_text(0)).bind(2, p["id"].get<std::string>()).bind(3, q.column_text(1)).run();
            }
        }
    }
    q.reset();
    tx.commit();
}

void state_store::mark_retry(std::int64_t id, std::string_view error, std::int64_t next_attempt_ms, std::int64_t now_ms) {
    auto up = db_.prepare("UPDATE ledger SET status = 'pending', last_error = ?, next_attempt_ms = ?, updated_ms = ?, owner_pid = 0 WHERE id = ?");
    up.bind(1, error).bind(2, next_attempt_ms).bind(3, now_ms).bind(4, id).run();
}

void state_store::mark_failed(std::int64_t id, std::string_view error, std::int64_t now_ms) {
    auto up = db_.prepare("UPDATE ledger SET status = 'failed', last_error = ?, updated_ms = ?, owner_pid = 0 WHERE id = ?");
    up.bind(1, error).bind(2, now_ms).bind(3, id).run();
}

std::vector<ledger_entry> state_store::recover_interrupted(const std::function<bool(std::int64_t)>& alive, std::int64_t now_ms) {
    std::vector<ledger_entry> out;
    for (auto& e : ledger({.date = {}, .profile = {}, .channel = {}, .statuses = {delivery_status::sending}, .ids = {}})) {
        if (alive(e.owner_pid)) continue;
        auto up = db_.prepare(
            "UPDATE ledger SET status = 'pending', next_attempt_ms = ?, updated_ms = ?, owner_pid = 0, "
            "last_error = 'interrupted while sending (the process ended); sent again' WHERE id = ? AND status = 'sending' AND owner_pid = ?");
        up.bind(1, now_ms).bind(2, now_ms).bind(3, e.id).bind(4, e.owner_pid).run();
        if (sqlite3_changes(db_.handle()) == 1) out.push_back(std::move(e));
    }
    return out;
}

std::optional<std::int64_t> state_store::create_resend(std::string_view date, std::string_view profile, std::string_view channel,
                                                       std::int64_t now_ms) {
    sqlite::transaction tx(db_);
    auto q = db_.prepare("SELECT payload, run_id FROM ledger WHERE date = ? AND profile = ? AND payload != '{}' ORDER BY id DESC LIMIT 1");
    q.bind(1, date).bind(2, profile);
    if (!q.step()) return std::nullopt;
    auto payload = nlohmann::json::parse(payload_of(q, 0));
    const auto run_id = q.column_int(1);
    q.reset();
    auto g = db_.prepare("SELECT IFNULL(MAX(generation), 0) + 1 FROM ledger WHERE date = ? AND profile = ? AND channel = ?");
    g.bind(1, date).bind(2, profile).bind(3, channel);
    g.step();
    const auto generation = g.column_int(0);
    g.reset();
    payload["delivery_key"] = "resend-" + std::to_string(generation);
    auto ins = db_.prepare(
        "INSERT INTO ledger(run_id, date, profile, channel, generation, payload, status, next_attempt_ms, created_ms, updated_ms) "
        "VALUES(?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)");
    ins.bind(1, run_id).bind(2, date).bind(3, profile).bind(4, channel).bind(5, generation);
    bind_payload(ins, 6, payload.dump());
    ins.bind(7, now_ms).bind(8, now_ms).bind(9, now_ms).run();
    const auto id = db_.last_insert_rowid();
    tx.commit();
    return id;
}

std::set<std::string> state_store::delivered_papers_before(std::string_view profile, std::string_view date, std::span<const std::string> ids) {
    sqlite::read_snapshot snapshot(db_);
    auto q = db_.prepare("SELECT 1 FROM delivered_papers WHERE profile = ? AND paper_id = ? AND first_date < ?");
    std::set<std::string> out;
    for (const auto& id : ids) {
        q.bind(1, profile).bind(2, id).bind(3, date);
        if (q.step()) out.insert(id);
        q.reset();
    }
    return out;
}

std::optional<std::string> state_store::last_completed_day(const std::vector<std::string>& profiles) {
    auto q = db_.prepare(
        "SELECT date, profile FROM runs WHERE outcome IN ('reported', 'no_announcement', 'missed') GROUP BY date, profile "
        "ORDER BY date DESC");
    // Newest day first, stopping at the first complete one: the runs of years are not read.
    const auto complete = [&](const std::set<std::string>& done) {
        return std::all_of(profiles.begin(), profiles.end(), [&](const auto& p) { return done.contains(p); });
    };
    std::string date;
    std::set<std::string> done;
    while (q.step()) {
        if (auto d = q.column_text(0); d != date) {
            if (!date.empty() && complete(done)) return date;
            date = std::move(d);
            done.clear();
        }
        done.insert(q.column_text(1));
    }
    if (!date.empty() && complete(done)) return date;
    return std::nullopt;
}

std::vector<std::string> state_store::missed_days(std::string_view since) {
    auto q = db_.prepare(
        "SELECT DISTINCT date FROM runs r WHERE outcome = 'missed' AND date >= ? "
        "AND NOT EXISTS (SELECT 1 FROM runs d WHERE d.date = r.date AND d.outcome IN ('reported', 'no_announcement')) "
        "AND NOT EXISTS (SELECT 1 FROM days s WHERE s.date = r.date) ORDER BY date");
    q.bind(1, since);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.column_text(0));
    return out;
}

std::set<std::string> state_store::no_announcement_days(std::string_view since) {
    auto q = db_.prepare("SELECT DISTINCT date FROM runs WHERE outcome = 'no_announcement' AND date >= ?");
    q.bind(1, since);
    std::set<std::string> out;
    while (q.step()) out.insert(q.column_text(0));
    return out;
}

void state_store::record_missed(std::string_view date, std::string_view profile, std::string_view reason) {
    auto ins = db_.prepare(
        "INSERT INTO runs(date, profile, started_at, finished_at, outcome, detail) VALUES(?, ?, ?, ?, 'missed', ?)");
    const auto now = utc_timestamp();
    ins.bind(1, date).bind(2, profile).bind(3, now).bind(4, now).bind(5, reason).run();
}

std::optional<std::int64_t> state_store::next_pending_attempt() {
    auto q = db_.prepare("SELECT MIN(next_attempt_ms) FROM ledger WHERE status IN ('pending', 'held')");
    if (!q.step() || q.column_is_null(0)) return std::nullopt;
    return q.column_int(0);
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
