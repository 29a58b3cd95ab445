// tf-idf features of a paper's title and abstract (as arxiv-sanity-lite computes them): word
// and two-word terms, Snowball-stemmed, sublinear term frequency, smoothed idf, L2-normalised;
// the title's terms once more as terms of their own, and the paper's arXiv categories beside
// them at fixed weights. Pure.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paperboy::rank {

/// A sparse vector: (term index, weight), indices ascending.
struct sparse_vector {
    std::vector<std::pair<int, double>> entries;
    double dot(const sparse_vector& o) const;
};

/// Lower-cased, accent-folded words of `text` of at least two characters that start with a
/// letter, English stop words left out, each reduced to its Snowball (Porter 2) English stem,
/// so "segmentation", "segmenting" and "segments" are one term.
std::vector<std::string> tokenize(std::string_view text);

struct feature_options {
    bool bigrams = true;         // two-word terms beside single words
    double title_weight = 4.0;   // a title term counts this many times (titles say more per word)
    // The title's terms again as "title:" terms, counted this many times, so a model can learn
    // that a word matters in a title and not in an abstract; 0 leaves them out.
    double title_field_weight = 4.0;
    // A paper's first (primary) arXiv category and its others as "cat:" features of these fixed
    // weights, outside the tf-idf norm; readers' interests follow categories, and a model learns
    // by how much. The topics text has none, so the cold start ignores them.
    double primary_category_weight = 0.3;
    double category_weight = 0.1;
    int min_df = 2;              // terms in fewer documents are dropped
    double max_df = 0.5;         // terms in more than this share of documents are dropped
    std::size_t max_terms = 50'000;
};

/// The terms learned from a corpus (the stored days), with their idf.
class vocabulary {
public:
    vocabulary() = default;
    /// From documents given as (title, abstract).
    struct document {
        std::string_view title, abstract;
        std::span<const std::string> categories = {};  // the first one primary
    };
    /// With `vectors`, each document's vector (as vectorize gives it) comes from the same pass.
    static vocabulary build(const std::vector<document>& docs, const feature_options& opts = {}, std::vector<sparse_vector>* vectors = nullptr);

    /// The document's tf-idf vector (1 + ln tf, times idf, L2-normalised); unknown terms are dropped.
    sparse_vector vectorize(const document& doc) const;
    /// The same for a free text (a topics description): every word counts as title text would not.
    sparse_vector vectorize_text(std::string_view text) const;

    std::size_t size() const noexcept { return terms_.size(); }
    const std::string& term(int index) const { return terms_.at(static_cast<std::size_t>(index)); }
    /// The term as a reader would write it: the shortest unstemmed form the corpus had
    /// ("generate" for the stem "generat"), "title: ..." for a title term, "category cs.CV"
    /// for a category.
    std::string display(int index) const;
    std::size_t documents() const noexcept { return documents_; }
    /// A stable hash of the terms and options, for cache keys.
    std::string fingerprint() const;

private:
    sparse_vector weigh_terms(std::string_view title, std::string_view abstract) const;
    sparse_vector weigh_indexed(std::vector<std::pair<int, double>> counts) const;
    void add_categories(sparse_vector& v, std::span<const std::string> categories) const;

    feature_options opts_;
    std::vector<std::string> terms_;
    std::vector<double> idf_;
    std::vector<std::string> surfaces_;
    std::map<std::string, int, std::less<>> categories_;  // "cat:cs.CV" -> its index
    std::shared_ptr<const class corpus_words> words_;
    boost::unordered_flat_map<std::uint64_t, int> key_index_;
    std::size_t documents_ = 0;
};

}  // namespace paperboy::rank
