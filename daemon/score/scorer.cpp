#include "score/scorer.hpp"

#include "score/offline_scorer.hpp"
#include "score/replay_scorer.hpp"

namespace paperboy {

std::unique_ptr<scorer> make_scorer(const llm_config& llm) {
    if (llm.plugin == "offline") return std::make_unique<offline_scorer>();
    if (llm.plugin == "replay") return std::make_unique<replay_scorer>(llm);
    throw failure(make_error(errc::config_invalid, "unknown scorer '" + llm.plugin + "'"));
}

}  // namespace paperboy
