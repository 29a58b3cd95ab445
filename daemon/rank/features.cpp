#include "rank/features.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_set>

namespace paperboy::rank {
namespace {

// scikit-learn's English stop words, less those that matter in paper titles ("system", "first").
const std::unordered_set<std::string_view>& stop_words() {
    static const std::unordered_set<std::string_view> words{
        "a", "about", "above", "across", "after", "afterwards", "again", "against", "all", "almost", "alone", "along", "already",
        "also", "although", "always", "am", "among", "amongst", "an", "and", "another", "any", "anyhow", "anyone", "anything",
        "anyway", "anywhere", "are", "around", "as", "at", "be", "became", "because", "become", "becomes", "becoming", "been",
        "before", "beforehand", "behind", "being", "below", "beside", "besides", "between", "beyond", "both", "but", "by", "can",
        "cannot", "could", "do", "done", "down", "due", "during", "each", "eg", "either", "else", "elsewhere", "enough", "etc",
        "even", "ever", "every", "everyone", "everything", "everywhere", "except", "few", "for", "from", "further", "had", "has",
        "have", "he", "hence", "her", "here", "hereafter", "hereby", "herein", "hereupon", "hers", "herself", "him", "himself",
        "his", "how", "however", "ie", "if", "in", "inc", "indeed", "into", "is", "it", "its", "itself", "just", "last", "latter",
        "latterly", "least", "less", "ltd", "made", "many", "may", "me", "meanwhile", "might", "more", "moreover", "most", "mostly",
        "much", "must", "my", "myself", "namely", "neither", "never", "nevertheless", "next", "no", "nobody", "none", "noone",
        "nor", "not", "nothing", "now", "nowhere", "of", "off", "often", "on", "once", "one", "only", "onto", "or", "other",
        "others", "otherwise", "our", "ours", "ourselves", "out", "over", "own", "per", "perhaps", "please", "rather", "re",
        "same", "seem", "seemed", "seeming", "seems", "several", "she", "should", "since", "so", "some", "somehow", "someone",
        "something", "sometime", "sometimes", "somewhere", "still", "such", "than", "that", "the", "their", "them", "themselves",
        "then", "thence", "there", "thereafter", "thereby", "therefore", "therein", "thereupon", "these", "they", "this", "those",
        "though", "through", "throughout", "thru", "thus", "to", "together", "too", "toward", "towards", "under", "until", "up",
        "upon", "us", "very", "via", "was", "we", "well", "were", "what", "whatever", "when", "whence", "whenever", "where",
        "whereafter", "whereas", "whereby", "wherein", "whereupon", "wherever", "whether", "which", "while", "whither", "who",
        "whoever", "whole", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours",
        "yourself", "yourselves", "we", "our", "paper", "propose", "proposed", "show", "method", "methods", "approach",
        "results", "based", "using"};
    return words;
}

void add_terms(std::unordered_map<std::string, double>& counts, std::string_view text, double weight, bool bigrams) {
    const auto words = tokenize(text);
    for (std::size_t i = 0; i < words.size(); ++i) {
        counts[words[i]] += weight;
        if (bigrams && i + 1 < words.size()) counts[words[i] + " " + words[i + 1]] += weight;
    }
}

}  // namespace

double sparse_vector::dot(const sparse_vector& o) const {
    double sum = 0;
    auto a = entries.begin();
    auto b = o.entries.begin();
    while (a != entries.end() && b != o.entries.end()) {
        if (a->first < b->first) ++a;
        else if (b->first < a->first) ++b;
        else sum += (a++)->second * (b++)->second;
    }
    return sum;
}

namespace {

// A light stemmer: the plural and verb endings that split one idea into several terms
// ("models"/"model", "segmenting"/"segment"); words of five letters or fewer stay whole.
std::string stem(std::string w) {
    const auto strip = [&](std::string_view suffix, std::size_t min_left) {
        if (w.size() >= suffix.size() + min_left && w.ends_with(suffix)) {
            w.resize(w.size() - suffix.size());
            return true;
        }
        return false;
    };
    if (w.size() <= 5) return w;
    if (strip("ies", 3)) return w + "y";
    if (strip("ing", 4) || strip("ed", 4)) return w;
    if (!w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is")) strip("s", 4);
    return w;
}

}  // namespace

std::vector<std::string> tokenize(std::string_view text) {
    std::vector<std::string> out;
    for (auto& word : text::split(text::fold(text), ' ')) {
        if (word.size() < 2 || !(word[0] >= 'a' && word[0] <= 'z')) continue;
        if (stop_words().contains(word)) continue;
        out.push_back(stem(std::move(word)));
    }
    return out;
}

std::unordered_map<std::string, double> term_counts(std::string_view title, std::string_view abstract, const feature_options& opts) {
    std::unordered_map<std::string, double> counts;
    add_terms(counts, title, opts.title_weight, opts.bigrams);
    add_terms(counts, abstract, 1.0, opts.bigrams);
    return counts;
}

vocabulary vocabulary::build(const std::vector<document>& docs, const feature_options& opts) {
    std::unordered_map<std::string, int> df;
    for (const auto& d : docs) {
        for (const auto& [term, count] : term_counts(d.title, d.abstract, opts)) ++df[term];
    }
    const auto n = static_cast<double>(docs.size());
    std::vector<std::pair<std::string, int>> kept;
    for (auto& [term, count] : df) {
        if (count >= opts.min_df && count <= opts.max_df * n) kept.emplace_back(term, count);
    }
    // The most frequent terms win a full vocabulary; ties by term, so the result is stable.
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    if (kept.size() > opts.max_terms) kept.resize(opts.max_terms);
    std::sort(kept.begin(), kept.end());
    vocabulary v;
    v.opts_ = opts;
    v.documents_ = docs.size();
    for (auto& [term, count] : kept) {
        v.index_.emplace(term, static_cast<int>(v.terms_.size()));
        v.idf_.push_back(std::log((1.0 + n) / (1.0 + count)) + 1.0);
        v.terms_.push_back(std::move(term));
    }
    return v;
}

sparse_vector vocabulary::weigh(const std::unordered_map<std::string, double>& counts) const {
    sparse_vector v;
    for (const auto& [term, count] : counts) {
        const auto it = index_.find(term);
        if (it == index_.end()) continue;
        v.entries.emplace_back(it->second, (1.0 + std::log(count)) * idf_[static_cast<std::size_t>(it->second)]);
    }
    std::sort(v.entries.begin(), v.entries.end());
    double norm = 0;
    for (const auto& [i, w] : v.entries) norm += w * w;
    if (norm > 0) {
        norm = std::sqrt(norm);
        for (auto& [i, w] : v.entries) w /= norm;
    }
    return v;
}

sparse_vector vocabulary::vectorize(const document& doc) const { return weigh(term_counts(doc.title, doc.abstract, opts_)); }

sparse_vector vocabulary::vectorize_text(std::string_view text) const { return weigh(term_counts({}, text, opts_)); }

std::string vocabulary::fingerprint() const {
    // FNV-1a over the terms and the options that shape the vectors.
    std::uint64_t h = 1469598103934665603ull;
    const auto mix = [&](std::string_view s) {
        for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
    };
    for (const auto& t : terms_) mix(t);
    mix(std::to_string(opts_.title_weight) + (opts_.bigrams ? "b" : "u") + std::to_string(documents_));
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 0xf];
    return out;
}

}  // namespace paperboy::rank
