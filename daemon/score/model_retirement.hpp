// When the configured models stop working: the provider's announced shutdown dates.
#pragma once

#include "config/config.hpp"
#include "core/dates.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace paperboy {

class plugin_instance;  // plugin/loader.hpp

struct model_retirement {
    std::string model;
    std::string key = "model";   // the llm key that names it: "model" or "title_model"
    std::string shutdown;        // YYYY-MM-DD
    long days_left = 0;          // from today; <= 0: shut down
    bool from_provider = false;  // the provider's own date (else the built-in table, llm.prices)
};

/// `model`'s retirement (named by llm.`key`): `provider_date` (what GET /models said: a date, or "" for "none
/// announced") wins over the table's date (price::shutdown), which serves providers that do
/// not say; nullopt when there is no date. Pure.
std::optional<model_retirement> retirement_of(const std::string& model, const std::optional<std::string>& provider_date,
                                              const std::map<std::string, price>& prices, day today, const std::string& key = "model");

/// A warning when `r` is within 30 days (or past): "the provider shuts gpt-5 down on
/// 2026-12-11, in 10 days: set llm.model to a current model before then ...", naming r.key. Pure.
std::optional<std::string> retirement_warning(const model_retirement& r);

/// Today as shutdown dates count: providers announce them as UTC days, so `check`, the scorer
/// and the daemon's /metrics agree on the days left whatever schedule.timezone says.
inline day shutdown_today(std::chrono::system_clock::time_point now) { return today_in("UTC", now); }

/// What the provider says of the configured models' shutdowns, through `inst` (kind
/// model_info: one GET /models each, with a short timeout): model -> shutdown_date, "" for none
/// announced; a model it does not answer for is absent (the table serves it).
std::map<std::string, std::string> ask_shutdown_dates(plugin_instance& inst, const llm_config& llm);

/// The configured models' retirements (llm.model, then llm.title_model): the provider's dates
/// from llm.provider_shutdowns when a caller already asked, else asked through `inst` (when
/// given). A provider that cannot answer, or does not announce dates, falls back to the table
/// silently (a debug line).
std::vector<model_retirement> model_retirements(plugin_instance* inst, const llm_config& llm, day today);

/// errc::config_invalid naming /llm/model (or /llm/title_model) when one of `rs` is shut down:
/// a dead model is never called. Returns normally otherwise.
void refuse_retired(const std::vector<model_retirement>& rs);

}  // namespace paperboy
