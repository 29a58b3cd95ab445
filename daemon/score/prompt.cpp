#include "score/prompt.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace paperboy {

std::string user_prompt_template(const prompt_config& prompts, std::string_view topics) {
    std::string out;
    for (std::string_view part : {topics, std::string_view(prompts.criteria), std::string_view("## Papers"),
                                  paper_list_placeholder, std::string_view(prompts.instructions)}) {
        if (!out.empty()) out += "\n\n";
        out += part;
    }
    return out;
}

std::string prompt_paper_entry(const paper& p, int max_authors) {
    constexpr std::size_t abstract_cutoff = 4000;
    std::string_view abstract = p.abstract;
    if (abstract.size() > abstract_cutoff) {
        auto cut = abstract_cutoff;
        while (cut > 0 && (static_cast<unsigned char>(abstract[cut]) & 0xC0) == 0x80) --cut;
        abstract = abstract.substr(0, cut);
    }
    std::string authors;
    if (max_authors > 0 && !p.authors.empty()) {
        const auto limit = static_cast<std::size_t>(max_authors);
        const auto shown = p.authors.size() > limit + 1 ? limit : p.authors.size();
        for (std::size_t i = 0; i < shown; ++i) authors += (i == 0 ? "" : ", ") + p.authors[i];
        if (shown < p.authors.size()) authors += " et al.";
        authors = "\nAuthors: " + authors;
    }
    return "ArXiv ID: " + p.id + "\nTitle: " + p.title + authors + "\nAbstract: " + std::string(abstract);
}

std::string user_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers) {
    std::string list;
    for (const auto* p : papers) {
        if (!list.empty()) list += "\n\n";
        list += prompt_paper_entry(*p, prompts.authors);
    }
    auto tmpl = user_prompt_template(prompts, topics);
    const auto pos = tmpl.find(paper_list_placeholder);
    tmpl.replace(pos, paper_list_placeholder.size(), list);
    return tmpl;
}

std::string title_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers) {
    std::string list;
    for (const auto* p : papers) list += (list.empty() ? "" : "\n\n") + ("ArXiv ID: " + p->id + "\nTitle: " + p->title);
    auto out = user_prompt_template(prompts, topics);
    out.resize(out.find(paper_list_placeholder));
    return out + list + "\n\n" + prompts.title_instructions;
}

std::size_t batch_size_for(std::size_t papers, int concurrency, int configured) {
    if (configured > 0) return static_cast<std::size_t>(configured);
    const auto per_round = static_cast<std::size_t>(std::max(1, concurrency)) * 4;
    return std::clamp<std::size_t>((papers + per_round - 1) / per_round, 5, 20);
}

std::size_t title_batch_size_for(std::size_t papers, int concurrency, int configured) {
    if (configured > 0) return static_cast<std::size_t>(configured);
    const auto workers = static_cast<std::size_t>(std::max(1, concurrency));
    return std::clamp<std::size_t>((papers + workers - 1) / workers, 20, 100);
}


}  // namespace paperboy
