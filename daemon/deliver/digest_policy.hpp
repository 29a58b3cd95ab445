// What happens to a profile's digest once scoring is done: delivered, delivered marked
// incomplete, or held until its papers are scored (llm.on_failure). Pure.
#pragma once

#include "config/config.hpp"

namespace paperboy {

enum class digest_action { deliver, deliver_marked, hold };

struct scoring_health {
    long unscored = 0;            // papers of the profile without a score after this run
    long fallback_scored = 0;     // papers the offline scorer scored because the model failed
    bool retry_may_help = false;  // scoring them again later may succeed
};

/// A complete day is delivered. Unscored papers are held under the "hold" policy while
/// scoring again may help and the hold has not expired; every other incomplete day
/// (send_marked, offline fallback, a spending cap, an expired hold) is delivered marked.
digest_action decide_digest(scoring_failure_policy policy, const scoring_health& health, bool hold_expired);

}  // namespace paperboy
