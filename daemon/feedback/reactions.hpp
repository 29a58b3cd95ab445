// Votes from the reactions on delivered chat digests: a 👍 or 👎 on a paper's own message in
// Slack (bot token, thread, reactions: true) or Discord (bot_token) teaches the ranker like
// `paperboy feedback` does. The daemon sweeps on feedback.reactions_every_minutes;
// `paperboy feedback --collect` sweeps once.
#pragma once

#include "config/config.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace paperboy {

class state_store;

struct reaction_sweep {
    std::size_t digests = 0;         // delivered digests whose reactions were asked for
    std::size_t messages = 0;        // messages read
    std::size_t votes = 0;           // votes recorded (new, or changed since the last sweep)
    std::vector<std::string> skipped;  // "channel: why" for channels that cannot read reactions
    std::vector<std::string> errors;   // "date [profile] channel: error"; the sweep goes on
};

/// Asks the plugins of the Slack and Discord channels ({"kind": "reactions"}, docs/PLUGINS.md)
/// for the reactions on every digest they delivered in the last feedback.days, and records
/// each paper's net vote (more feedback.like than feedback.dislike reactions: a like; fewer: a
/// dislike) as a vote of the profile with the channel's plugin as its source. Reactions add
/// votes and change their own; a vote cast with `paperboy feedback` or a link is the reader's
/// deliberate word and is kept. Only votes that change are written. Never throws for one channel's
/// failure (it is in `errors`); errc::state for the database.
reaction_sweep collect_reactions(const config& cfg, state_store& state, std::chrono::system_clock::time_point now);

}  // namespace paperboy
