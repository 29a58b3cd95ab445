// Scoring with a language model through an LLM plugin (plugin.h, kind PB_KIND_LLM).
#pragma once

#include "plugin/loader.hpp"
#include "score/scorer.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace paperboy {

/// The request a plugin gets for one call (schema 1); a non-empty `model` (llm.title_model)
/// replaces the plugin's configured one for this call.
std::string llm_request_json(std::string_view system, std::string_view user, bool structured, std::string_view model = {});

/// The tokens a plugin's answer reports under "usage" (zero when it reports none).
token_usage answer_usage(const nlohmann::json& answer);

class llm_scorer final : public scorer {
public:
    /// One worker per instance: `instances.size()` calls run in parallel.
    /// `state` (may be null) keeps a Batch API job across restarts (llm.mode "batch").
    llm_scorer(llm_config cfg, std::vector<std::unique_ptr<plugin_instance>> instances, state_store* state = nullptr);
    ~llm_scorer() override;

    std::string model() const override { return cfg_.model; }
    std::string cache_key(const profile_config& profile) const override;
    /// Batches of llm.batch_size (after an optional title pre-filter), llm.concurrency calls in
    /// flight, retries per plugin_retry_delay, papers missing from a reply retried in later
    /// batches up to llm.max_paper_retries. Scoring stops at llm.max_cost_usd, and after a
    /// call fails for good (the provider is down, the key is wrong, the quota is gone); the
    /// papers left are failed, or scored offline when llm.on_failure is "offline". Every such
    /// event is a note in the outcome, and `problem` says what the channels must tell. A model
    /// that refuses a configured parameter (400 unsupported_parameter) throws
    /// failure(errc::config_invalid) naming the key ("/llm/temperature: ..."); so do a refused
    /// key or account ("/llm/api_key: ..."), a model the provider lacks ("/llm/model: ..."),
    /// and a configured model past its shutdown date, which is never called. The first score()
    /// asks the provider for the models' shutdown dates (model_retirements); within 30 days of
    /// one, every outcome carries the warning as a note.
    /// With llm.mode "batch" the abstracts (after a synchronous title pre-filter, which is
    /// cheap and quick) go through run_llm_batch; what it leaves unanswered is scored as usual.
    scoring_outcome score(const profile_config& profile, std::span<const paper* const> papers) override;
    prompt_disclosure disclose(const profile_config& profile) const override;
    /// Ten papers a call, the calls in parallel on the workers; a failed call leaves its
    /// papers without a TL;DR (a warning, not a degraded digest: the abstract is still there).
    /// With llm.mode "batch" the calls are first one small batch (a third of batch_max_wait,
    /// and never past batch_ends_ms), at batch prices; what it leaves is called directly.
    summaries summarize(std::span<const paper* const> papers, const std::string& language) override;
    std::string summary_key(const std::string& language) const override;

private:
    struct state;
    // The batch part of summarize(): the papers it left without a TL;DR.
    std::vector<const paper*> summarize_in_batch(std::span<const paper* const> papers, const std::string& language, summaries& out);
    llm_config cfg_;
    std::vector<std::unique_ptr<plugin_instance>> instances_;
    state_store* state_ = nullptr;
    std::optional<std::vector<std::string>> retirement_notes_;  // asked once per scorer
};

}  // namespace paperboy
