// Opening the state database: creating it, checking it is paperboy's, and migrating older
// versions to the current schema (3).
#pragma once

#include "state/sqlite.hpp"

#include <filesystem>

namespace paperboy {

/// The state database at `path`, at schema version 3, in WAL mode.
/// - Absent: a new one is made under a temporary name and linked into place only when complete,
///   so a kill while it is made leaves nothing the next start has to refuse.
/// - Versions 1 and 2 are migrated in place, their rows kept.
/// - Refused with errc::state naming the file and the way out: an empty file (a truncated
///   copy), another program's database, a damaged file, or a newer schema. Refusing matters: a state taken as new would send every day again.
sqlite::connection open_state_database(const std::filesystem::path& path);
/// A new, empty state in memory (the same schema), gone when closed.
sqlite::connection open_scratch_database();

}  // namespace paperboy
