// How the state stores an abstract (and a ledger entry's digest): raw deflate (zlib) with a preset dictionary of the
// phrases frequent in arXiv abstracts (text_dictionary.inc), so a day of 1,000 papers costs
// under 1 MB instead of 2. Pure; the format byte in front lets a later version change the
// method without touching what is stored.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace paperboy {

/// The largest text unpack_text gives back: more is damage, not an abstract.
inline constexpr std::size_t packed_text_max = 1 << 20;

/// Format 1: the byte 0x01, then raw deflate of `text` against the dictionary.
std::string pack_text(std::string_view text);
/// The text back; nullopt when the bytes are not format 1 or are damaged, or when it would
/// exceed `max` (packed_text_max: an abstract; a stored digest may be larger).
std::optional<std::string> unpack_text(std::string_view packed, std::size_t max = packed_text_max);

}  // namespace paperboy
