#include "select/authors.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>

namespace paperboy {

name_key make_name_key(std::string_view name) {
    auto words = text::split(text::fold(name), ' ');
    static constexpr std::array<std::string_view, 6> suffixes{"jr", "sr", "ii", "iii", "iv", "phd"};
    while (words.size() > 1 && std::find(suffixes.begin(), suffixes.end(), words.back()) != suffixes.end()) {
        words.pop_back();
    }
    name_key key;
    if (words.empty()) return key;
    key.family = words.back();
    words.pop_back();
    key.given = std::move(words);
    return key;
}

bool same_author(const name_key& a, const name_key& b) {
    if (a.family.empty() || a.family != b.family || a.given.empty() || b.given.empty()) return false;
    const auto& x = a.given.front();
    const auto& y = b.given.front();
    if (x == y) return true;
    if (x.size() == 1 || y.size() == 1) return x.front() == y.front();
    return false;
}

author_matcher::author_matcher(const std::vector<std::string>& followed) {
    for (const auto& name : followed) {
        auto key = make_name_key(name);
        if (!key.family.empty()) followed_.emplace_back(name, std::move(key));
    }
}

std::string author_matcher::match(const std::vector<std::string>& authors) const {
    if (followed_.empty()) return {};
    for (const auto& author : authors) {
        const auto key = make_name_key(author);
        for (const auto& [name, fkey] : followed_) {
            if (same_author(fkey, key)) return name;
        }
    }
    return {};
}

}  // namespace paperboy
