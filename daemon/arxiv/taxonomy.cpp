#include "arxiv/taxonomy.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace paperboy {
namespace {

// Archives whose subject classes are two capital letters (cs.LG, math.AP, astro-ph.GA, ...).
constexpr std::array<std::string_view, 9> upper_case_archives{"astro-ph", "cs", "econ", "eess", "math", "nlin", "q-bio", "q-fin", "stat"};
// Archives whose subject classes are lower-case words (cond-mat.mes-hall, physics.acc-ph).
constexpr std::array<std::string_view, 2> lower_case_archives{"cond-mat", "physics"};
// Archives without subject classes.
constexpr std::array<std::string_view, 9> plain_archives{"gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nucl-ex", "nucl-th", "quant-ph"};

template <std::size_t N>
bool in(const std::array<std::string_view, N>& list, std::string_view s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

std::vector<std::string> all_archives() {
    std::vector<std::string> out;
    for (const auto a : upper_case_archives) out.emplace_back(a);
    for (const auto a : lower_case_archives) out.emplace_back(a);
    for (const auto a : plain_archives) out.emplace_back(a);
    return out;
}

bool all_of_class(std::string_view s, bool upper) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
        return upper ? (c >= 'A' && c <= 'Z') : ((c >= 'a' && c <= 'z') || c == '-');
    });
}

}  // namespace

std::string arxiv_category_problem(std::string_view category) {
    const std::string quoted = "'" + text::clean_line(category, 40) + "'";
    const auto dot = category.find('.');
    const auto archive = category.substr(0, dot);
    const auto subject = dot == std::string_view::npos ? std::string_view() : category.substr(dot + 1);
    const bool known = in(upper_case_archives, archive) || in(lower_case_archives, archive) || in(plain_archives, archive);
    if (!known) {
        std::string why = quoted + " is not an arXiv category (categories look like cs.LG, math.AP, astro-ph.GA, hep-th)";
        const auto lowered = text::ascii_lower(archive);
        if (const auto near = text::closest(lowered, all_archives()); !near.empty()) {
            why += "; did you mean '" + near + (subject.empty() ? std::string() : "." + std::string(subject)) + "'?";
        }
        return why;
    }
    if (dot == std::string_view::npos) return {};
    if (in(plain_archives, archive)) return quoted + ": the archive " + std::string(archive) + " has no subject classes; use '" + std::string(archive) + "'";
    const bool upper = in(upper_case_archives, archive);
    if (upper && all_of_class(subject, true) && subject.size() == 2) return {};
    if (!upper && all_of_class(subject, false) && subject.front() != '-' && subject.back() != '-') return {};
    std::string why = quoted + " is not an arXiv category";
    if (upper && subject.size() == 2) {
        std::string fixed(subject);
        for (auto& c : fixed) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        if (all_of_class(fixed, true)) why += " (did you mean '" + std::string(archive) + "." + fixed + "'?)";
    } else if (!upper) {
        const auto fixed = text::ascii_lower(subject);
        if (all_of_class(fixed, false)) why += " (did you mean '" + std::string(archive) + "." + fixed + "'?)";
    } else {
        why += " (" + std::string(archive) + " subject classes are two capital letters, as in cs.LG)";
    }
    return why;
}

}  // namespace paperboy
