// Reading paperboy's JSON configuration strictly: duplicate keys, numbers out of range, unknown
// keys and wrong types are errors that start with the JSON pointer of the offending value.
// Used by config.cpp only.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy::config_reader {

/// The most a configuration file, or a file named by a "*_file" key, may hold.
inline constexpr std::size_t max_config_bytes = 4 << 20;
inline constexpr std::size_t max_included_file_bytes = 1 << 20;

/// Thrown while reading; parse_config turns it into errc::config_invalid.
struct config_error {
    std::string message;  // "<pointer>: <what>"
};

[[noreturn]] void fail(const std::string& pointer, const std::string& what);

/// Parses JSON text, refusing what nlohmann would accept silently or throw on: a key given
/// twice in one object ("/llm/model: given twice"), numbers outside a double's range (1e400),
/// and nesting deeper than 64. Throws config_error.
/// Keys starting with "//" are comments: removed from every object of the result.
nlohmann::json parse_strict(std::string_view text);

/// `value` with ${VAR} expanded from the environment ("$${" is a literal "${"); an unset
/// variable is an error at `pointer`.
std::string expand_env(const std::string& pointer, const std::string& value);

/// 1-64 letters, digits, '-' or '_'.
bool valid_name(std::string_view s);

/// Reads one JSON object, remembering which keys were used so that unknown keys are reported
/// (with a "did you mean" for a near miss).
class object_reader {
public:
    object_reader(const nlohmann::json& obj, std::string pointer, const std::filesystem::path& base_dir);

    std::string at(const std::string& key) const { return pointer_ + "/" + key; }
    const nlohmann::json* find(const std::string& key);
    /// A string, or the content of "<key>_file" (at most max_included_file_bytes); ${VAR} expanded.
    std::optional<std::string> string(const std::string& key);
    std::optional<std::filesystem::path> path(const std::string& key);
    std::optional<long> integer(const std::string& key, long min, long max);
    /// A number in [min, max].
    std::optional<double> number(const std::string& key, double min, double max = 1e15);
    std::optional<bool> boolean(const std::string& key);
    std::optional<std::vector<std::string>> strings(const std::string& key);
    /// Keys of the object not read so far.
    std::vector<std::string> unused_keys() const;
    /// Fails on the first key not read.
    void finish() const;

private:
    std::filesystem::path resolve(const std::string& key, const nlohmann::json& v) const;

    const nlohmann::json& obj_;
    std::string pointer_;
    std::filesystem::path base_dir_;
    std::set<std::string> used_;
};

}  // namespace paperboy::config_reader
