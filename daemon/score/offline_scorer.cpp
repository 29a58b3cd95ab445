#include "score/offline_scorer.hpp"

#include "core/text.hpp"
#include "score/prompt.hpp"

#include <algorithm>
#include <set>

namespace paperboy {
namespace {

// Words that survive splitting but say nothing about a research area.
const std::set<std::string, std::less<>> stop_phrases{
    "etc", "other", "others", "new", "work", "works", "paper", "papers", "method", "methods", "research",
    "model", "models", "approach", "approaches", "study", "studies", "analysis", "data", "task", "tasks",
    "like", "such as", "e g", "i e", "or", "and", "the"};

void add_phrase(std::vector<std::string>& out, std::string_view raw) {
    auto folded = text::fold(raw);
    for (std::string_view lead : {"e g ", "like ", "such as ", "or ", "and "}) {
        if (folded.starts_with(lead)) folded.erase(0, lead.size());
    }
    if (folded.ends_with(" etc")) folded.erase(folded.size() - 4);
    if (folded.empty() || stop_phrases.contains(folded) || folded.starts_with("other ")) return;
    if (std::count(folded.begin(), folded.end(), ' ') >= 4) return;
    if (folded.size() < 2) return;
    if (std::find(out.begin(), out.end(), folded) == out.end()) out.push_back(std::move(folded));
}

// "prefix A/B suffix" stands for "prefix A suffix" and "prefix B suffix":
// "Conditional/Dynamic Networks" -> "Conditional Networks", "Dynamic Networks".
void add_alternatives(std::vector<std::string>& out, const std::string& piece) {
    const auto slash = piece.find('/');
    if (slash == std::string::npos) {
        add_phrase(out, piece);
        return;
    }
    const auto left_start = piece.rfind(' ', slash) == std::string::npos ? 0 : piece.rfind(' ', slash) + 1;
    auto right_end = piece.find_first_of(" /", slash + 1);
    if (right_end == std::string::npos) right_end = piece.size();
    const auto prefix = piece.substr(0, left_start);
    const auto suffix = piece.substr(right_end);
    add_alternatives(out, prefix + piece.substr(left_start, slash - left_start) + suffix);
    add_alternatives(out, prefix + piece.substr(slash + 1, right_end - slash - 1) + suffix);
}

// "Mixture of Experts (MoE)" -> "Mixture of Experts", "MoE".
void add_phrases(std::vector<std::string>& out, std::string_view list) {
    std::string current;
    for (const char c : list) current.push_back(c == '(' || c == ')' || c == ';' ? ',' : c);
    for (const auto& piece : text::split(current, ',')) add_alternatives(out, piece);
}

bool contains_word(const std::string& haystack, const std::string& needle) {
    // haystack is " folded text " (padded), needle is folded.
    const auto padded = " " + needle + " ";
    if (haystack.find(padded) != std::string::npos) return true;
    return haystack.find(" " + needle + "s ") != std::string::npos;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) {
        if (!out.empty()) out += ", ";
        out += s;
    }
    return out;
}

}  // namespace

keyword_set extract_keywords(std::string_view topics) {
    keyword_set ks;
    for (const auto& line_raw : text::split(topics, '\n')) {
        std::string_view line = line_raw;
        while (!line.empty() && (line.front() == '-' || line.front() == '*' || line.front() == '>' || line.front() == ' ')) {
            line.remove_prefix(1);
        }
        const auto colon = line.find(':');
        if (colon != std::string_view::npos) {
            const auto label = text::fold(line.substr(0, colon));
            const auto rest = line.substr(colon + 1);
            if (label == "relevant" || label == "keywords" || label == "topics") add_phrases(ks.positive, rest);
            else if (label == "irrelevant" || label == "application" || label == "applications" || label == "exclude")
                add_phrases(ks.negative, rest);
            continue;
        }
        // A numbered heading such as "1. Representation Learning".
        std::size_t digits = 0;
        while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
        if (digits > 0 && digits + 1 < line.size() && line[digits] == '.') add_phrases(ks.positive, line.substr(digits + 1));
    }
    // A word the reader both wants and excludes is not a signal either way.
    std::erase_if(ks.negative, [&](const std::string& n) {
        return std::find(ks.positive.begin(), ks.positive.end(), n) != ks.positive.end();
    });
    return ks;
}

