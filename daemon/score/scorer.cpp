#include "score/scorer.hpp"

#include "score/llm_scorer.hpp"
#include "score/offline_scorer.hpp"
#include "score/replay_scorer.hpp"

namespace paperboy {

std::unique_ptr<scorer> make_scorer(const llm_config& llm, const std::optional<std::filesystem::path>& plugin_dir) {
    if (llm.plugin == "offline") return std::make_unique<offline_scorer>();
    if (llm.plugin == "replay") return std::make_unique<replay_scorer>(llm);
    const auto path = find_plugin(llm.plugin, plugin_search_path(plugin_dir)).value();
    auto plugin = loaded_plugin::load(path).value();
    if (plugin->kind() != PB_KIND_LLM) {
        throw failure(make_error(errc::config_invalid, "/llm/plugin: '" + llm.plugin + "' is not an LLM plugin"));
    }
    std::vector<std::unique_ptr<plugin_instance>> instances;
    const auto settings = llm.plugin_settings.dump();
    for (int i = 0; i < llm.concurrency; ++i) {
        auto inst = plugin_instance::create(plugin, settings);
        if (!inst) {
            auto e = inst.error();
            if (e.code == errc::config_invalid) e.detail = "/llm/" + e.detail.substr(e.detail.find(": ") + 2);
            throw failure(e);
        }
        instances.push_back(std::move(*inst));
    }
    return std::make_unique<llm_scorer>(llm, std::move(instances));
}

}  // namespace paperboy
