#include "score/pricing.hpp"

#include <cmath>
#include <cstdio>

namespace paperboy {

std::optional<run_cost> compute_cost(const std::map<std::string, price>& prices, const std::string& model,
                                     const token_usage& usage, const std::string& title_model) {
    // Nothing spent costs nothing, priced or not (a day scored from the cache).
    if (usage.prompt_tokens == 0 && usage.completion_tokens == 0) return run_cost{};
    const auto title = usage.title_part();
    if (!title_model.empty() && title_model != model && (title.prompt_tokens > 0 || title.completion_tokens > 0)) {
        auto rest = usage;
        rest.prompt_tokens -= title.prompt_tokens;
        rest.completion_tokens -= title.completion_tokens;
        rest.cached_tokens -= title.cached_tokens;
        rest.title_prompt_tokens = rest.title_completion_tokens = rest.title_cached_tokens = 0;
        const auto main = compute_cost(prices, model, rest);
        const auto titles = compute_cost(prices, title_model, title);
        if (!main || !titles) return std::nullopt;
        return run_cost{main->prompt_usd + titles->prompt_usd, main->completion_usd + titles->completion_usd};
    }
    const auto it = prices.find(model);
    if (it == prices.end()) return std::nullopt;
    const auto& p = it->second;
    const auto at_list_price = [&](const token_usage& u) {
        const double cached = static_cast<double>(u.cached_tokens);
        const double uncached = static_cast<double>(u.prompt_tokens - u.cached_tokens);
        run_cost c;
        c.prompt_usd = (uncached * p.prompt_per_million + cached * p.cached_per_million.value_or(p.prompt_per_million)) / 1e6;
        c.completion_usd = static_cast<double>(u.completion_tokens) * p.completion_per_million / 1e6;
        return c;
    };
    auto c = at_list_price(usage);
    const auto batch = at_list_price(usage.batch_part());
    c.prompt_usd -= (1 - batch_price_factor) * batch.prompt_usd;
    c.completion_usd -= (1 - batch_price_factor) * batch.completion_usd;
    return c;
}

std::string format_usd(double usd) {
    const double cents = std::round(usd * 100.0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "$%.2f", cents / 100.0);
    return buf;
}

}  // namespace paperboy