keyword_set keywords_from_list(const std::vector<std::string>& words) {
    keyword_set ks;
    for (const auto& w : words) {
        auto folded = text::fold(w);
        if (!folded.empty() && std::find(ks.positive.begin(), ks.positive.end(), folded) == ks.positive.end()) {
            ks.positive.push_back(std::move(folded));
        }
    }
    return ks;
}

folded_paper::folded_paper(const paper& p) : title(" " + text::fold(p.title) + " "), abstract(" " + text::fold(p.abstract) + " ") {}

keyword_hits find_keywords(const keyword_set& keywords, const paper& p) { return find_keywords(keywords, folded_paper(p)); }

keyword_hits find_keywords(const keyword_set& keywords, const folded_paper& p) {
    const auto& title = p.title;
    const auto& abstract = p.abstract;
    keyword_hits hits;
    for (const auto& k : keywords.positive) {
        if (contains_word(title, k)) hits.title.push_back(k);
        else if (contains_word(abstract, k)) hits.abstract.push_back(k);
    }
    for (const auto& k : keywords.negative) {
        if (contains_word(title, k) || contains_word(abstract, k)) hits.negative.push_back(k);
    }
    return hits;
}

paper_score offline_score(const keyword_hits& hits) {
    const auto raw = 1 + 3 * static_cast<int>(hits.title.size()) + static_cast<int>(hits.abstract.size()) -
                     2 * static_cast<int>(hits.negative.size());
    paper_score s;
    s.relevance = std::clamp(raw, 1, 10);
    if (hits.title.empty() && hits.abstract.empty()) {
        s.comment = "No topic keywords found (offline keyword scorer; novelty not judged).";
    } else {
        s.comment = "Offline keyword match";
        if (!hits.title.empty()) s.comment += "; title: " + join(hits.title);
        if (!hits.abstract.empty()) s.comment += "; abstract: " + join(hits.abstract);
        s.comment += ". Novelty not judged.";
    }
    if (!hits.negative.empty()) s.comment += " Excluded topics present: " + join(hits.negative) + ".";
    return s;
}

keyword_set profile_keywords(const profile_config& profile) {
    return profile.keywords.empty() ? extract_keywords(profile.topics) : keywords_from_list(profile.keywords);
}

std::string offline_scorer::cache_key(const profile_config& profile) const {
    const auto ks = profile_keywords(profile);
    return "offline/v1/" + stable_hash(join(ks.positive) + "|" + join(ks.negative));
}

scoring_outcome offline_scorer::score(const profile_config& profile, std::span<const paper* const> papers) {
    const auto ks = profile_keywords(profile);
    scoring_outcome out;
    for (const auto* p : papers) out.scores.emplace(p->id, offline_score(find_keywords(ks, *p)));
    return out;
}

prompt_disclosure offline_scorer::disclose(const profile_config& profile) const {
    const auto ks = profile_keywords(profile);
    prompt_disclosure d;
    d.sent_to_model = false;
    d.system = "No language model was used: the built-in offline scorer rated these papers.";
    d.user = "Relevance is 1 + 3 per keyword in the title + 1 per keyword only in the abstract - 2 per excluded "
             "topic, capped at 10. Novelty cannot be judged without a model, so the novelty cut-off does not "
             "apply.\n\nKeywords: " + join(ks.positive) + "\n\nExcluded topics: " +
             (ks.negative.empty() ? std::string("none") : join(ks.negative));
    return d;
}

}  // namespace paperboy
