#include "rank/features.hpp"

#include "core/text.hpp"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

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

// Snowball stemmers keep per-word state, so one per thread.
struct english_stemmer {
    sb_stemmer* s = sb_stemmer_new("english", "UTF_8");
    ~english_stemmer() { sb_stemmer_delete(s); }
    // A day's words repeat across its papers, and Snowball is the costliest step here.
    mutable std::unordered_map<std::string, std::string> memo;

    std::string stem(const std::string& w) const {
        if (const auto it = memo.find(w); it != memo.end()) return it->second;
        if (memo.size() > 200'000) memo.clear();
        return memo[w] = run(w);
    }
    std::string run(const std::string& w) const {
        if (!s) return w;
        const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(w.data()), static_cast<int>(w.size()));
        if (!out) return w;  // out of memory inside Snowball: the word unstemmed
        return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(s))};
    }
};

struct word {
    std::string stem, surface;
};

std::vector<word> words_of(std::string_view text) {
    thread_local const english_stemmer stemmer;
    std::vector<word> out;
    const auto folded = text::fold(text);
    std::string_view rest = folded;
    while (!rest.empty()) {
        const auto space = rest.find(' ');
        const auto w = text::trim(rest.substr(0, space));
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        if (w.size() < 2 || !(w[0] >= 'a' && w[0] <= 'z')) continue;
        if (stop_words().contains(w)) continue;
        std::string surface(w);
        out.push_back({stemmer.stem(surface), std::move(surface)});
    }
    return out;
}

constexpr std::string_view title_prefix = "title:";
constexpr std::string_view category_prefix = "cat:";

// Calls emit(term, weight, first, second) for each term of the words: each stem (second is
// null) and, with bigrams, each adjacent pair. One buffer holds the term: no string a term.
template <class Emit>
void emit_terms(const std::vector<word>& words, double weight, bool bigrams, std::string_view prefix, std::string& term, Emit& emit) {
    for (std::size_t i = 0; i < words.size(); ++i) {
        term.assign(prefix);
        term += words[i].stem;
        emit(std::as_const(term), weight, words[i], static_cast<const word*>(nullptr));
        if (bigrams && i + 1 < words.size()) {
            term += ' ';
            term += words[i + 1].stem;
            emit(std::as_const(term), weight, words[i], &words[i + 1]);
        }
    }
}

// Every term of a document, title terms weighted, "title:" terms included; the title is
// tokenised once for both.
template <class Emit>
void for_each_term(std::string_view title, std::string_view abstract, const feature_options& opts, Emit&& emit) {
    const auto title_words = words_of(title);
    std::string term;
    emit_terms(title_words, opts.title_weight, opts.bigrams, {}, term, emit);
    emit_terms(words_of(abstract), 1.0, opts.bigrams, {}, term, emit);
    if (opts.title_field_weight > 0) emit_terms(title_words, opts.title_field_weight, opts.bigrams, title_prefix, term, emit);
}

std::size_t surface_size(const word& a, const word* b) { return a.surface.size() + (b ? 1 + b->surface.size() : 0); }

std::string surface_of(const word& a, const word* b) { return b ? a.surface + " " + b->surface : a.surface; }

// The shortest unstemmed form, ties by the smaller string, so the choice is stable.
void keep_shortest(std::string& kept, const word& a, const word* b) {
    const auto size = surface_size(a, b);
    if (!kept.empty() && size > kept.size()) return;
    auto s = surface_of(a, b);
    if (kept.empty() || size < kept.size() || s < kept) kept = std::move(s);
}

