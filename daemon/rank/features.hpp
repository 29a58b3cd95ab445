// tf-idf features of a paper's title and abstract (as arxiv-sanity-lite computes them): word
// and two-word terms, sublinear term frequency, smoothed idf, L2-normalised. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace paperboy::rank {

/// A sparse vector: (term index, weight), indices ascending.
struct sparse_vector {
    std::vector<std::pair<int, double>> entries;
    double dot(const sparse_vector& o) const;
};

/// Lower-cased, accent-folded words of `text` of at least two characters that start with a
/// letter, English stop words left out, plural and -ing/-ed endings of longer words removed.
std::vector<std::string> tokenize(std::string_view text);

struct feature_options {
    bool bigrams = true;         // two-word terms beside single words
    double title_weight = 4.0;   // a title term counts this many times (titles say more per word)
    int min_df = 2;              // terms in fewer documents are dropped
    double max_df = 0.5;         // terms in more than this share of documents are dropped
    std::size_t max_terms = 50'000;
};

/// A term's counts in one document (title terms weighted).
std::unordered_map<std::string, double> term_counts(std::string_view title, std::string_view abstract, const feature_options& opts);

/// The terms learned from a corpus (the stored days), with their idf.
class vocabulary {
public:
    vocabulary() = default;
    /// From documents given as (title, abstract).
    struct document {
        std::string_view title, abstract;
    };
    static vocabulary build(const std::vector<document>& docs, const feature_options& opts = {});

    /// The document's tf-idf vector (1 + ln tf, times idf, L2-normalised); unknown terms are dropped.
    sparse_vector vectorize(const document& doc) const;
    /// The same for a free text (a topics description): every word counts as title text would not.
    sparse_vector vectorize_text(std::string_view text) const;

    std::size_t size() const noexcept { return terms_.size(); }
    const std::string& term(int index) const { return terms_.at(static_cast<std::size_t>(index)); }
    std::size_t documents() const noexcept { return documents_; }
    /// A stable hash of the terms and options, for cache keys.
    std::string fingerprint() const;

private:
    sparse_vector weigh(const std::unordered_map<std::string, double>& counts) const;

    feature_options opts_;
    std::vector<std::string> terms_;
    std::vector<double> idf_;
    std::unordered_map<std::string, int> index_;
    std::size_t documents_ = 0;
};

}  // namespace paperboy::rank
