// File helpers with the guarantees the outputs and state need.
#pragma once

#include "core/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace paperboy {

/// The whole file as bytes; errc::io with the path and the OS reason on failure, or when it
/// holds more than `max_bytes` (it is not read further: /dev/zero or a huge file ends there).
result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes = std::size_t(1) << 30);

/// Replaces `path` atomically: writes a temporary file in the same folder, flushes it to disk,
/// renames it over `path` and syncs the folder. Readers see the old or the new content, never
/// a partial file, even across a crash. Creates missing parent folders. errc::io on failure
/// (the temporary file is removed).
result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace paperboy
