#include "score/model_retirement.hpp"

#include "core/error.hpp"
#include "plugin/loader.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace paperboy {

std::optional<model_retirement> retirement_of(const std::string& model, const std::optional<std::string>& provider_date,
                                              const std::map<std::string, price>& prices, day today, const std::string& key) {
    std::string date;
    if (provider_date) date = *provider_date;
    else if (const auto it = prices.find(model); it != prices.end()) date = it->second.shutdown;
    const auto off = date.empty() ? std::nullopt : parse_iso_day(date);
    if (!off) return std::nullopt;
    return model_retirement{model, key, date, static_cast<long>((std::chrono::sys_days(*off) - std::chrono::sys_days(today)).count()),
                            provider_date.has_value()};
}

std::optional<std::string> retirement_warning(const model_retirement& r) {
    if (r.days_left > 30) return std::nullopt;
    const auto key = "llm." + r.key;
    const std::string source = r.from_provider ? "the provider's model list" : "paperboy's table, checked " + std::string(default_prices_checked);
    if (r.days_left <= 0) {
        return "the provider shut " + r.model + " down on " + r.shutdown + " (" + source + "): every call would fail; set " + key +
               " to a current model";
    }
    return "the provider shuts " + r.model + " down on " + r.shutdown + ", in " + std::to_string(r.days_left) + (r.days_left == 1 ? " day" : " days") +
           " (" + source + "): set " + key + " to a current model before then";
}

namespace {

std::optional<std::string> provider_date(plugin_instance& inst, const std::string& model) {
    const auto r = inst.call(nlohmann::json{{"schema", 1}, {"kind", "model_info"}, {"model", model}}.dump());
    if (r.status != PB_OK) {
        spdlog::debug("[{}] no model list ({}): shutdown dates from the built-in table", inst.plugin().name(), r.message);
        return std::nullopt;
    }
    const auto answer = nlohmann::json::parse(r.output, nullptr, false);
    if (!answer.is_object() || !answer.contains("shutdown_date")) return std::nullopt;  // the provider does not say
    return answer["shutdown_date"].is_string() ? answer["shutdown_date"].get<std::string>() : std::string();
}

// Each model a run calls, once, with the key that names it (llm.model first).
std::vector<std::pair<std::string, std::string>> configured_models(const llm_config& llm) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [model, key] : {std::pair{llm.model, "model"}, std::pair{llm.title_model, "title_model"}}) {
        const bool seen = std::any_of(out.begin(), out.end(), [&](const auto& m) { return m.first == model; });
        if (!model.empty() && !seen) out.emplace_back(model, key);
    }
    return out;
}

}  // namespace

std::map<std::string, std::string> ask_shutdown_dates(plugin_instance& inst, const llm_config& llm) {
    std::map<std::string, std::string> out;
    for (const auto& [model, key] : configured_models(llm)) {
        if (auto date = provider_date(inst, model)) out[model] = std::move(*date);
    }
    return out;
}

std::vector<model_retirement> model_retirements(plugin_instance* inst, const llm_config& llm, day today) {
    const auto dates = llm.provider_shutdowns ? *llm.provider_shutdowns : inst ? ask_shutdown_dates(*inst, llm) : std::map<std::string, std::string>{};
    std::vector<model_retirement> out;
    for (const auto& [model, key] : configured_models(llm)) {
        const auto asked = dates.find(model);
        const auto date = asked == dates.end() ? std::nullopt : std::optional<std::string>(asked->second);
        if (auto r = retirement_of(model, date, llm.prices, today, key)) out.push_back(std::move(*r));
    }
    return out;
}

void refuse_retired(const std::vector<model_retirement>& rs) {
    for (const auto& r : rs) {
        if (r.days_left <= 0) throw failure(make_error(errc::config_invalid, "/llm/" + r.key + ": " + *retirement_warning(r)));
    }
}

}  // namespace paperboy
