// Scoring with a language model through an LLM plugin (plugin.h, kind PB_KIND_LLM).
#pragma once

#include "plugin/loader.hpp"
#include "score/scorer.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace paperboy {

/// Pure retry decision after failed attempt `attempt` (1-based) of one model call: the delay
/// before the next try, or nullopt to stop (permanent failure, or attempts used up).
/// Exponential from `base`, scaled by `jitter` in [0, 1) to between 50% and 100% so that
/// parallel workers do not retry in lockstep; a server's retry-after wins when longer.
std::optional<std::chrono::milliseconds> llm_retry_delay(pb_status status, int attempt,
                                                         std::optional<std::chrono::milliseconds> retry_after,
                                                         int max_attempts, std::chrono::milliseconds base, double jitter);

/// The request a plugin gets for one call (schema 1).
std::string llm_request_json(std::string_view system, std::string_view user, bool structured);

class llm_scorer final : public scorer {
public:
    /// One worker per instance: `instances.size()` calls run in parallel.
    llm_scorer(llm_config cfg, std::vector<std::unique_ptr<plugin_instance>> instances);
    ~llm_scorer() override;

    std::string model() const override { return cfg_.model; }
    std::string cache_key(const profile_config& profile) const override;
    /// Batches of llm.batch_size (after an optional title pre-filter), llm.concurrency calls in
    /// flight, retries per llm_retry_delay, papers missing from a reply retried in later
    /// batches up to llm.max_paper_retries. Scoring stops at llm.max_cost_usd, and after a
    /// call fails for good (the provider is down, the key is wrong, the quota is gone); the
    /// papers left are failed, or scored offline when llm.fallback is "offline". Every such
    /// event is a note in the outcome.
    scoring_outcome score(const profile_config& profile, std::span<const paper* const> papers) override;
    prompt_disclosure disclose(const profile_config& profile) const override;

private:
    struct state;
    llm_config cfg_;
    std::vector<std::unique_ptr<plugin_instance>> instances_;
};

}  // namespace paperboy
