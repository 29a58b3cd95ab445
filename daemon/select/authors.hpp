// Matching followed authors against a paper's author list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

/// A name reduced for matching: folded words (see text::fold) without suffixes (Jr, Sr, II..).
struct name_key {
    std::vector<std::string> given;  // "yoshua" or the initial "y"
    std::string family;              // "bengio"
};

name_key make_name_key(std::string_view name);

/// Same person, as far as a name can tell: family names equal (case and accents ignored),
/// and the first given names equal or one is the other's initial ("Y. Bengio" matches
/// "Yoshua Bengio"). Middle names are ignored. A bare family name never matches.
bool same_author(const name_key& followed, const name_key& candidate);

/// Pre-computed followed names; matches() tells whether any of a paper's authors is followed.
class author_matcher {
public:
    explicit author_matcher(const std::vector<std::string>& followed);
    bool empty() const noexcept { return followed_.empty(); }
    /// The first followed name that matches one of `authors`, or "" when none does.
    std::string match(const std::vector<std::string>& authors) const;

private:
    std::vector<std::pair<std::string, name_key>> followed_;
};

}  // namespace paperboy
