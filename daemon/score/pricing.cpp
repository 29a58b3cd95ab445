#include "score/pricing.hpp"

#include <cmath>
#include <cstdio>

namespace paperboy {

std::optional<run_cost> compute_cost(const std::map<std::string, price>& prices, const std::string& model,
                                     const token_usage& usage) {
    const auto it = prices.find(model);
    if (it == prices.end()) return std::nullopt;
    const auto& p = it->second;
    const double cached = static_cast<double>(usage.cached_tokens);
    const double uncached = static_cast<double>(usage.prompt_tokens - usage.cached_tokens);
    run_cost c;
    c.prompt_usd = (uncached * p.prompt_per_million + cached * p.cached_per_million.value_or(p.prompt_per_million)) / 1e6;
    c.completion_usd = static_cast<double>(usage.completion_tokens) * p.completion_per_million / 1e6;
    return c;
}

std::string format_usd(double usd) {
    const double cents = std::round(usd * 100.0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "$%.2f", cents / 100.0);
    return buf;
}

}  // namespace paperboy
