// The TL;DR stage of a daily run (report.tldr): the selected papers' summaries, from the
// cache when a run already paid for them, else from the scorer's model.
#pragma once

#include "score/scorer.hpp"
#include "select/selection.hpp"

#include <string>
#include <vector>

namespace paperboy {

class state_store;

/// Sets `tldr` on every paper of `selected` the scorer can summarise (none for the built-in
/// scorers) and returns what the new ones cost. `state` (may be null) caches them by paper id,
/// version and scorer.summary_key(language).
token_usage add_tldrs(scorer& sc, const std::string& language, std::vector<selected_paper>& selected, state_store* state);

}  // namespace paperboy
