// Helpers shared by the chat channel plugins (header-only, pure).
#pragma once

#include "paperboy/paper_ids.hpp"
#include "paperboy/plugin_sdk.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace paperboy::chat {

/// At most `max` bytes of `s`, cut on a UTF-8 boundary, with "…" when cut.
inline std::string truncate(std::string_view s, std::size_t max) {
    if (s.size() <= max) return std::string(s);
    constexpr std::string_view ellipsis = "\xE2\x80\xA6";
    std::size_t cut = max >= ellipsis.size() ? max - ellipsis.size() : 0;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return std::string(s.substr(0, cut)) + std::string(ellipsis);
}

/// `text` escaped with `escape_one` (which escapes one code point, given as its UTF-8 bytes)
/// and cut to at most `max` characters of output (code points, as the services count), with
/// "…" when cut. The cut comes after escaping, between escaped units: never inside "&amp;",
/// a "\*" pair or a UTF-8 sequence, so the limit holds and no entity is broken. Links are
/// built around the result by the caller, so a cut never lands inside one either.
template <class EscapeOne>
std::string escape_and_cut(std::string_view text, std::size_t max, EscapeOne&& escape_one) {
    const auto chars_of = [](std::string_view u) {
        std::size_t n = 0;
        for (const char c : u) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        return n;
    };
    std::string out, cut;  // `cut`: the longest prefix that leaves room for the ellipsis
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t n = std::min<std::size_t>(lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1, text.size() - i);
        const std::string unit = escape_one(text.substr(i, n));
        const auto unit_chars = chars_of(unit);
        if (chars + unit_chars > max) return cut + "\xE2\x80\xA6";
        if (chars + unit_chars + 1 <= max) cut += unit;
        out += unit;
        chars += unit_chars;
        i += n;
    }
    return out;
}

/// "paperboy-<16 hex>": the same for every attempt at one delivery (the digest's date, profile,
/// channel and delivery_key) and new for a deliberate resend; an idempotency key for services
/// and receivers that deduplicate. FNV-1a, spelled out so the id survives an upgrade between a
/// crash and its retry.
inline std::string delivery_id(const nlohmann::json& digest) {
    std::uint64_t h = 1469598103934665603ull;
    for (const char* key : {"date", "profile", "channel", "delivery_key"}) {
        const auto v = digest.contains(key) && digest[key].is_string() ? digest[key].get<std::string>() : std::string();
        for (const unsigned char c : v) h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0x1f) * 1099511628211ull;
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "paperboy-";
    for (int i = 15; i >= 0; --i) out += hex[(h >> (4 * i)) & 15];
    return out;
}

/// `v` percent-encoded for a URL path segment or query value: only [A-Za-z0-9._-] stay.
inline std::string url_encoded(std::string_view v) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : v) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

/// Characters as the chat services count them (code points).
inline std::size_t length(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

/// The digest's incomplete-scoring notice ("Incomplete digest: 37 of 262 papers could not be
/// scored (...)"), or empty for a complete digest. Untrusted text: escape it.
inline std::string incomplete_text(const nlohmann::json& digest) {
    const auto it = digest.find("incomplete");
    if (it == digest.end() || !it->is_object() || !it->contains("text") || !(*it)["text"].is_string()) return {};
    return (*it)["text"].get<std::string>();
}

/// A paper's id, for building links: the host sends only arXiv ids and bioRxiv/medRxiv ids
/// (sdk::links_for), and this keeps it so even for a digest from elsewhere; anything else is
/// refused, so no id can close a link or start a mention.
inline std::string paper_id(const nlohmann::json& paper) {
    const auto it = paper.find("id");
    if (it == paper.end() || !it->is_string()) throw sdk::plugin_error(PB_INTERNAL, "a digest paper has no id");
    const auto& id = it->get_ref<const std::string&>();
    if (!sdk::links_for(id)) throw sdk::plugin_error(PB_INTERNAL, "a digest paper has an id that is neither an arXiv nor a bioRxiv/medRxiv id");
    return id;
}

/// The paper's page and PDF on its own server (arXiv, bioRxiv or medRxiv), from its checked id.
inline sdk::paper_links links(const nlohmann::json& paper) { return *sdk::links_for(paper_id(paper)); }

inline std::string join_authors(const nlohmann::json& authors) {
    std::string out;
    for (const auto& a : authors) {
        if (!out.empty()) out += ", ";
        out += a.get<std::string>();
    }
    return out;
}

/// "Relevance 9 · Novelty 8", "Author match", or "Relevance 9 · Novelty not judged".
inline std::string scores_line(const nlohmann::json& p) {
    if (p.value("author_match", false)) return "Author match";
    std::string out = "Relevance " + (p["relevance"].is_number() ? std::to_string(p["relevance"].get<int>()) : std::string("?"));
    out += " \xC2\xB7 Novelty " + (p["novelty"].is_number() ? std::to_string(p["novelty"].get<int>()) : std::string("not judged"));
    return out;
}

/// "gpt-4o · 28661 tokens · $0.09" for the digest's statistics line.
inline std::string usage_line(const nlohmann::json& digest) {
    const auto& st = digest["stats"];
    std::string out = digest.value("model", std::string("?"));
    const long tokens = st.value("prompt_tokens", 0L) + st.value("completion_tokens", 0L);
    out += " \xC2\xB7 " + std::to_string(tokens) + " tokens";
    if (st.contains("cost_usd") && st["cost_usd"].is_number()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "$%.2f", st["cost_usd"].get<double>());
        out += std::string(" \xC2\xB7 ") + buf;
    }
    out += " \xC2\xB7 " + std::to_string(st.value("scanned", 0L)) + " papers scanned";
    return out;
}

