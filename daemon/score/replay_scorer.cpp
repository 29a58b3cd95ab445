#include "score/replay_scorer.hpp"

#include "core/files.hpp"
#include "score/prompt.hpp"
#include "score/reply_parser.hpp"


namespace paperboy {
const nlohmann::json& replay_scorer::answers() const {
    if (!answers_) {
        auto text = read_file(llm_.answers_file);
        if (!text) throw failure(make_error(errc::scorer, "replay answers: " + text.error().detail));
        auto parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
        if (!parsed.is_object()) {
            throw failure(make_error(errc::scorer, "replay answers " + llm_.answers_file.string() + " is not a JSON object"));
        }
        answers_hash_ = stable_hash(*text);
        answers_ = std::move(parsed);
    }
    return *answers_;
}

std::string replay_scorer::cache_key(const profile_config& profile) const {
    answers();
    return "replay/" + llm_.model + "/" + answers_hash_ + "/" +
           stable_hash(llm_.prompts.system + user_prompt_template(llm_.prompts, profile.topics));
}

scoring_outcome replay_scorer::score(const profile_config&, std::span<const paper* const> papers) {
    const auto& all = answers();
    scoring_outcome out;
    for (const auto* p : papers) {
        const auto it = all.find(p->id);
        std::optional<paper_score> s;
        if (it != all.end()) s = parse_answer(*it);
        if (s) out.scores.emplace(p->id, std::move(*s));
        else out.failed.push_back(p->id);
    }
    if (!out.failed.empty()) out.problem = std::to_string(out.failed.size()) + " papers have no usable recorded answer";
    return out;
}

prompt_disclosure replay_scorer::disclose(const profile_config& profile) const {
    return {true, llm_.prompts.system, user_prompt_template(llm_.prompts, profile.topics)};
}

}  // namespace paperboy
