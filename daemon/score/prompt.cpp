#include "score/prompt.hpp"

#include <algorithm>

namespace paperboy {
namespace {

std::string joined(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (auto part : parts) {
        if (part.empty()) continue;
        if (!out.empty()) out += "\n\n";
        out += part;
    }
    return out;
}

std::string_view cut_abstract(std::string_view abstract) {
    constexpr std::size_t cutoff = 4000;
    if (abstract.size() <= cutoff) return abstract;
    auto cut = cutoff;
    while (cut > 0 && (static_cast<unsigned char>(abstract[cut]) & 0xC0) == 0x80) --cut;
    return abstract.substr(0, cut);
}

}  // namespace

std::string user_prompt_template(const prompt_config& prompts, std::string_view topics) {
    return joined({topics, prompts.criteria, prompts.instructions, papers_heading, paper_list_placeholder});
}

std::string title_prompt_template(const prompt_config& prompts, std::string_view topics) {
    return joined({topics, prompts.title_instructions, title_papers_heading, paper_list_placeholder});
}

std::string prompt_title_entry(const paper& p) { return "[" + p.id + "] " + p.title; }

std::string prompt_paper_entry(const paper& p, int max_authors) {
    std::string out = prompt_title_entry(p);
    if (max_authors > 0 && !p.authors.empty()) {
        const auto limit = static_cast<std::size_t>(max_authors);
        const auto shown = p.authors.size() > limit + 1 ? limit : p.authors.size();
        out += "\nBy ";
        for (std::size_t i = 0; i < shown; ++i) out += (i == 0 ? "" : ", ") + p.authors[i];
        if (shown < p.authors.size()) out += " et al.";
    }
    return out + "\n" + std::string(cut_abstract(p.abstract));
}

std::string user_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers) {
    auto out = user_prompt_template(prompts, topics);
    out.resize(out.size() - paper_list_placeholder.size());
    for (std::size_t i = 0; i < papers.size(); ++i) out += (i == 0 ? "" : "\n\n") + prompt_paper_entry(*papers[i], prompts.authors);
    return out;
}

std::string title_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers) {
    auto out = title_prompt_template(prompts, topics);
    out.resize(out.size() - paper_list_placeholder.size());
    for (std::size_t i = 0; i < papers.size(); ++i) out += (i == 0 ? "" : "\n") + prompt_title_entry(*papers[i]);
    return out;
}

std::size_t batch_size_for(std::size_t papers, int concurrency, int configured) {
    if (configured > 0) return static_cast<std::size_t>(configured);
    const auto workers = static_cast<std::size_t>(std::max(1, concurrency));
    const auto rounds = std::max<std::size_t>(1, (papers + workers * max_auto_batch - 1) / (workers * max_auto_batch));
    const auto calls = rounds * workers;
    return std::clamp<std::size_t>((papers + calls - 1) / calls, min_auto_batch, max_auto_batch);
}

std::size_t title_batch_size_for(std::size_t papers, int concurrency, int configured) {
    if (configured > 0) return static_cast<std::size_t>(configured);
    const auto workers = static_cast<std::size_t>(std::max(1, concurrency));
    const auto calls = std::clamp<std::size_t>((papers + max_auto_title_batch - 1) / max_auto_title_batch, 1, workers);
    return std::max<std::size_t>((papers + calls - 1) / calls, 1);
}

}  // namespace paperboy
