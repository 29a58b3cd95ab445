#include "rank/features.hpp"

#include "core/text.hpp"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <optional>
#include <set>
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

// Hashes std::string keys and string_view lookups alike, so a lookup copies nothing.
struct term_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view v) const noexcept { return std::hash<std::string_view>{}(v); }
};

// Snowball stemmers keep per-word state, so one per thread.
struct english_stemmer {
    sb_stemmer* s = sb_stemmer_new("english", "UTF_8");
    ~english_stemmer() { sb_stemmer_delete(s); }
    english_stemmer() = default;
    english_stemmer(const english_stemmer&) = delete;
    english_stemmer& operator=(const english_stemmer&) = delete;

    // A day's words repeat across its papers, and Snowball is the costliest step here. The
    // stems live in a deque (stable as it grows), so a stem() stays valid until the next
    // forget_if_large() (called between documents); the memo is a flat table of their places.
    boost::unordered_flat_map<std::string, std::uint32_t, term_hash, std::equal_to<>> memo;
    std::deque<std::string> stems;

    std::string_view stem(std::string_view w) {
        if (const auto it = memo.find(w); it != memo.end()) return stems[it->second];
        stems.push_back(run(w));
        memo.emplace(std::string(w), static_cast<std::uint32_t>(stems.size() - 1));
        return stems.back();
    }
    void forget_if_large() {
        if (memo.size() > 200'000) {
            memo.clear();
            stems.clear();
        }
    }
    std::string run(std::string_view w) const {
        if (!s) return std::string(w);
        const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(w.data()), static_cast<int>(w.size()));
        if (!out) return std::string(w);  // out of memory inside Snowball: the word unstemmed
        return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(s))};
    }
};

english_stemmer& stemmer() {
    thread_local english_stemmer one;
    return one;
}

// The words of a text that count, as views into `folded` (the text folded): at least two
// characters, starting with a letter, not a stop word.
void surfaces_of(std::string_view text, std::string& folded, std::vector<std::string_view>& out) {
    folded = text::fold(text);
    out.clear();
    std::string_view rest = folded;
    while (!rest.empty()) {
        const auto space = rest.find(' ');
        const auto w = text::trim(rest.substr(0, space));
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        if (w.size() < 2 || !(w[0] >= 'a' && w[0] <= 'z')) continue;
        if (stop_words().contains(w)) continue;
        out.push_back(w);
    }
}

constexpr std::string_view title_prefix = "title:";
constexpr std::string_view category_prefix = "cat:";

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

// A corpus's distinct words (surface forms) and stems, numbered in order of first sight, so
// a term is a number: one stem or two (a bigram), and whether it is a "title:" term. Each
// surface is looked up once an occurrence, and stemmed once a corpus.
class corpus_words {
public:
    static constexpr std::uint32_t none = 0xffffffffu;
    struct numbered {
        std::uint32_t surface = none, stem = none;
    };

