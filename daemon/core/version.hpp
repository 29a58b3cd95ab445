// The version paperboy reports (--version, User-Agent, JSON reports).
#pragma once

#include <string_view>

namespace paperboy {
inline constexpr std::string_view version_string = PAPERBOY_VERSION;
}
