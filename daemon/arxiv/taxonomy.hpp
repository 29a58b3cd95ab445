// arXiv's category names (https://arxiv.org/category_taxonomy), checked against arXiv's list:
// an archive alone ("cs", "hep-th") or an archive with one of its subject classes ("cs.LG",
// "math.AP", "astro-ph.GA", "q-bio.NC", "cond-mat.mes-hall"). Pure.
#pragma once

#include <string>
#include <string_view>

namespace paperboy {

/// Empty when `category` is an arXiv category; otherwise why not, with a
/// suggestion where one is near ("'cs.lg' is not an arXiv category (did you mean 'cs.LG'?)").
std::string arxiv_category_problem(std::string_view category);

}  // namespace paperboy
