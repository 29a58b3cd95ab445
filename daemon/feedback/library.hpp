// A reader's own library, to seed a profile (`paperboy import`): a BibTeX export (Zotero,
// Mendeley, Google Scholar), Zotero's CSL-JSON, or a text file of arXiv ids or URLs. Pure
// parsers; the files are untrusted: bounded in size, nesting and count.
#pragma once

#include "core/error.hpp"
#include "state/state_store.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy {

enum class library_format { bibtex, csl_json, id_list };

/// By the file name (.bib, .json), else by the first non-blank character ('@' BibTeX, '['
/// CSL-JSON), else an id list.
library_format detect_library_format(const std::filesystem::path& path, std::string_view text);
std::string_view to_string(library_format f);

struct parsed_library {
    std::vector<library_entry> entries;   // BibTeX and CSL-JSON: those with a title
    std::vector<std::string> arxiv_ids;   // an id list: canonical ids, without versions, unique
    std::vector<std::string> problems;    // what was skipped and why (line or entry named)
};

/// Limits: at most `max_library_entries` entries (the rest is a problem), fields nested at most
/// 32 braces deep, titles cut at 1,000 bytes and abstracts at 8,000.
inline constexpr std::size_t max_library_entries = 20'000;

/// @article{key, title = {...}, abstract = "...", eprint = {2507.16110}, ...}. @comment,
/// @string and @preamble are skipped; braces and TeX commands are dropped from values; an
/// arXiv id comes from eprint (with archivePrefix arXiv or an arXiv-looking value) or an
/// arxiv.org URL. Never throws; a malformed entry is a problem and parsing goes on.
parsed_library parse_bibtex(std::string_view text);

/// An array of CSL items: "title", "abstract", and an arXiv id from "number" ("arXiv:..."),
/// "URL" or "DOI" (10.48550/arXiv.NNNN). errc::usage when the text is not a JSON array.
result<parsed_library> parse_csl_json(std::string_view text);

/// One arXiv id or abs/pdf URL per line; blank lines and '#' comments ignored.
parsed_library parse_id_list(std::string_view text);

/// The key for an entry without an arXiv id: "title:" + a hash of the title, letters and
/// digits folded to lower case, so that the same paper imported twice is one entry.
std::string title_key(std::string_view title);

}  // namespace paperboy