/// A Retry-After value in seconds (possibly fractional) as milliseconds (sdk::seconds_text_to_ms).
inline std::optional<long> seconds_to_ms(std::string_view s) {
    if (const auto ms = sdk::seconds_text_to_ms(s)) return static_cast<long>(*ms);
    return std::nullopt;
}

/// The settings every chat plugin has.
struct common_settings {
    int top_n = 0;                     // 0: every paper
    std::size_t abstract_chars;        // the plugin's default
    std::uint32_t timeout_ms = 30'000;
};

/// The plugin's config object; throws std::invalid_argument naming the first key outside
/// `known` (plus the common keys top_n, abstract_chars, timeout_seconds).
inline nlohmann::json config_object(std::string_view config_json, std::set<std::string> known, std::string_view plugin) {
    const auto j = nlohmann::json::parse(config_json, nullptr, false);
    if (!j.is_object()) throw std::invalid_argument("the configuration must be a JSON object");
    known.insert({"top_n", "abstract_chars", "timeout_seconds"});
    for (const auto& [key, v] : j.items()) {
        if (!known.contains(key)) throw std::invalid_argument(key + ": unknown key for the " + std::string(plugin) + " plugin");
    }
    return j;
}

/// j[key] as a string; std::invalid_argument naming the key otherwise.
inline std::string string_key(const nlohmann::json& j, const char* key) {
    if (!j[key].is_string()) throw std::invalid_argument(std::string(key) + ": expected a string");
    return j[key].get<std::string>();
}

/// Reads top_n, abstract_chars (at most `max_abstract`) and timeout_seconds into `s`.
inline void read_common(const nlohmann::json& j, common_settings& s, std::size_t max_abstract) {
    if (j.contains("top_n")) {
        if (!j["top_n"].is_number_integer() || j["top_n"].get<int>() < 0) throw std::invalid_argument("top_n: expected an integer >= 0");
        s.top_n = j["top_n"].get<int>();
    }
    if (j.contains("abstract_chars")) {
        const auto& v = j["abstract_chars"];
        if (!v.is_number_integer() || v.get<long>() < 0 || v.get<std::size_t>() > max_abstract) {
            throw std::invalid_argument("abstract_chars: expected an integer from 0 to " + std::to_string(max_abstract));
        }
        s.abstract_chars = v.get<std::size_t>();
    }
    if (j.contains("timeout_seconds")) {
        const auto ms = j["timeout_seconds"].is_number() ? sdk::timeout_setting_ms(j["timeout_seconds"].get<double>()) : std::nullopt;
        if (!ms) throw std::invalid_argument("timeout_seconds: expected a number of seconds above 0 and at most 3600");
        s.timeout_ms = *ms;
    }
}

/// `parse(config_json)`, with any std::exception turned into PB_INVALID_CONFIG for the host.
template <class Parse>
auto settings_or_invalid_config(Parse&& parse, std::string_view config_json) {
    try {
        return parse(config_json);
    } catch (const std::exception& e) {
        throw sdk::plugin_error(PB_INVALID_CONFIG, e.what());
    }
}