    void number(const std::vector<std::string_view>& words, std::vector<numbered>& out) {
        out.clear();
        for (const auto w : words) {
            auto it = surfaces_.find(w);
            if (it == surfaces_.end()) {
                const auto stem = stemmer().run(w);
                auto s = stems_.find(stem);
                if (s == stems_.end()) {
                    s = stems_.emplace(stem, static_cast<std::uint32_t>(stem_text_.size())).first;
                    stem_text_.push_back(stem);
                }
                it = surfaces_.emplace(std::string(w), numbered{static_cast<std::uint32_t>(surface_text_.size()), s->second}).first;
                surface_text_.emplace_back(w);
            }
            out.push_back(it->second);
        }
    }
    /// The words of a paper outside the corpus, numbered without adding any: a word the corpus
    /// never had has no surface number, and no stem number when its stem is new too.
    void find(const std::vector<std::string_view>& words, std::vector<numbered>& out) const {
        out.clear();
        for (const auto w : words) {
            if (const auto it = surfaces_.find(w); it != surfaces_.end()) {
                out.push_back(it->second);
            } else {
                const auto s = stems_.find(stemmer().stem(w));
                out.push_back({none, s == stems_.end() ? none : s->second});
            }
        }
    }
    static std::uint64_t key(std::uint32_t a, std::uint32_t b, bool title) {
        return (title ? 1ull << 63 : 0) | (b != none ? 1ull << 62 : 0) | (static_cast<std::uint64_t>(a) << 31) | (b != none ? b : 0u);
    }
    /// The term as for_each_term writes it.
    std::string spell(std::uint64_t k) const {
        std::string out(k >> 63 ? title_prefix : std::string_view());
        out += stem_text_[static_cast<std::size_t>((k >> 31) & 0x7fffffffu)];
        if ((k >> 62) & 1u) {
            out += ' ';
            out += stem_text_[static_cast<std::size_t>(k & 0x7fffffffu)];
        }
        return out;
    }
    /// Surfaces a (and b, unless none) as keep_shortest writes them.
    std::string surface(std::uint32_t a, std::uint32_t b) const {
        if (a == none) return {};
        return b == none ? surface_text_[a] : surface_text_[a] + " " + surface_text_[b];
    }
    std::size_t surface_size(std::uint32_t a, std::uint32_t b) const {
        return surface_text_[a].size() + (b == none ? 0 : 1 + surface_text_[b].size());
    }

private:
    boost::unordered_flat_map<std::string, numbered, term_hash, std::equal_to<>> surfaces_;
    boost::unordered_flat_map<std::string, std::uint32_t, term_hash, std::equal_to<>> stems_;
    std::vector<std::string> surface_text_, stem_text_;
};

namespace {

// A term seen while building: its document frequency and the shortest surface seen for it.
struct seen_term {
    std::uint64_t key = 0;
    int df = 0;
    std::uint32_t surface_a = corpus_words::none, surface_b = corpus_words::none;

    // keep_shortest on numbers: the same choice, with no string unless two forms tie in length.
    void keep_shortest(const corpus_words& words, std::uint32_t a, std::uint32_t b) {
        if (surface_a == a && surface_b == b) return;
        if (surface_a != corpus_words::none) {
            const auto size = words.surface_size(a, b), kept = words.surface_size(surface_a, surface_b);
            if (size > kept || (size == kept && !(words.surface(a, b) < words.surface(surface_a, surface_b)))) return;
        }
        surface_a = a;
        surface_b = b;
    }
};

// Calls emit(key, weight, first surface, second surface) for each term of the words: each
// stem and, with bigrams, each adjacent pair. A word whose stem the corpus never had (a paper
// outside it) makes no term: no vocabulary can hold one.
template <class Emit>
void emit_keys(const std::vector<corpus_words::numbered>& words, double weight, bool bigrams, bool title, Emit& emit) {
    constexpr auto none = corpus_words::none;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i].stem == none) continue;
        emit(corpus_words::key(words[i].stem, none, title), weight, words[i].surface, none);
        if (bigrams && i + 1 < words.size() && words[i + 1].stem != none) {
            emit(corpus_words::key(words[i].stem, words[i + 1].stem, title), weight, words[i].surface, words[i + 1].surface);
        }
    }
}

// Every term of a document in one order, title terms weighted, "title:" terms included: the
// corpus pass and vectorize sum the same hits the same way, so their vectors are equal.
template <class Emit>
void for_each_key(const std::vector<corpus_words::numbered>& title, const std::vector<corpus_words::numbered>& abstract, const feature_options& opts,
                  Emit&& emit) {
    emit_keys(title, opts.title_weight, opts.bigrams, false, emit);
    emit_keys(abstract, 1.0, opts.bigrams, false, emit);
    if (opts.title_field_weight > 0) emit_keys(title, opts.title_field_weight, opts.bigrams, true, emit);
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
    stemmer().forget_if_large();
    std::string folded;
    std::vector<std::string_view> surfaces;
    surfaces_of(text, folded, surfaces);
    std::vector<std::string> out;
    for (const auto w : surfaces) out.emplace_back(stemmer().stem(w));
    return out;
}

