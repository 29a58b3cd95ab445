// A scorer that answers from a file of recorded model answers ({"<id>": {"RELEVANCE": 9,
// "NOVELTY": 8, "COMMENT": "..."}}), as the fixtures' answers.json. It reproduces a past day
// exactly, without a model or network, and shows the prompt that would have been sent.
#pragma once

#include "score/scorer.hpp"

#include <filesystem>
#include <optional>

namespace paperboy {

class replay_scorer final : public scorer {
public:
    explicit replay_scorer(llm_config llm) : llm_(std::move(llm)) {}

    std::string model() const override { return llm_.model; }
    std::string cache_key(const profile_config& profile) const override;
    /// Papers without a usable answer are reported as failed. Throws failure(errc::scorer) when
    /// the answers file cannot be read or is not a JSON object.
    scoring_outcome score(const profile_config& profile, std::span<const paper* const> papers) override;
    prompt_disclosure disclose(const profile_config& profile) const override;

private:
    const nlohmann::json& answers() const;

    llm_config llm_;
    mutable std::optional<nlohmann::json> answers_;
    mutable std::string answers_hash_;
};

}  // namespace paperboy
