// Small, allocation-light text helpers shared by parsing, matching and rendering.
// All functions are pure, thread-safe and never throw except std::bad_alloc.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy::text {

/// `s` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s) noexcept;

/// `s` without the `c`s it ends with ("https://x.org//" -> "https://x.org" for '/').
std::string_view without_trailing(std::string_view s, char c) noexcept;

/// Every run of whitespace (space, tab, CR, LF, VT, FF, and other C0 controls) becomes one
/// space; the result is trimmed. Untrusted single-line fields go through this so that no
/// field can start a new line in any output.
std::string collapse_whitespace(std::string_view s);

/// An untrusted one-line field (a model's comment): valid UTF-8, no control characters, runs
/// of whitespace collapsed, and at most `max_bytes` bytes, cut on a code point boundary with
/// "…" when cut.
std::string clean_line(std::string_view s, std::size_t max_bytes);

/// The candidate closest to `word` by edit distance (case-insensitive), if it is within
/// `max_distance` edits: for "did you mean ...?" hints. Empty when none is close enough.
std::string closest(std::string_view word, const std::vector<std::string>& candidates, std::size_t max_distance = 2);

/// `items` joined by ", ".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

/// ASCII lower-casing (bytes >= 0x80 are kept as they are).
std::string ascii_lower(std::string_view s);

/// Lower-cased, accent-free form for comparisons: Latin letters with diacritics
/// (U+00C0..U+017F, e.g. "É", "ñ", "Ĳ") map to their ASCII base letters, everything that is
/// not a letter or digit becomes a single space, and the result is trimmed. Code points it
/// does not know (CJK, emoji) are kept as their UTF-8 bytes so they still compare equal to
/// themselves. Example: "Émilie du Châtelet" -> "emilie du chatelet".
std::string fold(std::string_view s);

/// Splits on `sep`, trimming each piece and dropping empty pieces.
std::vector<std::string> split(std::string_view s, char sep);

/// Replaces every occurrence of `from` (non-empty) by `to`.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

/// `s` with %XX escapes decoded (and '+' as a space when `plus_is_space`, as in form bodies);
/// nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false);

/// True when `s` is valid UTF-8.
bool is_valid_utf8(std::string_view s) noexcept;

/// `s` with invalid UTF-8 sequences replaced by U+FFFD, so that JSON and HTML output never
/// fail or emit garbage on bad input.
std::string sanitize_utf8(std::string_view s);

}  // namespace paperboy::text
