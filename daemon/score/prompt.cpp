#include "score/prompt.hpp"

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

std::string prompt_paper_entry(const paper& p) {
    constexpr std::size_t abstract_cutoff = 4000;
    std::string_view abstract = p.abstract;
    if (abstract.size() > abstract_cutoff) {
        auto cut = abstract_cutoff;
        while (cut > 0 && (static_cast<unsigned char>(abstract[cut]) & 0xC0) == 0x80) --cut;
        abstract = abstract.substr(0, cut);
    }
    std::string authors;
    for (const auto& a : p.authors) {
        if (!authors.empty()) authors += ", ";
        authors += a;
    }
    return "ArXiv ID: " + p.id + "\nTitle: " + p.title + "\nAuthors: " + authors + "\nAbstract: " + std::string(abstract);
}

std::string user_prompt(const prompt_config& prompts, std::string_view topics, std::span<const paper* const> papers) {
    std::string list;
    for (const auto* p : papers) {
        if (!list.empty()) list += "\n\n";
        list += prompt_paper_entry(*p);
    }
    auto tmpl = user_prompt_template(prompts, topics);
    const auto pos = tmpl.find(paper_list_placeholder);
    tmpl.replace(pos, paper_list_placeholder.size(), list);
    return tmpl;
}

std::string stable_hash(std::string_view text) {
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace paperboy
