// Finding, loading and checking plugins (include/paperboy/plugin.h), and running their calls.
#pragma once

#include "core/error.hpp"

#include "paperboy/plugin.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

/// A loaded plugin: the dlopen handle and its checked descriptor. dlclose runs when the last
/// shared_ptr goes, so instances (which hold one) are always destroyed before their code is
/// unloaded.
class loaded_plugin {
public:
    ~loaded_plugin();
    loaded_plugin(const loaded_plugin&) = delete;
    loaded_plugin& operator=(const loaded_plugin&) = delete;

    const pb_plugin& descriptor() const noexcept { return *descriptor_; }
    std::string_view name() const noexcept { return descriptor_->name; }
    pb_kind kind() const noexcept { return descriptor_->kind; }
    const std::filesystem::path& path() const noexcept { return path_; }

    /// dlopen(RTLD_NOW | RTLD_LOCAL) of a regular file, then the ABI checks: the entry symbol
    /// exists, returns a descriptor for PB_PLUGIN_ABI_VERSION, and the descriptor is complete.
    /// errc::plugin with a message naming the file and what is wrong.
    static result<std::shared_ptr<loaded_plugin>> load(const std::filesystem::path& path);

private:
    loaded_plugin() = default;
    void* handle_ = nullptr;
    const pb_plugin* descriptor_ = nullptr;
    std::filesystem::path path_;
};


/// Where plugins are looked for, first match wins: `plugin_dir` from the config (when set), the
/// "plugins" folder next to the running binary and beside its parent (the build tree),
/// <binary>/../lib/paperboy/plugins (an installed tree, wherever it was moved), and the install
/// location (<prefix>/lib/paperboy/plugins).
std::vector<std::filesystem::path> plugin_search_path(const std::optional<std::filesystem::path>& plugin_dir);

/// The file for plugin `name` ([a-z0-9_]+, "<name>.so") in `dirs`. When it is nowhere:
/// errc::config_invalid (the configuration names a plugin this installation lacks) listing the
/// folders searched and the plugins found there, with a "did you mean" for a near miss;
/// errc::plugin when the name is not a plugin name.
result<std::filesystem::path> find_plugin(std::string_view name, const std::vector<std::filesystem::path>& dirs);

/// Every loadable "*.so" in `dirs` (first occurrence of each name); files that fail to load are
/// reported in `problems`.
std::vector<std::shared_ptr<loaded_plugin>> discover_plugins(const std::vector<std::filesystem::path>& dirs,
                                                             std::vector<std::string>& problems);

namespace detail {
/// What pb_host_api.host_ctx points at for one instance.
struct host_context {
    std::string tag;                                                      // the plugin's name, for log lines
    const std::function<void(std::string_view)>* on_progress = nullptr;   // set during a call
};
}  // namespace detail

/// One instance of a plugin, created with its config and destroyed with this object. Calls are
/// serialised: the ABI promises a plugin never sees two calls on one instance at once.
class plugin_instance {
public:
    /// create() with `config_json`; errc::config_invalid for PB_INVALID_CONFIG, errc::plugin
    /// otherwise, the plugin's message in the detail.
    static result<std::unique_ptr<plugin_instance>> create(std::shared_ptr<loaded_plugin> plugin, std::string_view config_json);
    ~plugin_instance();
    plugin_instance(const plugin_instance&) = delete;
    plugin_instance& operator=(const plugin_instance&) = delete;

    struct call_result {
        pb_status status = PB_OK;
        std::string output;   // what the plugin wrote (also on failure: hints)
        std::string message;  // the plugin's error message on failure
    };
    /// Runs call(); blocks; thread-safe. `on_progress` gets the plugin's progress reports
    /// (plugin.h: progress) on the calling thread, during the call.
    call_result call(std::string_view request_json, const std::function<void(std::string_view)>& on_progress = {});

    const loaded_plugin& plugin() const noexcept { return *plugin_; }

private:
    plugin_instance() = default;
    std::shared_ptr<loaded_plugin> plugin_;
    std::unique_ptr<pb_host_api> host_;
    std::unique_ptr<detail::host_context> context_;
    void* instance_ = nullptr;
    std::mutex mutex_;
};

/// A plugin's PB_INVALID_CONFIG message ("key: what") as an error a user can act on:
/// "<pointer_prefix>/<key>: <what>", and for an unknown key the keys the plugin accepts (from
/// its config doc) with a "did you mean" for a near miss. `pointer_prefix` is e.g. "/llm" or
/// "/channels/lab-mail". errc::config_invalid.
error plugin_settings_error(const loaded_plugin& plugin, std::string_view pointer_prefix, std::string_view message);

/// The retry class of a status, as paperboy's error type.
error plugin_error(pb_status status, std::string message);

}  // namespace paperboy
