// A stable, fast, non-cryptographic hash for cache keys and ETags.
#pragma once

#include <string>
#include <string_view>

namespace paperboy {

/// FNV-1a 64-bit hash as 16 hex digits; used for cache keys, not for security.
std::string stable_hash(std::string_view text);

}  // namespace paperboy
