// Where tests find their data and the binary under test (set by tests/CMakeLists.txt).
#pragma once

#include <filesystem>

namespace paperboy::test {

inline std::filesystem::path source_dir() { return PAPERBOY_SOURCE_DIR; }
inline std::filesystem::path data_dir() { return source_dir() / "tests" / "data"; }
inline std::filesystem::path golden_feed() { return source_dir() / "config" / "demo" / "feed-2025-07-23.xml"; }
inline std::filesystem::path paperboy_binary() { return PAPERBOY_BINARY; }

}  // namespace paperboy::test
