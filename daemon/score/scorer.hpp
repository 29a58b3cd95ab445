// The scoring seam: something that rates papers for RELEVANCE and NOVELTY (1-10) against a
// profile's interests. The built-in offline scorer, the replay scorer and (later) the LLM
// plugins all sit behind this interface.
#pragma once

#include "arxiv/paper.hpp"
#include "config/config.hpp"
#include "plugin/loader.hpp"

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace paperboy {

class state_store;

struct paper_score {
    int relevance = 0;             // 1..10
    std::optional<int> novelty;    // 1..10; nullopt when the scorer cannot judge novelty
    std::string comment;           // untrusted text (from a model); escaped by renderers
    std::optional<double> ranker_score;  // the built-in ranker's day-relative score, when it scored the paper
};

struct token_usage {
    long prompt_tokens = 0;        // including cached_tokens
    long completion_tokens = 0;
    long cached_tokens = 0;
    // The part of the above bought through the Batch API (at batch_price_factor).
    long batch_prompt_tokens = 0;
    long batch_completion_tokens = 0;
    long batch_cached_tokens = 0;
    // The part of the above spent by llm.title_model on the title pre-filter (at its price).
    long title_prompt_tokens = 0;
    long title_completion_tokens = 0;
    long title_cached_tokens = 0;

    token_usage& operator+=(const token_usage& o) {
        prompt_tokens += o.prompt_tokens;
        completion_tokens += o.completion_tokens;
        cached_tokens += o.cached_tokens;
        batch_prompt_tokens += o.batch_prompt_tokens;
        batch_completion_tokens += o.batch_completion_tokens;
        batch_cached_tokens += o.batch_cached_tokens;
        title_prompt_tokens += o.title_prompt_tokens;
        title_completion_tokens += o.title_completion_tokens;
        title_cached_tokens += o.title_cached_tokens;
        return *this;
    }
    /// The batch part alone, as a usage of its own.
    token_usage batch_part() const { return {batch_prompt_tokens, batch_completion_tokens, batch_cached_tokens}; }
    /// The title model's part alone.
    token_usage title_part() const { return {title_prompt_tokens, title_completion_tokens, title_cached_tokens}; }
    /// These tokens, all of them also counted as bought through the Batch API.
    token_usage bought_in_batch() const {
        return {prompt_tokens, completion_tokens, cached_tokens, prompt_tokens, completion_tokens, cached_tokens};
    }
    /// These tokens, all of them also counted as spent by llm.title_model.
    token_usage spent_by_title_model() const {
        return {prompt_tokens, completion_tokens, cached_tokens, 0, 0, 0, prompt_tokens, completion_tokens, cached_tokens};
    }
};

struct scoring_outcome {
    std::map<std::string, paper_score> scores;  // by canonical paper id
    std::vector<std::string> failed;            // ids that could not be scored
    token_usage usage;
    std::vector<std::string> notes;             // what the report must say (cost cap, fallback, ...)
    /// Why scoring did not go as configured (the provider failed, the cost cap stopped it, a
    /// model kept leaving papers out): one sentence for every channel's notice; empty when
    /// every paper was scored as configured.
    std::string problem;
    bool retry_may_help = false;  // scoring the failed papers again later may succeed
    long fallback_scored = 0;     // papers the offline scorer scored because the model failed
    // How well the batch size suits the model: papers in the abstract calls it answered
    // (resent ones each time) and those its replies left out or garbled (resent, or failed).
    long papers_sent = 0, papers_left_out = 0;
};

/// What the report shows under "Paper Selection Prompt".
struct prompt_disclosure {
    bool sent_to_model = true;   // false: `user` explains how the scorer decided instead
    std::string system;
    std::string user;            // with "[PAPER LIST HERE]" where the papers go
};

class scorer {
public:
    virtual ~scorer() = default;

    /// The model name shown in the report's token table, e.g. "gpt-4o" or "offline".
    virtual std::string model() const = 0;

    /// A stable string that changes whenever this scorer could score the same paper
    /// differently for `profile` (model, prompt text, keywords). Keys the score cache.
    virtual std::string cache_key(const profile_config& profile) const = 0;

    /// Scores `papers` for `profile`. Every paper ends up in `scores` or in `failed`; the
    /// call itself does not fail for a single bad paper. Throws paperboy::failure only when
    /// the scorer as a whole cannot work (e.g. an unreadable answers file).
    virtual scoring_outcome score(const profile_config& profile, std::span<const paper* const> papers) = 0;

    /// The prompt as it is (or would be) sent, for the report.
    virtual prompt_disclosure disclose(const profile_config& profile) const = 0;

    /// One- or two-sentence summaries (TL;DRs) of `papers` in `language`, by id, and what they
    /// cost; papers it could not summarise are absent. Scorers without a model write none.
    struct summaries {
        std::map<std::string, std::string> tldr;
        token_usage usage;
    };
    virtual summaries summarize(std::span<const paper* const> papers, const std::string& language) {
        (void)papers;
        (void)language;
        return {};
    }
    /// Keys the TL;DR cache: changes with the model and the summary prompt.
    virtual std::string summary_key(const std::string& language) const {
        (void)language;
        return {};
    }
};

/// The scorer named by `llm.plugin`: "offline" and "replay" are built in; any other name is an
/// LLM plugin looked up in plugin_search_path(plugin_dir), loaded and given its settings.
/// Throws paperboy::failure: errc::plugin when it cannot be loaded; errc::config_invalid when
/// no such plugin is installed (listing those that are) or the plugin rejects its settings,
/// the detail starting with `config_file` and the JSON pointer, e.g.
/// "/etc/paperboy.json: /llm/tempreature: unknown key ... (did you mean 'temperature'?)".
/// The first plugin instance behind `llm` (for check --probe); nullptr for built-in scorers.
/// Throws like make_scorer.
std::unique_ptr<plugin_instance> make_llm_instance(const llm_config& llm, const std::optional<std::filesystem::path>& plugin_dir,
                                                   const std::filesystem::path& config_file);

/// "offline" is the built-in ranker (ranker_scorer), which learns from the votes in `state`
/// (null: cold, as for a dry run).
std::unique_ptr<scorer> make_scorer(const llm_config& llm, const std::optional<std::filesystem::path>& plugin_dir = {},
                                    const std::filesystem::path& config_file = {}, state_store* state = nullptr);

}  // namespace paperboy
