// What a run's tokens cost.
#pragma once

#include "config/config.hpp"
#include "core/dates.hpp"
#include "score/scorer.hpp"

#include <optional>
#include <string>

namespace paperboy {

struct run_cost {
    double prompt_usd = 0;      // cached tokens at the cached price when one is known
    double completion_usd = 0;
    double total_usd() const { return prompt_usd + completion_usd; }
};

/// The cost of `usage` with `model`'s price from `prices`; nullopt when the model has no
/// price (the report then says "unknown" rather than a made-up $0.00), except that no tokens
/// cost $0.00 whatever the model.
/// The batch part costs batch_price_factor of the list price; the title part is priced at
/// `title_model` (llm.title_model; nullopt too when it has no price).
std::optional<run_cost> compute_cost(const std::map<std::string, price>& prices, const std::string& model,
                                     const token_usage& usage, const std::string& title_model = {});

/// "$0.06": two decimals, rounded half away from zero.
std::string format_usd(double usd);

}  // namespace paperboy
