#include "score/scorer.hpp"

#include "score/llm_scorer.hpp"
#include "score/offline_scorer.hpp"
#include "score/ranker_scorer.hpp"
#include "score/replay_scorer.hpp"

namespace paperboy {

namespace {

std::vector<std::unique_ptr<plugin_instance>> llm_instances(const llm_config& llm, const std::optional<std::filesystem::path>& plugin_dir,
                                                            const std::filesystem::path& config_file, int count) {
    const auto in_file = [&](error e) {
        if (e.code == errc::config_invalid && !config_file.empty()) e.detail = config_file.string() + ": " + e.detail;
        return failure(std::move(e));
    };
    const auto path = find_plugin(llm.plugin, plugin_search_path(plugin_dir));
    if (!path) {
        auto e = path.error();
        if (e.code == errc::config_invalid) e.detail = "/llm/plugin: " + e.detail;
        throw in_file(std::move(e));
    }
    auto plugin = loaded_plugin::load(*path).value();
    if (plugin->kind() != PB_KIND_LLM) {
        throw in_file(make_error(errc::config_invalid, "/llm/plugin: '" + llm.plugin + "' is not an LLM plugin"));
    }
    std::vector<std::unique_ptr<plugin_instance>> instances;
    const auto settings = llm.plugin_settings.dump();
    for (int i = 0; i < count; ++i) {
        auto inst = plugin_instance::create(plugin, settings);
        if (!inst) {
            auto e = inst.error();
            // The loader prefixes the plugin's own "key: what" with the plugin's name.
            if (e.code == errc::config_invalid) e = plugin_settings_error(*plugin, "/llm", e.detail.substr(e.detail.find(": ") + 2));
            throw in_file(std::move(e));
        }
        instances.push_back(std::move(*inst));
    }
    return instances;
}

}  // namespace

std::unique_ptr<plugin_instance> make_llm_instance(const llm_config& llm, const std::optional<std::filesystem::path>& plugin_dir,
                                                   const std::filesystem::path& config_file) {
    if (llm.plugin == "offline" || llm.plugin == "replay") return nullptr;
    return std::move(llm_instances(llm, plugin_dir, config_file, 1).front());
}

std::unique_ptr<scorer> make_scorer(const llm_config& llm, const std::optional<std::filesystem::path>& plugin_dir,
                                    const std::filesystem::path& config_file, state_store* state) {
    if (llm.plugin == "offline") return std::make_unique<ranker_scorer>(state);
    if (llm.plugin == "replay") return std::make_unique<replay_scorer>(llm);
    return std::make_unique<llm_scorer>(llm, llm_instances(llm, plugin_dir, config_file, llm.concurrency), state);
}

}  // namespace paperboy
