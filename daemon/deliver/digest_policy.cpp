#include "deliver/digest_policy.hpp"

namespace paperboy {

digest_action decide_digest(scoring_failure_policy policy, const scoring_health& health, bool hold_expired) {
    if (health.unscored == 0 && health.fallback_scored == 0) return digest_action::deliver;
    if (health.unscored > 0 && health.retry_may_help && policy == scoring_failure_policy::hold && !hold_expired) {
        return digest_action::hold;
    }
    return digest_action::deliver_marked;
}

}  // namespace paperboy
