#include "state/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace paperboy::sqlite {
namespace {

[[noreturn]] void throw_sqlite(sqlite3* db, std::string_view what) {
    std::string msg(what);
    if (db) {
        msg += ": ";
        msg += sqlite3_errmsg(db);
    }
    throw failure(make_error(errc::state, msg));
}

}  // namespace

connection::connection(const std::filesystem::path& path) : path_(path.string()) {
    const int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                   nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = "cannot open state database " + path_ + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        sqlite3_close(db_);
        db_ = nullptr;
        throw failure(make_error(errc::state, msg));
    }
    sqlite3_busy_timeout(db_, 10'000);
    sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() {
    if (db_) sqlite3_close_v2(db_);
}

connection::connection(connection&& o) noexcept : db_(std::exchange(o.db_, nullptr)), path_(std::move(o.path_)) {}

connection& connection::operator=(connection&& o) noexcept {
    if (this != &o) {
        if (db_) sqlite3_close_v2(db_);
        db_ = std::exchange(o.db_, nullptr);
        path_ = std::move(o.path_);
    }
    return *this;
}

void connection::exec(std::string_view sql) {
    char* err = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = "state database " + path_ + ": " + (err ? err : "error");
        sqlite3_free(err);
        throw failure(make_error(errc::state, msg));
    }
}

statement connection::prepare(std::string_view sql) { return statement(db_, sql); }

std::int64_t connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
        throw_sqlite(db_, "cannot prepare statement");
    }
}

statement::~statement() {
    if (stmt_) sqlite3_finalize(stmt_);
}

statement::statement(statement&& o) noexcept : db_(o.db_), stmt_(std::exchange(o.stmt_, nullptr)) {}

statement& statement::bind(int index, std::string_view value) {
    if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
        throw_sqlite(db_, "cannot bind text");
    }
    return *this;
}

statement& statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) throw_sqlite(db_, "cannot bind integer");
    return *this;
}

statement& statement::bind(int index, double value) {
    if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) throw_sqlite(db_, "cannot bind real");
    return *this;
}

statement& statement::bind_null(int index) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) throw_sqlite(db_, "cannot bind null");
    return *this;
}

statement& statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
}

bool statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_sqlite(db_, "statement failed");
}

void statement::run() {
    while (step()) {
    }
    reset();
}

void statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string statement::column_text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
}

std::string statement::column_blob(int col) const {
    const auto* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

bool statement::column_is_blob(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_BLOB; }

statement& statement::bind_blob(int index, std::string_view bytes) {
    if (sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
        throw_sqlite(db_, "cannot bind blob");
    }
    return *this;
}

std::int64_t statement::column_int(int col) const { return sqlite3_column_int64(stmt_, col); }
double statement::column_double(int col) const { return sqlite3_column_double(stmt_, col); }
bool statement::column_is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

transaction::transaction(connection& c) : c_(c) { c_.exec("BEGIN IMMEDIATE"); }

transaction::~transaction() {
    if (!done_) {
        try {
            c_.exec("ROLLBACK");
        } catch (...) {
            // The connection reports the original failure; a failed rollback adds nothing.
        }
    }
}

read_snapshot::read_snapshot(connection& c) : c_(c) {
    if (sqlite3_get_autocommit(c_.handle())) {
        c_.exec("BEGIN");
        began_ = true;
    }
}

read_snapshot::~read_snapshot() {
    if (!began_) return;
    try {
        c_.exec("COMMIT");
    } catch (...) {
        // A read transaction has nothing to lose; the next statement reports a broken connection.
    }
}

void transaction::commit() {
    c_.exec("COMMIT");
    done_ = true;
}

}  // namespace paperboy::sqlite
