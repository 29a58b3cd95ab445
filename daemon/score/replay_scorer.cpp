#include "score/replay_scorer.hpp"

#include "core/files.hpp"
#include "score/prompt.hpp"

#include <charconv>

namespace paperboy {
namespace {

std::optional<int> score_value(const nlohmann::json& v) {
    int n = 0;
    if (v.is_number_integer()) {
        n = v.get<int>();
    } else if (v.is_number_float()) {
        const auto d = v.get<double>();
        if (d != static_cast<int>(d)) return std::nullopt;
        n = static_cast<int>(d);
    } else if (v.is_string()) {
        const auto s = v.get<std::string>();
        const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (n < 1 || n > 10) return std::nullopt;
    return n;
}

}  // namespace

std::optional<paper_score> parse_answer(const nlohmann::json& answer) {
    if (!answer.is_object()) return std::nullopt;
    const auto r = answer.find("RELEVANCE");
    const auto n = answer.find("NOVELTY");
    if (r == answer.end() || n == answer.end()) return std::nullopt;
    const auto relevance = score_value(*r);
    const auto novelty = score_value(*n);
    if (!relevance || !novelty) return std::nullopt;
    paper_score s{*relevance, *novelty, {}};
    if (const auto c = answer.find("COMMENT"); c != answer.end() && c->is_string()) s.comment = c->get<std::string>();
    return s;
}

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
    return out;
}

prompt_disclosure replay_scorer::disclose(const profile_config& profile) const {
    return {true, llm_.prompts.system, user_prompt_template(llm_.prompts, profile.topics)};
}

}  // namespace paperboy
