// paperboy's durable state in one SQLite file: each announcement day's papers (so a day can
// be reported again after arXiv's feed has moved on), the score cache, the tokens each day's
// report cost, and the runs with their outcomes. WAL mode, synchronous=FULL.
#pragma once

#include "arxiv/paper.hpp"
#include "score/scorer.hpp"
#include "state/sqlite.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace paperboy {

struct run_record {
    std::int64_t id = 0;
    std::string date;        // YYYY-MM-DD
    std::string profile;
    std::string started_at;  // UTC, ISO 8601
    std::string finished_at; // empty while running (or when the process died)
    std::string outcome;     // "running", "reported", "no_announcement", "failed"
    long total = 0, scanned = 0, scored = 0, failed = 0, selected = 0;
    std::string report_path;
    std::string detail;
};

class state_store {
public:
    /// Opens or creates the database and its schema. Throws failure(errc::state) when the file
    /// is not a SQLite database, is corrupt, or cannot be written, naming the path.
    explicit state_store(const std::filesystem::path& path);

    /// The stored papers of `date`, or nullopt when that day was never stored.
    std::optional<feed> load_day(day date);
    /// Stores a day's feed (replacing what was stored for that date).
    void save_day(const feed& f, std::string_view source_url);

    /// Cached scores for `papers` (matched by id and version) under `scorer_key`.
    std::map<std::string, paper_score> cached_scores(std::string_view scorer_key, std::span<const paper* const> papers);
    void save_scores(std::string_view scorer_key, std::span<const paper* const> papers,
                     const std::map<std::string, paper_score>& scores);

    /// Adds `spent` to what (date, profile, scorer) has cost so far and returns the new total.
    token_usage add_usage(day date, std::string_view profile, std::string_view scorer_key, const token_usage& spent);

    /// Whether (date, profile, channel) was delivered already; record_delivery marks it so.
    bool delivered(day date, std::string_view profile, std::string_view channel);
    void record_delivery(day date, std::string_view profile, std::string_view channel, std::string_view receipt);

    std::int64_t begin_run(day date, std::string_view profile);
    void finish_run(const run_record& r);
    /// The most recent runs, newest first.
    std::vector<run_record> recent_runs(int limit);

private:
    sqlite::connection db_;
};

/// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_timestamp();

}  // namespace paperboy
