#include "arxiv/taxonomy.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace paperboy {
namespace {

struct archive {
    std::string_view name;
    std::string_view subjects;  // space-separated; empty for an archive without subject classes
};

// arXiv's category taxonomy (https://arxiv.org/category_taxonomy, read 2026-12-07), the
// names its RSS feeds accept: an archive alone reads all of its subject classes.
constexpr std::array<archive, 20> archives{{
    {"astro-ph", "CO EP GA HE IM SR"},
    {"cond-mat", "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con"},
    {"cs", "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI OH OS PF PL RO SC SD SE SI SY"},
    {"econ", "EM GN TH"},
    {"eess", "AS IV SP SY"},
    {"gr-qc", ""},
    {"hep-ex", ""},
    {"hep-lat", ""},
    {"hep-ph", ""},
    {"hep-th", ""},
    {"math", "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT SG SP ST"},
    {"math-ph", ""},
    {"nlin", "AO CD CG PS SI"},
    {"nucl-ex", ""},
    {"nucl-th", ""},
    {"physics", "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph flu-dyn gen-ph geo-ph hist-ph "
                "ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph"},
    {"q-bio", "BM CB GN MN NC OT PE QM SC TO"},
    {"q-fin", "CP EC GN MF PM PR RM ST TR"},
    {"quant-ph", ""},
    {"stat", "AP CO ME ML OT TH"},
}};

const archive* find_archive(std::string_view name) {
    const auto it = std::find_if(archives.begin(), archives.end(), [&](const auto& a) { return a.name == name; });
    return it == archives.end() ? nullptr : &*it;
}

std::vector<std::string> subjects_of(const archive& a) { return text::split(a.subjects, ' '); }

std::vector<std::string> all_archives() {
    std::vector<std::string> out;
    for (const auto& a : archives) out.emplace_back(a.name);
    return out;
}

}  // namespace

std::string arxiv_category_problem(std::string_view category) {
    const std::string quoted = "'" + text::clean_line(category, 40) + "'";
    const auto dot = category.find('.');
    const auto name = category.substr(0, dot);
    const auto subject = dot == std::string_view::npos ? std::string_view() : category.substr(dot + 1);
    const auto* a = find_archive(name);
    if (!a) {
        std::string why = quoted + " is not an arXiv category (categories look like cs.LG, math.AP, astro-ph.GA, hep-th)";
        if (const auto near = text::closest(text::ascii_lower(name), all_archives()); !near.empty()) {
            why += "; did you mean '" + near + (subject.empty() ? std::string() : "." + std::string(subject)) + "'?";
        }
        return why;
    }
    if (dot == std::string_view::npos) return {};
    const std::string archive_name(a->name);
    if (a->subjects.empty()) return quoted + ": the archive " + archive_name + " has no subject classes; use '" + archive_name + "'";
    const auto subjects = subjects_of(*a);
    if (std::find(subjects.begin(), subjects.end(), subject) != subjects.end()) return {};
    std::string why = quoted + " is not an arXiv category";
    // Two-letter classes are all within two edits of each other: only a case slip or one
    // wrong letter is a near miss there.
    const std::size_t distance = a->subjects.front() >= 'A' && a->subjects.front() <= 'Z' ? 1 : 2;
    if (const auto near = text::closest(subject, subjects, distance); !near.empty()) return why + " (did you mean '" + archive_name + "." + near + "'?)";
    return why + " (the subject classes of " + archive_name + " are " + text::join(subjects) + ")";
}

}  // namespace paperboy
