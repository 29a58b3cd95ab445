// Scoring through a provider's Batch API (llm.mode "batch"; protocols.md 2.6): submit every
// request at once, poll until the batch ends or its time is up (llm.batch_max_wait after
// submission, or the daemon's llm.batch_deadline), cancelling it early enough that the
// cancel settles by then and its finished answers are read. What the batch did not
// answer is the caller's to score synchronously, so a slow batch delays the digest by at most
// that and never loses a paper. The job lives in the
// state database while it runs: a restart polls the same batch instead of paying twice.
#pragma once

#include "config/config.hpp"
#include "plugin/loader.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace paperboy {

class state_store;

/// Whether llm.mode "batch" sends the title pre-filter through the Batch API too (before the
/// abstracts): yes unless a title_model of its own reads the titles, since a batch holds one
/// model; that model is then called directly.
inline bool title_pass_in_batch(const llm_config& llm) {
    return llm.batch_mode && llm.title_filter && (llm.title_model.empty() || llm.title_model == llm.model);
}

/// The wait before poll number `polls_done` + 1: `first` for the first three polls, then
/// doubling up to 4 x `first` (batches take minutes to hours: no need to ask every second).
std::chrono::milliseconds batch_poll_wait(int polls_done, std::chrono::milliseconds first);

/// Whether a batch submitted at `submitted_ms` has run out of time at `now_ms`: at `ends_ms`
/// when that is set (llm.batch_deadline, however early or late it was submitted), otherwise
/// `max_wait` after its submission.
bool batch_overdue(std::int64_t submitted_ms, std::chrono::seconds max_wait, std::int64_t ends_ms, std::int64_t now_ms);

/// Whether a batch submitted at `now_ms` could still be polled twice before llm.batch_ends_ms
/// (always, without a deadline); else its requests are sent directly.
bool batch_has_time(const llm_config& cfg, std::int64_t now_ms);

/// How long a cancelled batch may stay "cancelling" (OpenAI: up to 10 minutes) before it is
/// "cancelled" and its output file holds what it finished.
inline constexpr std::chrono::minutes batch_cancel_settles{10};

/// When to cancel a batch not done (unix ms): early enough that the cancel settles by the time
/// batch_overdue says it is over: batch_cancel_settles before that end, but never more than a
/// quarter of the batch's time. After the end nothing more is awaited.
std::int64_t batch_cancel_at(std::int64_t submitted_ms, std::chrono::seconds max_wait, std::int64_t ends_ms);

struct batch_request_entry {
    std::string custom_id;
    std::string system;
    std::string user;
};

struct batch_run {
    std::map<std::string, nlohmann::json> answers;  // custom_id -> the plugin's answer (content, usage)
    std::string note;      // what happened, for the report ("the batch expired: 3 of 40 requests ...")
    bool resumed = false;  // an earlier process had submitted it
    std::string batch_id;
};

/// Runs `requests` as one batch through `inst` (an LLM plugin speaking the batch kinds).
/// `key` names the job (a hash of the model and every prompt); `state` may be null (nothing
/// to resume then). Never throws for the provider: a batch that cannot be submitted, fails,
/// expires or runs over time returns the answers it has, and a note.
batch_run run_llm_batch(plugin_instance& inst, state_store* state, const std::string& key, const std::vector<batch_request_entry>& requests,
                        const llm_config& cfg);

}  // namespace paperboy
