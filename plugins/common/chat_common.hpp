// Helpers shared by the chat channel plugins (header-only, pure).
#pragma once

#include <nlohmann/json.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace paperboy::chat {

/// At most `max` bytes of `s`, cut on a UTF-8 boundary, with "…" when cut.
inline std::string truncate(std::string_view s, std::size_t max) {
    if (s.size() <= max) return std::string(s);
    constexpr std::string_view ellipsis = "\xE2\x80\xA6";
    std::size_t cut = max >= ellipsis.size() ? max - ellipsis.size() : 0;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return std::string(s.substr(0, cut)) + std::string(ellipsis);
}

/// Characters as the chat services count them (code points).
inline std::size_t length(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

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

/// A Retry-After value in seconds (possibly fractional) as milliseconds.
inline std::optional<long> seconds_to_ms(std::string_view s) {
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size() || v < 0) return std::nullopt;
    return static_cast<long>(v * 1000 + 0.5);
}

}  // namespace paperboy::chat