// A document's (index, weight) hits as its counts: one entry an index, in index order, each
// the sum of its hits in the order they came.
std::vector<std::pair<int, double>> summed(std::vector<std::pair<int, double>> hits) {
    std::stable_sort(hits.begin(), hits.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::pair<int, double>> counts;
    for (const auto& [i, w] : hits) {
        if (!counts.empty() && counts.back().first == i) counts.back().second += w;
        else counts.emplace_back(i, w);
    }
    return counts;
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

std::vector<std::string> tokenize(std::string_view text) {
    std::vector<std::string> out;
    for (auto& w : words_of(text)) out.push_back(std::move(w.stem));
    return out;
}

vocabulary vocabulary::build(const std::vector<document>& docs, const feature_options& opts, std::vector<sparse_vector>* vectors) {
    // One pass over the corpus: each term gets a provisional id on first sight, each document
    // keeps its counts by that id, so its vector needs no second tokenisation.
    struct seen_term {
        int df = 0;
        std::string surface;
    };
    std::unordered_map<std::string, int> ids;
    std::vector<seen_term> seen;
    std::vector<std::vector<std::pair<int, double>>> rows;
    if (vectors) rows.reserve(docs.size());
    std::set<std::string> categories;
    std::vector<std::pair<int, double>> hits;
    for (const auto& d : docs) {
        hits.clear();
        for_each_term(d.title, d.abstract, opts, [&](const std::string& term, double weight, const word& a, const word* b) {
            const auto [it, fresh] = ids.try_emplace(term, static_cast<int>(seen.size()));
            if (fresh) seen.emplace_back();
            keep_shortest(seen[static_cast<std::size_t>(it->second)].surface, a, b);
            hits.emplace_back(it->second, weight);
        });
        auto row = summed(hits);
        for (const auto& [id, count] : row) ++seen[static_cast<std::size_t>(id)].df;
        if (vectors) rows.push_back(std::move(row));
        for (const auto& c : d.categories) {
            if (!c.empty() && c.size() <= 32) categories.insert(std::string(category_prefix) + c);
        }
    }
    const auto n = static_cast<double>(docs.size());
    struct kept_term {
        std::string term;
        int df = 0, provisional = -1;
    };
    std::vector<kept_term> kept;
    for (const auto& [term, id] : ids) {
        const int count = seen[static_cast<std::size_t>(id)].df;
        if (count >= opts.min_df && count <= opts.max_df * n) kept.push_back({term, count, id});
    }
    // The most frequent terms win a full vocabulary; ties by term, so the result is stable.
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.df != b.df ? a.df > b.df : a.term < b.term; });
    if (kept.size() > opts.max_terms) kept.resize(opts.max_terms);
    // Categories are few and always kept; their idf is never used (their weights are fixed).
    if (opts.primary_category_weight > 0 || opts.category_weight > 0) {
        for (const auto& c : categories) kept.push_back({c, 0, -1});
    }
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.term != b.term ? a.term < b.term : a.df < b.df; });
    vocabulary v;
    v.opts_ = opts;
    v.documents_ = docs.size();
    std::vector<int> final_index(seen.size(), -1);
    for (auto& k : kept) {
        if (k.provisional >= 0) final_index[static_cast<std::size_t>(k.provisional)] = static_cast<int>(v.terms_.size());
        v.index_.emplace(k.term, static_cast<int>(v.terms_.size()));
        v.idf_.push_back(std::log((1.0 + n) / (1.0 + k.df)) + 1.0);
        v.surfaces_.push_back(k.provisional >= 0 ? std::move(seen[static_cast<std::size_t>(k.provisional)].surface) : std::string());
        v.terms_.push_back(std::move(k.term));
    }
    if (vectors) {
        vectors->clear();
        vectors->reserve(docs.size());
        for (std::size_t i = 0; i < docs.size(); ++i) {
            std::vector<std::pair<int, double>> counts;
            for (const auto& [id, count] : rows[i]) {
                if (const int at = final_index[static_cast<std::size_t>(id)]; at >= 0) counts.emplace_back(at, count);
            }
            auto x = v.weigh_indexed(std::move(counts));
            v.add_categories(x, docs[i].categories);
            vectors->push_back(std::move(x));
        }
    }
    return v;
}

sparse_vector vocabulary::weigh_indexed(std::vector<std::pair<int, double>> counts) const {
    sparse_vector v;
    v.entries = std::move(counts);
    for (auto& [i, w] : v.entries) w = (1.0 + std::log(w)) * idf_[static_cast<std::size_t>(i)];
    std::sort(v.entries.begin(), v.entries.end());
    double norm = 0;
    for (const auto& [i, w] : v.entries) norm += w * w;
    if (norm > 0) {
        norm = std::sqrt(norm);
        for (auto& [i, w] : v.entries) w /= norm;
    }
    return v;
}

void vocabulary::add_categories(sparse_vector& v, std::span<const std::string> categories) const {
    bool added = false;
    for (std::size_t k = 0; k < categories.size(); ++k) {
        const double w = k == 0 ? opts_.primary_category_weight : opts_.category_weight;
        const auto it = index_.find(std::string(category_prefix) + categories[k]);
        if (w <= 0 || it == index_.end()) continue;
        if (std::any_of(v.entries.begin(), v.entries.end(), [&](const auto& e) { return e.first == it->second; })) continue;  // listed twice
        v.entries.emplace_back(it->second, w);
        added = true;
    }
    if (added) std::sort(v.entries.begin(), v.entries.end());
}

sparse_vector vocabulary::vectorize(const document& doc) const {
    auto v = weigh_terms(doc.title, doc.abstract);
    add_categories(v, doc.categories);
    return v;
}

sparse_vector vocabulary::weigh_terms(std::string_view title, std::string_view abstract) const {
    std::vector<std::pair<int, double>> hits;
    for_each_term(title, abstract, opts_, [&](const std::string& term, double weight, const word&, const word*) {
        if (const auto it = index_.find(term); it != index_.end()) hits.emplace_back(it->second, weight);
    });
    return weigh_indexed(summed(std::move(hits)));
}

std::string vocabulary::display(int index) const {
    const auto& t = term(index);
    if (t.starts_with(category_prefix)) return "category " + t.substr(category_prefix.size());
    const auto& surface = surfaces_.at(static_cast<std::size_t>(index));
    const auto& shown = surface.empty() ? t : surface;
    if (t.starts_with(title_prefix)) return "title: " + (surface.empty() ? t.substr(title_prefix.size()) : surface);
    return shown;
}

sparse_vector vocabulary::vectorize_text(std::string_view text) const { return weigh_terms({}, text); }

std::string vocabulary::fingerprint() const {
    // FNV-1a over the terms and the options that shape the vectors.
    std::uint64_t h = 1469598103934665603ull;
    const auto mix = [&](std::string_view s) {
        for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
    };
    for (const auto& t : terms_) mix(t);
    mix(std::to_string(opts_.title_weight) + (opts_.bigrams ? "b" : "u") + std::to_string(documents_) + "/" + std::to_string(opts_.title_field_weight) +
        "/" + std::to_string(opts_.primary_category_weight) + "/" + std::to_string(opts_.category_weight));
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 0xf];
    return out;
}

}  // namespace paperboy::rank
