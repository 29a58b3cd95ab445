// The feed parsers on arbitrary bytes, arXiv's RSS and bioRxiv's JSON: no crash, no hang,
// and what they keep is clean.
#include "arxiv/feed_parser.hpp"
#include "paperboy/paper_ids.hpp"
#include "preprints/biorxiv.hpp"

#include <cstdint>
#include <cstdlib>

namespace {

void check_clean(const paperboy::paper& p) {
    for (const auto* text : {&p.title, &p.abstract}) {
        for (const unsigned char c : *text) {
            if (c < 0x20 || c == 0x7f) std::abort();  // a field could start a new line somewhere
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    paperboy::skipped_items skipped;
    if (const auto f = paperboy::parse_feed(input, &skipped)) {
        for (const auto& p : f->papers) {
            if (!paperboy::is_arxiv_id(p.id)) std::abort();  // a crafted guid got through
            check_clean(p);
        }
    }
    if (skipped.reasons.size() > paperboy::skipped_items::max_reasons) std::abort();
    if (const auto page = paperboy::parse_biorxiv_page(input, "biorxiv", {})) {
        for (const auto& p : page->papers) {
            if (!paperboy::sdk::is_preprint_id(p.id)) std::abort();  // a crafted DOI got through
            check_clean(p);
        }
    }
    return 0;
}
