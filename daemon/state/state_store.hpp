// paperboy's durable state in one SQLite file: each announcement day's papers (so a day can
// be reported again after arXiv's feed has moved on), the score cache, the tokens each day's
// report cost, and the runs with their outcomes. WAL mode, synchronous=FULL.
#pragma once

#include "arxiv/paper.hpp"
#include "score/scorer.hpp"
#include "state/sqlite.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
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

/// held: the digest waits for its papers to be scored (llm.on_failure "hold"); it becomes
/// pending when a later run scores them, or when held_until passes (then sent marked incomplete).
/// A reader's vote on a paper of a stored day; a later vote on the same paper replaces it.
struct vote {
    std::string profile, paper_id, date;  // date: the announcement day the paper was in
    int value = 0;                        // +1 like, -1 dislike
    std::string source;                   // "cli", "link", "slack", "discord", "import", ...
    std::string created_at;               // UTC, ISO 8601 (set when recorded)
};

/// A paper of the reader's own library (`paperboy import`): its title and abstract train the
/// ranker as a like.
struct library_entry {
    std::string key;       // the arXiv id when known, else "title:" + a hash of the folded title
    std::string title;
    std::string abstract;  // may be empty (many BibTeX exports have none)
    std::string arxiv_id;  // empty when the entry names none
};

enum class delivery_status { held, pending, sending, delivered, failed };
std::string_view to_string(delivery_status s);

/// One (date, profile, channel, generation) delivery in the ledger. Generation 0 is the day's
/// digest; `resend` adds generations 1, 2, ...
struct ledger_entry {
    std::int64_t id = 0;
    std::string date, profile, channel;
    int generation = 0;
    std::string payload;                 // the digest as sent to the plugin (JSON)
    delivery_status status = delivery_status::pending;
    int attempts = 0;
    std::string last_error;
    std::int64_t next_attempt_ms = 0;    // Unix time in ms; due when <= now
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
    std::string progress;                // {"resume_from": k, "receipts": [...]} of a partial send, or ""
    std::string receipt;                 // the plugin's answer when delivered
    std::int64_t owner_pid = 0;          // the process that is sending it
    std::int64_t held_until_ms = 0;      // held: sent marked incomplete after this (Unix ms)
    std::string hold_reason;             // held: why scoring is incomplete
};

struct ledger_filter {
    std::optional<std::string> date, profile, channel;
    std::vector<delivery_status> statuses;  // empty: any
    std::vector<std::int64_t> ids;          // empty: any
    std::int64_t created_since_ms = 0;      // > 0: only entries made at or after (Unix ms)
    std::size_t most_recent = 0;            // > 0: only the newest that many (still oldest first)
};

class state_store {
public:
    /// Opens or creates the database and its schema. Throws failure(errc::state) when the file
    /// is not a SQLite database, is corrupt, or cannot be written, naming the path.
    explicit state_store(const std::filesystem::path& path);
    /// A throwaway state in memory: what a dry run without a state file ranks in.
    static state_store scratch();

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

    /// A Batch API job in flight, by a key naming exactly what it scores (model, prompts):
    /// a restart finds it and polls it again instead of paying for a second one.
    struct llm_batch {
        std::string batch_id;
        std::int64_t submitted_ms = 0;
        int requests = 0;
    };
    std::optional<llm_batch> find_llm_batch(std::string_view key);
    void save_llm_batch(std::string_view key, const llm_batch& b);
    /// A finished job stays: polling it again returns the same answers for free, so a crash
    /// after the answers came and before the scores were saved costs nothing. Jobs submitted
    /// before `older_than_ms` go (a batch runs at most 24 hours).
    void purge_llm_batches(std::int64_t older_than_ms);

    std::int64_t begin_run(day date, std::string_view profile);
    void finish_run(const run_record& r);

    // The delivery ledger. Every change is one committed transaction (synchronous=FULL), so
    // after a crash at any point the ledger says what was delivered, and what may have been in
    // flight ("sending").