/// The digest of a channel call (schema 1), or plugin_error when it is not one.
inline nlohmann::json digest_of(std::string_view request_json) {
    auto digest = nlohmann::json::parse(request_json, nullptr, false);
    if (!digest.is_object() || digest.value("schema", 0) != 1 || !digest.contains("papers") || !digest["papers"].is_array()) {
        throw sdk::plugin_error(PB_INTERNAL, "unsupported request (expected a schema 1 digest)");
    }
    return digest;
}

/// The host's request for the reactions on a delivered digest (docs/PLUGINS.md, "Reactions"):
/// {"schema": 1, "kind": "reactions", "digest": {...as delivered}, "receipts": [...],
///  "like": ["+1", ...], "dislike": ["-1", ...]}.
struct reactions_request {
    nlohmann::json digest;
    std::vector<std::string> receipts;
    std::set<std::string> like, dislike;
};

/// The request, or nullopt when the call is something else (a digest, a probe).
inline std::optional<reactions_request> reactions_request_of(std::string_view request_json) {
    if (request_json.find("\"reactions\"") == std::string_view::npos) return std::nullopt;
    const auto j = nlohmann::json::parse(request_json, nullptr, false);
    if (!j.is_object() || j.value("kind", std::string()) != "reactions") return std::nullopt;
    reactions_request r;
    r.digest = j.value("digest", nlohmann::json::object());
    if (!r.digest.is_object() || !r.digest.contains("papers") || !r.digest["papers"].is_array()) r.digest = {{"papers", nlohmann::json::array()}};
    for (const auto& x : j.value("receipts", nlohmann::json::array())) {
        if (x.is_string()) r.receipts.push_back(x.get<std::string>());
    }
    for (const char* key : {"like", "dislike"}) {
        for (const auto& x : j.value(key, nlohmann::json::array())) {
            if (x.is_string()) (key[0] == 'l' ? r.like : r.dislike).insert(x.get<std::string>());
        }
    }
    return r;
}

/// +1 when a message got more like reactions than dislike ones, -1 when fewer, 0 otherwise.
/// `reactions` is [(emoji name, count)] as the service lists them.
inline int net_vote(const std::vector<std::pair<std::string, long>>& reactions, const std::set<std::string>& like,
                    const std::set<std::string>& dislike) {
    long score = 0;
    for (const auto& [name, count] : reactions) {
        if (like.contains(name)) score += std::max(0L, count);
        if (dislike.contains(name)) score -= std::max(0L, count);
    }
    return score > 0 ? 1 : score < 0 ? -1 : 0;
}

/// One read of a message's reactions, as the plugins' interpret functions answer it.
struct reaction_read {
    pb_status status = PB_OK;
    std::vector<std::pair<std::string, long>> reactions;
    std::string error;
    std::optional<long> retry_after_ms;
};

/// The votes in the reactions on a digest's one-paper messages: `papers[i]` is the paper
/// message i alone holds ("" for none or several), `receipts[i]` its id at the service.
/// `read(receipt)` fetches one message's reactions; a 429 (transient with a Retry-After) is
/// waited out once per message, at most a minute; any other failure throws plugin_error.
/// Reads are `interval_ms` apart. Answers {"votes": [{"id", "value"}], "messages_read": N}.
template <class Read>
std::string collect_reaction_votes(const std::vector<std::string>& papers, const reactions_request& r, long interval_ms, Read&& read) {
    nlohmann::json votes = nlohmann::json::array();
    std::size_t done = 0;
    for (std::size_t i = 0; i < papers.size() && i < r.receipts.size(); ++i) {
        if (papers[i].empty() || r.receipts[i].empty()) continue;
        if (done > 0 && interval_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
        reaction_read a;
        for (int attempt = 0; attempt < 2; ++attempt) {
            a = read(r.receipts[i]);
            if (a.status != PB_TRANSIENT || !a.retry_after_ms || attempt == 1) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min(*a.retry_after_ms, 60'000L)));
        }
        if (a.status != PB_OK) throw sdk::plugin_error(a.status, a.error);
        ++done;
        if (const int v = net_vote(a.reactions, r.like, r.dislike); v != 0) votes.push_back({{"id", papers[i]}, {"value", v}});
    }
    return nlohmann::json{{"votes", votes}, {"messages_read", done}}.dump();
}

}  // namespace paperboy::chat
