// The llm_batches table: Batch API jobs in flight, so that a restart resumes them.
#include "state/state_store.hpp"

namespace paperboy {

std::optional<state_store::llm_batch> state_store::find_llm_batch(std::string_view key) {
    auto q = db_.prepare("SELECT batch_id, submitted_ms, requests FROM llm_batches WHERE key = ?");
    q.bind(1, key);
    if (!q.step()) return std::nullopt;
    return llm_batch{q.column_text(0), q.column_int(1), static_cast<int>(q.column_int(2))};
}

void state_store::save_llm_batch(std::string_view key, const llm_batch& b) {
    auto up = db_.prepare("INSERT OR REPLACE INTO llm_batches(key, batch_id, submitted_ms, requests) VALUES(?, ?, ?, ?)");
    up.bind(1, key).bind(2, b.batch_id).bind(3, b.submitted_ms).bind(4, static_cast<std::int64_t>(b.requests)).run();
}

void state_store::purge_llm_batches(std::int64_t older_than_ms) {
    auto del = db_.prepare("DELETE FROM llm_batches WHERE submitted_ms < ?");
    del.bind(1, older_than_ms).run();
}

}  // namespace paperboy