    /// A held digest: why, when it is re-scored next, and when it is sent regardless.
    struct hold {
        std::string reason;
        std::int64_t next_try_ms = 0;
        std::int64_t until_ms = 0;
    };

    /// finish_run(r) and, in the same transaction, a generation-0 entry holding `payload` for
    /// each of `channels`: pending, or held when `held` is given. A channel whose entry exists
    /// already keeps it when delivered, in flight or failed (resend sends again on purpose); a
    /// pending one gets the new payload but keeps its attempts and next attempt (max_attempts
    /// counts across runs); a held one gets the new payload and is released or held again.
    /// Returns the ids of the entries now pending.
    std::vector<std::int64_t> finish_run_with_deliveries(const run_record& r, const std::vector<std::string>& channels,
                                                         std::string_view payload, std::int64_t now_ms,
                                                         const std::optional<hold>& held = std::nullopt);
    /// The installation's secret for signed vote links (32 random bytes as hex), made once.
    std::string link_secret();
    /// A recipient's one-click unsubscribe from a profile's email channel (List-Unsubscribe);
    /// true when it was new. unsubscribed() lists them, for the next deliveries to skip.
    bool unsubscribe(std::string_view profile, std::string_view channel, std::string_view address);
    std::vector<std::string> unsubscribed(std::string_view profile, std::string_view channel);
    /// Records (or replaces) votes, in one transaction.
    void record_votes(const std::vector<vote>& votes);
    /// The profile's votes, oldest day first; with `most_recent`, only that many of the latest
    /// (read through an index: a run's cost does not grow with years of votes).
    std::vector<vote> votes(std::string_view profile, std::optional<std::size_t> most_recent = std::nullopt);
    /// The profile's votes on these papers, by paper id.
    std::map<std::string, vote> votes_on(std::string_view profile, std::span<const std::string> paper_ids);
    struct vote_count {
        std::size_t likes = 0, dislikes = 0;
    };
    vote_count count_votes(std::string_view profile);
    /// Adds the entries to the profile's library (an entry whose key is there already is kept
    /// as it was), in one transaction; returns how many were new.
    std::size_t add_to_library(std::string_view profile, const std::vector<library_entry>& entries, std::string_view source);
    /// The profile's library, in key order.
    std::vector<library_entry> library(std::string_view profile);
    /// Every stored announcement day, oldest first.
    std::vector<std::string> stored_days();
    /// The `limit` most recent stored days with their number of papers, newest first: what a
    /// run reads of the history, so its cost does not grow with it.
    std::vector<std::pair<std::string, long>> recent_days(std::size_t limit);
    /// Those of `ids` the stored days hold, with id, version, title and abstract (the latest
    /// day's, for a paper in several); authors and categories are not read.
    std::map<std::string, paper> stored_papers(std::span<const std::string> ids);

