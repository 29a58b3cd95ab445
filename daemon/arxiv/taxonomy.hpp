// arXiv's category names (https://arxiv.org/category_taxonomy), checked by form: an archive
// from arXiv's list, optionally with a subject class ("cs.LG", "math.AP", "astro-ph.GA",
// "q-bio.NC", "cond-mat.mes-hall", "hep-th"). Pure.
#pragma once

#include <string>
#include <string_view>

namespace paperboy {

/// Empty when `category` has the form of an arXiv category; otherwise why not, with a
/// suggestion where one is near ("'cs.lg' is not an arXiv category (did you mean 'cs.LG'?)").
std::string arxiv_category_problem(std::string_view category);

}  // namespace paperboy