vocabulary vocabulary::build(const std::vector<document>& docs, const feature_options& opts, std::vector<sparse_vector>* vectors) {
    // One pass over the corpus: each term gets a provisional id on first sight, each document
    // keeps its counts by that id, so its vector needs no second tokenisation. A term is found
    // by its stems' numbers (corpus_words), and spelled out only if the vocabulary keeps it.
    auto numbering = std::make_shared<corpus_words>();
    auto& words = *numbering;
    boost::unordered_flat_map<std::uint64_t, int> ids;
    ids.reserve(docs.size() * 100);
    std::vector<seen_term> seen;
    std::vector<std::vector<std::pair<int, double>>> rows;
    if (vectors) rows.reserve(docs.size());
    std::set<std::string> categories;
    std::vector<std::pair<int, double>> hits;
    std::string folded;
    std::vector<std::string_view> surfaces;
    std::vector<corpus_words::numbered> title, abstract;
    const auto emit = [&](std::uint64_t key, double weight, std::uint32_t a, std::uint32_t b) {
        const auto [it, fresh] = ids.try_emplace(key, static_cast<int>(seen.size()));
        if (fresh) seen.push_back({key});
        seen[static_cast<std::size_t>(it->second)].keep_shortest(words, a, b);
        hits.emplace_back(it->second, weight);
    };
    for (const auto& d : docs) {
        hits.clear();
        surfaces_of(d.title, folded, surfaces);
        words.number(surfaces, title);
        surfaces_of(d.abstract, folded, surfaces);
        words.number(surfaces, abstract);
        for_each_key(title, abstract, opts, emit);
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
    for (std::size_t id = 0; id < seen.size(); ++id) {
        const int count = seen[id].df;
        if (count >= opts.min_df && count <= opts.max_df * n) kept.push_back({words.spell(seen[id].key), count, static_cast<int>(id)});
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
        if (k.provisional >= 0) {
            final_index[static_cast<std::size_t>(k.provisional)] = static_cast<int>(v.terms_.size());
            v.key_index_.emplace(seen[static_cast<std::size_t>(k.provisional)].key, static_cast<int>(v.terms_.size()));
        }
        else v.categories_.emplace(k.term, static_cast<int>(v.terms_.size()));
        v.idf_.push_back(std::log((1.0 + n) / (1.0 + k.df)) + 1.0);
        v.surfaces_.push_back(k.provisional >= 0 ? words.surface(seen[static_cast<std::size_t>(k.provisional)].surface_a, seen[static_cast<std::size_t>(k.provisional)].surface_b) : std::string());
        v.terms_.push_back(std::move(k.term));
    }
    v.words_ = std::move(numbering);
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
        const auto it = categories_.find(std::string(category_prefix) + categories[k]);
        if (w <= 0 || it == categories_.end()) continue;
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
    if (!words_) return {};  // a vocabulary not built has no terms
    thread_local std::string folded;
    thread_local std::vector<std::string_view> surfaces;
    thread_local std::vector<corpus_words::numbered> title_words, abstract_words;
    stemmer().forget_if_large();
    surfaces_of(title, folded, surfaces);
    words_->find(surfaces, title_words);
    surfaces_of(abstract, folded, surfaces);
    words_->find(surfaces, abstract_words);
    std::vector<std::pair<int, double>> hits;
    for_each_key(title_words, abstract_words, opts_, [&](std::uint64_t key, double weight, std::uint32_t, std::uint32_t) {
        if (const auto it = key_index_.find(key); it != key_index_.end()) hits.emplace_back(it->second, weight);
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
