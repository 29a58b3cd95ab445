// The reader's side of the state: the vote link secret, votes, the imported library and
// unsubscribed addresses.
#include "state/state_store.hpp"

#include <sqlite3.h>
#include <openssl/rand.h>

#include <algorithm>

namespace paperboy {
namespace {

// A row of "SELECT profile, paper_id, date, vote, source, created_at FROM votes".
vote vote_of(sqlite::statement& q) {
    return {q.column_text(0), q.column_text(1), q.column_text(2), static_cast<int>(q.column_int(3)), q.column_text(4), q.column_text(5)};
}

}  // namespace

std::string state_store::link_secret() {
    {
        auto q = db_.prepare("SELECT value FROM meta WHERE key = 'link_secret'");
        if (q.step()) return q.column_text(0);
    }
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw failure(make_error(errc::state, "no random bytes for the vote link secret"));
    static constexpr char digits[] = "0123456789abcdef";
    std::string secret;
    for (const unsigned char b : bytes) {
        secret += digits[b >> 4];
        secret += digits[b & 0xf];
    }
    // INSERT OR IGNORE: two processes making one at once keep the first.
    auto ins = db_.prepare("INSERT OR IGNORE INTO meta(key, value) VALUES('link_secret', ?)");
    ins.bind(1, secret).run();
    auto q = db_.prepare("SELECT value FROM meta WHERE key = 'link_secret'");
    q.step();
    return q.column_text(0);
}

void state_store::record_votes(const std::vector<vote>& votes) {
    sqlite::transaction tx(db_);
    auto up = db_.prepare(
        "INSERT INTO votes(profile, paper_id, date, vote, source, created_at) VALUES(?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(profile, paper_id) DO UPDATE SET date = excluded.date, vote = excluded.vote, source = excluded.source, "
        "created_at = excluded.created_at");
    for (const auto& v : votes) {
        up.bind(1, v.profile).bind(2, v.paper_id).bind(3, v.date).bind(4, static_cast<std::int64_t>(v.value > 0 ? 1 : -1));
        up.bind(5, v.source).bind(6, v.created_at.empty() ? utc_timestamp() : v.created_at).run();
    }
    tx.commit();
}

std::vector<vote> state_store::votes(std::string_view profile, std::optional<std::size_t> most_recent) {
    auto q = db_.prepare(
        "SELECT profile, paper_id, date, vote, source, created_at FROM votes WHERE profile = ? ORDER BY date DESC, paper_id DESC LIMIT ?");
    q.bind(1, profile).bind(2, most_recent ? static_cast<std::int64_t>(*most_recent) : std::int64_t{-1});
    std::vector<vote> out;
    while (q.step()) {
        out.push_back(vote_of(q));
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::map<std::string, vote> state_store::votes_on(std::string_view profile, std::span<const std::string> paper_ids) {
    sqlite::read_snapshot snapshot(db_);
    auto q = db_.prepare("SELECT profile, paper_id, date, vote, source, created_at FROM votes WHERE profile = ? AND paper_id = ?");
    std::map<std::string, vote> out;
    for (const auto& id : paper_ids) {
        q.bind(1, profile).bind(2, id);
        if (q.step()) {
            out.emplace(id, vote_of(q));
        }
        q.reset();
    }
    return out;
}

state_store::vote_count state_store::count_votes(std::string_view profile) {
    auto q = db_.prepare("SELECT COALESCE(SUM(vote > 0), 0), COALESCE(SUM(vote < 0), 0) FROM votes WHERE profile = ?");
    q.bind(1, profile);
    vote_count out;
    if (q.step()) {
        out.likes = static_cast<std::size_t>(q.column_int(0));
        out.dislikes = static_cast<std::size_t>(q.column_int(1));
    }
    return out;
}

std::size_t state_store::add_to_library(std::string_view profile, const std::vector<library_entry>& entries, std::string_view source) {
    sqlite::transaction tx(db_);
    auto ins = db_.prepare("INSERT OR IGNORE INTO library(profile, key, title, abstract, arxiv_id, source, created_at) VALUES(?, ?, ?, ?, ?, ?, ?)");
    const auto now = utc_timestamp();
    std::size_t added = 0;
    for (const auto& e : entries) {
        ins.bind(1, profile).bind(2, e.key).bind(3, e.title).bind(4, e.abstract).bind(5, e.arxiv_id).bind(6, source).bind(7, now).run();
        added += static_cast<std::size_t>(sqlite3_changes(db_.handle()));
    }
    tx.commit();
    return added;
}

std::vector<library_entry> state_store::library(std::string_view profile) {
    auto q = db_.prepare("SELECT key, title, abstract, arxiv_id FROM library WHERE profile = ? ORDER BY key");
    q.bind(1, profile);
    std::vector<library_entry> out;
    while (q.step()) out.push_back({q.column_text(0), q.column_text(1), q.column_text(2), q.column_text(3)});
    return out;
}

bool state_store::unsubscribe(std::string_view profile, std::string_view channel, std::string_view address) {
    auto ins = db_.prepare("INSERT OR IGNORE INTO unsubscribed(profile, channel, address, created_at) VALUES(?, ?, ?, ?)");
    ins.bind(1, profile).bind(2, channel).bind(3, address).bind(4, utc_timestamp()).run();
    return sqlite3_changes(db_.handle()) > 0;
}

std::vector<std::string> state_store::unsubscribed(std::string_view profile, std::string_view channel) {
    auto q = db_.prepare("SELECT address FROM unsubscribed WHERE profile = ? AND channel = ? ORDER BY address");
    q.bind(1, profile).bind(2, channel);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.column_text(0));
    return out;
}

}  // namespace paperboy
