#include "score/progress.hpp"

#include "score/pricing.hpp"

namespace paperboy {

int progress_tenth(std::size_t done, std::size_t total) {
    if (total == 0) return 10;
    return static_cast<int>(std::min(done, total) * 10 / total);
}

std::string progress_text(const scoring_progress& p) {
    const auto percent = p.total == 0 ? 100 : static_cast<int>(std::min(p.done, p.total) * 100 / p.total);
    std::string out = "scoring: " + std::to_string(percent) + "% (" + std::to_string(p.done) + " of " + std::to_string(p.total) +
                      " papers), " + std::to_string(p.calls) + (p.calls == 1 ? " call, " : " calls, ") +
                      std::to_string(p.usage.prompt_tokens + p.usage.completion_tokens) + " tokens";
    if (p.usd) out += ", " + format_usd(*p.usd) + " so far";
    if (p.done > 0 && p.done < p.total) {
        const auto left_ms = p.elapsed.count() * static_cast<long long>(p.total - p.done) / static_cast<long long>(p.done);
        const auto secs = (left_ms + 999) / 1000;
        out += ", about " + (secs < 120 ? std::to_string(secs) + " s" : std::to_string((secs + 59) / 60) + " min") + " left";
    }
    return out;
}

}  // namespace paperboy
