// A thin RAII layer over the SQLite C API: a connection and prepared statements. Errors throw
// paperboy::failure with errc::state and SQLite's message.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace paperboy::sqlite {

class statement;

class connection {
public:
    /// Opens (creating if needed) the database file. Throws failure(errc::state).
    explicit connection(const std::filesystem::path& path);
    ~connection();
    connection(connection&&) noexcept;
    connection& operator=(connection&&) noexcept;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Runs one or more statements without results.
    void exec(std::string_view sql);
    statement prepare(std::string_view sql);
    std::int64_t last_insert_rowid() const;
    sqlite3* handle() const noexcept { return db_; }

private:
    sqlite3* db_ = nullptr;
    std::string path_;
};

/// A prepared statement; bind parameters are 1-based, columns 0-based.
class statement {
public:
    statement(sqlite3* db, std::string_view sql);
    ~statement();
    statement(statement&&) noexcept;
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    statement& bind(int index, std::string_view value);
    statement& bind(int index, std::int64_t value);
    statement& bind(int index, double value);
    statement& bind_null(int index);
    /// Bytes stored as a BLOB, not as text.
    statement& bind_blob(int index, std::string_view bytes);
    statement& bind(int index, const std::optional<std::int64_t>& value);

    /// Advances to the next row: true when a row is available, false when done.
    bool step();
    /// Runs to completion (for statements without results) and resets for reuse.
    void run();
    void reset();

    std::string column_text(int col) const;
    std::int64_t column_int(int col) const;
    double column_double(int col) const;
    bool column_is_null(int col) const;
    bool column_is_blob(int col) const;
    /// A BLOB column's bytes.
    std::string column_blob(int col) const;

private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

/// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed before commit().
class transaction {
public:
    explicit transaction(connection& c);
    ~transaction();
    void commit();
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

private:
    connection& c_;
    bool done_ = false;
};

/// One read transaction (BEGIN ... COMMIT) around many lookups: a statement outside any
/// transaction takes and drops SQLite's file locks each time, two system calls a lookup.
/// Nothing when the connection is in a transaction already.
class read_snapshot {
public:
    explicit read_snapshot(connection& c);
    ~read_snapshot();
    read_snapshot(const read_snapshot&) = delete;
    read_snapshot& operator=(const read_snapshot&) = delete;

private:
    connection& c_;
    bool began_ = false;
};

}  // namespace paperboy::sqlite
