#include "core/text.hpp"

#include <algorithm>

#include <array>
#include <cstdint>

namespace paperboy::text {
namespace {

bool is_space_or_control(unsigned char c) noexcept {
    return c == ' ' || c < 0x20 || c == 0x7f;
}

// ASCII base letters for U+00C0..U+017F; '\0' marks code points with no letter base
// (×, ÷). Two-letter folds (Æ, ß, Œ, Ĳ) are handled in fold_code_point.
using namespace std::string_view_literals;
constexpr std::string_view latin_fold =
    "AAAAAAACEEEEIIII"  // C0-CF
    "DNOOOOO\0OUUUUYTs"  // D0-DF
    "aaaaaaaceeeeiiii"  // E0-EF
    "dnooooo\0ouuuuyty"  // F0-FF
    "AaAaAaCcCcCcCcDd"  // 100-10F
    "DdEeEeEeEeEeGgGg"  // 110-11F
    "GgGgHhHhIiIiIiIi"  // 120-12F
    "IiJjJjKkkLlLlLlL"  // 130-13F
    "lLlNnNnNnnNnOoOo"  // 140-14F
    "OoOoRrRrRrSsSsSs"  // 150-15F
    "SsTtTtTtUuUuUuUu"  // 160-16F
    "UuUuWwYyYZzZzZzs"sv;  // 170-17F
static_assert(latin_fold.size() == 0x180 - 0xC0);

std::string_view fold_code_point(std::uint32_t cp) noexcept {
    switch (cp) {
        case 0xC6: case 0xE6: return "ae";
        case 0xDF: return "ss";
        case 0x152: case 0x153: return "oe";
        case 0x132: case 0x133: return "ij";
        case 0xDE: case 0xFE: return "th";
        default: break;
    }
    if (cp >= 0xC0 && cp <= 0x17F) {
        const char c = latin_fold[cp - 0xC0];
        if (c == '\0') return " ";
        return std::string_view(&latin_fold[cp - 0xC0], 1);
    }
    return {};
}

// Decodes one UTF-8 sequence at s[i]; returns its length (0 when invalid).
std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; }
    else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; }
    else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; }
    else return 0;
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    constexpr std::array<std::uint32_t, 5> min_for_len{0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

}  // namespace

std::string_view without_trailing(std::string_view s, char c) noexcept {
    while (!s.empty() && s.back() == c) s.remove_suffix(1);
    return s;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_space_or_control(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && is_space_or_control(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string collapse_whitespace(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool pending_space = false;
    for (const char ch : s) {
        if (is_space_or_control(static_cast<unsigned char>(ch))) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(ch);
    }
    return out;
}

std::string clean_line(std::string_view s, std::size_t max_bytes) {
    auto out = collapse_whitespace(sanitize_utf8(s));
    if (out.size() <= max_bytes) return out;
    constexpr std::string_view ellipsis = "\xE2\x80\xA6";
    std::size_t cut = max_bytes > ellipsis.size() ? max_bytes - ellipsis.size() : 0;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    return out + std::string(ellipsis);
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates, std::size_t max_distance) {
    const auto a = ascii_lower(word);
    std::string best;
    std::size_t best_distance = max_distance + 1;
    for (const auto& candidate : candidates) {
        const auto b = ascii_lower(candidate);
        // Levenshtein distance with one row; words here are short keys and names.
        std::vector<std::size_t> row(b.size() + 1);
        for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
        for (std::size_t i = 1; i <= a.size(); ++i) {
            std::size_t diagonal = row[0];
            row[0] = i;
            for (std::size_t j = 1; j <= b.size(); ++j) {
                const auto above = row[j];
                row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
                diagonal = above;
            }
        }
        if (row[b.size()] < best_distance) {
            best_distance = row[b.size()];
            best = candidate;
        }
    }
    return best;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+' && plus_is_space) {
            out += ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) return std::nullopt;
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string fold(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    auto put_separator = [&] {
        if (!out.empty() && out.back() != ' ') out.push_back(' ');
    };
    for (std::size_t i = 0; i < s.size();) {
        // ASCII, nearly all of a paper's text, without decoding.
        if (const auto c = s[i]; static_cast<unsigned char>(c) < 0x80) {
            if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
            else put_separator();
            ++i;
            continue;
        }
        std::uint32_t cp = 0;
        const auto len = decode(s, i, cp);
        if (len == 0) {  // invalid byte: treat as a separator
            put_separator();
            ++i;
            continue;
        }
        if (cp < 0x80) {
            const auto c = static_cast<char>(cp);
            if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
            else put_separator();
        } else if (const auto folded = fold_code_point(cp); !folded.empty()) {
            if (folded == " ") put_separator();
            else out += ascii_lower(folded);
        } else if (cp <= 0x2BF || (cp >= 0x2000 && cp <= 0x2BFF)) {
            // Punctuation, symbols and other Latin-range marks separate words.
            put_separator();
        } else {
            out.append(s.substr(i, len));
        }
        i += len;
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto end = s.find(sep, start);
        if (end == std::string_view::npos) end = s.size();
        const auto piece = trim(s.substr(start, end - start));
        if (!piece.empty()) parts.emplace_back(piece);
        start = end + 1;
    }
    return parts;
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
    std::string out;
    out.reserve(s.size());
    std::size_t pos = 0;
    while (true) {
        const auto hit = s.find(from, pos);
        if (hit == std::string_view::npos) break;
        out.append(s.substr(pos, hit - pos));
        out.append(to);
        pos = hit + from.size();
    }
    out.append(s.substr(pos));
    return out;
}

bool is_valid_utf8(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        const auto len = decode(s, i, cp);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

std::string sanitize_utf8(std::string_view s) {
    if (is_valid_utf8(s)) return std::string(s);
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        const auto len = decode(s, i, cp);
        if (len == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
    return out;
}

}  // namespace paperboy::text