    /// The earliest held_until of (date, profile)'s held entries, if any are held.
    std::optional<std::int64_t> hold_deadline(std::string_view date, std::string_view profile);
    /// Days with a held entry whose re-scoring is due, oldest first.
    std::vector<std::string> held_days_due(std::int64_t now_ms);
    /// Held entries past their held_until become pending (due now), to be sent marked
    /// incomplete as their payload says. Returns them.
    std::vector<ledger_entry> release_expired_holds(std::int64_t now_ms);
    /// Entries matching `f`, oldest first.
    std::vector<ledger_entry> ledger(const ledger_filter& f);
    /// pending -> sending (attempts + 1) by process `pid`; false when another process took it.
    bool claim(std::int64_t id, std::int64_t pid, std::int64_t now_ms);
    /// Durable progress of a multi-message send (plugin.h: progress).
    void save_progress(std::int64_t id, std::string_view progress, std::int64_t now_ms);
    /// sending -> delivered; the payload's papers count as delivered to the profile.
    void mark_delivered(std::int64_t id, std::string_view receipt, std::int64_t now_ms);
    /// sending -> pending, to be tried at next_attempt_ms.
    void mark_retry(std::int64_t id, std::string_view error, std::int64_t next_attempt_ms, std::int64_t now_ms);
    /// sending -> failed (permanent, or given up).
    void mark_failed(std::int64_t id, std::string_view error, std::int64_t now_ms);
    /// Entries left "sending" by a process that no longer runs (`alive(pid)` false) become
    /// pending and due now: the send may or may not have reached the channel. Returns them.
    std::vector<ledger_entry> recover_interrupted(const std::function<bool(std::int64_t)>& alive, std::int64_t now_ms);
    /// A new generation for (date, profile, channel) from the latest payload of that day and
    /// profile, with a "delivery_key" that makes it a distinct message; nullopt when the day
    /// has no digest for that profile.
    std::optional<std::int64_t> create_resend(std::string_view date, std::string_view profile, std::string_view channel,
                                              std::int64_t now_ms);
    /// Which of `ids` were delivered to `profile` for a day before `date` (one lookup an id:
    /// the papers delivered over years are not read).
    std::set<std::string> delivered_papers_before(std::string_view profile, std::string_view date, std::span<const std::string> ids);
    /// The latest announcement day whose runs all completed for every profile in `profiles`
    /// (reported, no announcement, or recorded as missed).
    std::optional<std::string> last_completed_day(const std::vector<std::string>& profiles);
    /// Days recorded as missed on or after `since` (YYYY-MM-DD) that were neither reported nor
    /// stored since, oldest first: what schedule.backfill rebuilds.
    std::vector<std::string> missed_days(std::string_view since);
    /// Days since `since` whose run found no announcement (an empty feed: an arXiv holiday).
    std::set<std::string> no_announcement_days(std::string_view since);
    /// A run record saying the day was not reported, and why.
    void record_missed(std::string_view date, std::string_view profile, std::string_view reason);
    /// The earliest next_attempt_ms of a pending or held ledger entry.
    std::optional<std::int64_t> next_pending_attempt();
    /// The most recent runs, newest first.
    std::vector<run_record> recent_runs(int limit);
    /// How many ledger entries have each status.
    std::map<delivery_status, long> ledger_counts();

    /// state.keep_days: the papers of days before `cut` (YYYY-MM-DD) that no vote, library entry
    /// or delivered digest names are dropped, with their cached scores (unless a later day
    /// holds the paper too); such days are then recorded as forgotten. The ledger, the runs,
    /// votes and library are kept whole, so resend, status and the archive (made from the
    /// reports in output.dir) are unchanged. Returns how many papers were dropped.
    long forget_before(std::string_view cut);
    /// Drops the cached scores under keys starting with `key_prefix` of the papers of the days
    /// in [from, to) that no later day holds. Returns how many were dropped.
    long drop_scores(std::string_view key_prefix, std::string_view from, std::string_view to);
    /// Whether forget_before dropped papers of `date`.
    bool forgotten(std::string_view date);

    /// What the state holds and what it costs on disk (`paperboy status --storage`).
    struct storage_report {
        std::int64_t file_bytes = 0, free_bytes = 0;       // the database file, its unused pages
        std::map<std::string, std::int64_t> table_bytes;   // each table with its indexes (dbstat)
        std::map<std::string, long> rows;                  // days, papers, scores, votes, ...
        std::string first_day, last_day;
        std::string integrity;  // SQLite's quick_check of the whole file: "ok" or its first finding
    };
    storage_report storage();
    /// Housekeeping a long-lived state needs (the daemon runs it once a day): PRAGMA optimize,
    /// and the free pages given back to the file system (incremental vacuum, when enabled).
    void maintain();

private:
    explicit state_store(sqlite::connection db);

    sqlite::connection db_;
};

/// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_timestamp();

}  // namespace paperboy
