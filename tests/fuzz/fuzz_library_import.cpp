// A reader's library file on arbitrary bytes (BibTeX, CSL-JSON, an id list) and an arXiv API
// answer: linear time, bounded fields, every id a valid arXiv id, never a crash.
#include "arxiv/api.hpp"
#include "arxiv/feed_parser.hpp"
#include "feedback/library.hpp"

#include <cstdint>
#include <cstdlib>

namespace {
void check(const paperboy::parsed_library& lib) {
    if (lib.entries.size() > paperboy::max_library_entries) std::abort();
    for (const auto& e : lib.entries) {
        if (e.title.empty() || e.title.size() > 1003 || e.abstract.size() > 8003 || e.key.empty()) std::abort();
        if (!e.arxiv_id.empty() && !paperboy::is_arxiv_id(e.arxiv_id)) std::abort();
    }
    for (const auto& id : lib.arxiv_ids) {
        if (!paperboy::is_arxiv_id(id)) std::abort();
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check(paperboy::parse_bibtex(text));
    check(paperboy::parse_id_list(text));
    if (auto csl = paperboy::parse_csl_json(text)) check(*csl);
    if (auto papers = paperboy::parse_api_feed(text)) {
        for (const auto& p : *papers) {
            if (!paperboy::is_arxiv_id(p.id) || p.version < 1) std::abort();
        }
    }
    return 0;
}
