// arXiv's search API (export.arxiv.org/api/query), for papers named by id: their metadata for
// `paperboy import`. The API answers in Atom. Pure; feed_source.hpp fetches.
#pragma once

#include "arxiv/paper.hpp"
#include "core/error.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

/// Ids per API request: arXiv allows up to 2000 results per call; 100 keeps each answer small.
inline constexpr std::size_t arxiv_api_batch = 100;

/// "<base>?id_list=a,b&max_results=2" (ids without versions: the latest one).
std::string api_query_url(std::string_view base, std::span<const std::string> ids);

/// The entries of an API answer as papers (id and version from <id>, title, summary as the
/// abstract, authors, categories; whitespace collapsed, invalid UTF-8 replaced). arXiv's error
/// answer (one entry titled "Error") is errc::feed_rejected with its message; a body that is
/// not Atom is errc::feed_malformed. Entries without a valid arXiv id are left out.
result<std::vector<paper>> parse_api_feed(std::string_view xml);

}  // namespace paperboy
