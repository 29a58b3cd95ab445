#include "score/examples.hpp"

#include "core/text.hpp"
#include "state/state_store.hpp"

#include <algorithm>

namespace paperboy {

std::string few_shot_text(std::span<const voted_title> newest_first, int n) {
    if (n <= 0) return {};
    const auto count = [&](int value) {
        return static_cast<int>(std::count_if(newest_first.begin(), newest_first.end(), [&](const auto& v) { return v.value == value; }));
    };
    const int likes_there = count(1), dislikes_there = count(-1);
    int likes = std::min(likes_there, (n + 1) / 2);
    const int dislikes = std::min(dislikes_there, n - likes);
    likes = std::min(likes_there, n - dislikes);
    const auto section = [&](int value, int wanted, std::string_view heading) {
        std::string out;
        for (const auto& v : newest_first) {
            if (wanted == 0) break;
            if (v.value != value) continue;
            const auto line = text::clean_line(v.title, 200);
            if (line.empty()) continue;
            out += "\n- " + line;
            --wanted;
        }
        return out.empty() ? out : std::string(heading) + out;
    };
    const auto liked = section(1, likes, "## Papers this reader liked");
    const auto disliked = section(-1, dislikes, "## Papers this reader did not want");
    if (liked.empty() || disliked.empty()) return liked + disliked;
    return liked + "\n\n" + disliked;
}

profile_config with_examples(const profile_config& profile, state_store& state, int n) {
    if (n <= 0) return profile;
    // The most recent votes are the examples; a bound, so a run does not read years of them.
    auto votes = state.votes(profile.name, std::max<std::size_t>(200, 20 * static_cast<std::size_t>(n)));
    std::reverse(votes.begin(), votes.end());
    std::vector<std::string> ids;
    for (const auto& v : votes) ids.push_back(v.paper_id);
    const auto stored = state.stored_papers(ids);
    std::vector<voted_title> voted;
    for (const auto& v : votes) {
        if (const auto p = stored.find(v.paper_id); p != stored.end()) voted.push_back({p->second.title, v.value});
    }
    const auto text = few_shot_text(voted, n);
    if (text.empty()) return profile;
    auto out = profile;
    out.topics += "\n\n" + text;
    return out;
}

}  // namespace paperboy
