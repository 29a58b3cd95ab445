// Logging setup: spdlog to stderr without colour. Under systemd (JOURNAL_STREAM set) lines
// carry no timestamp, since the journal adds its own.
#pragma once

#include <spdlog/spdlog.h>

namespace paperboy {

/// Installs the default logger. Call once, before other threads start.
void setup_logging(spdlog::level::level_enum level);

}  // namespace paperboy
