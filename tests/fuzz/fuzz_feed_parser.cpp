// The RSS parser on arbitrary bytes: no crash, no hang, and what it keeps is clean.
#include "arxiv/feed_parser.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    paperboy::skipped_items skipped;
    const auto f = paperboy::parse_feed({reinterpret_cast<const char*>(data), size}, &skipped);
    if (!f) return 0;
    for (const auto& p : f->papers) {
        if (!paperboy::is_arxiv_id(p.id)) std::abort();  // a crafted guid got through
        for (const auto* text : {&p.title, &p.abstract}) {
            for (const unsigned char c : *text) {
                if (c < 0x20 || c == 0x7f) std::abort();  // a field could start a new line somewhere
            }
        }
    }
    if (skipped.reasons.size() > paperboy::skipped_items::max_reasons) std::abort();
    return 0;
}
