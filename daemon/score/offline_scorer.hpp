// The built-in scorer: no model, no network, no API key. It rates RELEVANCE by the profile's
// keywords found in each title and abstract, and says plainly that it cannot judge NOVELTY
// (novelty is left unset, so the novelty cut-off does not apply to its papers).
#pragma once

#include "score/scorer.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

struct keyword_set {
    std::vector<std::string> positive;  // folded (see text::fold), e.g. "mixture of experts"
    std::vector<std::string> negative;  // topics the reader asked to leave out
};

/// Keywords from a topics text: numbered topic headings ("1. Model Compression"), and the
/// comma-separated phrases after "Relevant:" (positive) or "Irrelevant:"/"Application:"
/// (negative) labels. "Mixture of Experts (MoE)" yields both "mixture of experts" and "moe";
/// "Sparse/Sparsity" yields both words. Phrases longer than four words are descriptions, not
/// keywords, and are skipped. Pure.
keyword_set extract_keywords(std::string_view topics);

/// Explicit keywords (a profile's "keywords") folded the same way, all positive.
keyword_set keywords_from_list(const std::vector<std::string>& words);

struct keyword_hits {
    std::vector<std::string> title;      // positive keywords found in the title
    std::vector<std::string> abstract;   // positive keywords found only in the abstract
    std::vector<std::string> negative;   // negative keywords found in either
};

/// The profile's keywords: its "keywords" when given, else those of its topics text.
keyword_set profile_keywords(const profile_config& profile);

/// Whole-word, case- and accent-insensitive matching; a trailing plural "s" also matches.
keyword_hits find_keywords(const keyword_set& keywords, const paper& p);

/// A paper's title and abstract as find_keywords matches them: folded, padded with a space.
struct folded_paper {
    std::string title, abstract;
    explicit folded_paper(const paper& p);
};
/// The same on text folded once (many profiles match one day's papers).
keyword_hits find_keywords(const keyword_set& keywords, const folded_paper& p);

/// relevance = clamp(1 + 3*|title| + |abstract| - 2*|negative|, 1, 10); novelty unset; the
/// comment lists the hits.
paper_score offline_score(const keyword_hits& hits);

class offline_scorer final : public scorer {
public:
    std::string model() const override { return "offline"; }
    std::string cache_key(const profile_config& profile) const override;
    scoring_outcome score(const profile_config& profile, std::span<const paper* const> papers) override;
    prompt_disclosure disclose(const profile_config& profile) const override;
};

}  // namespace paperboy
