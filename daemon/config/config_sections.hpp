// The configuration's smaller top-level sections, each read from the root object `r` into its
// part of the config; a mistake throws config_error naming its JSON pointer. Used by config.cpp
// only, which reads each section on its own so that all of a file's mistakes are reported.
#pragma once

#include "config/config.hpp"
#include "config/json_reader.hpp"

#include <filesystem>

namespace paperboy::config_reader {

/// "delivery": retry policy and deliver_repeats.
void read_delivery(object_reader& r, delivery_config& out, const std::filesystem::path& base_dir);
/// "feedback": reactions and their emojis.
void read_feedback(object_reader& r, feedback_config& out, const std::filesystem::path& base_dir);
/// "report": near_misses, tldr, language.
void read_report(object_reader& r, config& c, const std::filesystem::path& base_dir);
/// "output" and "state": the directories, relative ones resolved against base_dir, and keep_days.
void read_files(object_reader& r, config& c, const std::filesystem::path& base_dir);
/// "schedule": time, retries, timezone, backfill.
void read_schedule(object_reader& r, schedule_config& out, const std::filesystem::path& base_dir);
/// "server": listen and public_url.
void read_server(object_reader& r, config& c, const std::filesystem::path& base_dir);

}  // namespace paperboy::config_reader
