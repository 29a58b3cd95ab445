// A model's reply on arbitrary bytes: linear time (libFuzzer's -timeout catches a hang),
// scores only for the batch, comments clean and capped.
#include "score/reply_parser.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::set<std::string> batch{"2507.00001", "2507.00002", "hep-th/9901001"};
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto r = paperboy::parse_score_reply(text, batch);
    for (const auto& [id, s] : r.scores) {
        if (!batch.contains(id) || s.relevance < 1 || s.relevance > 10) std::abort();
        if (s.novelty && (*s.novelty < 1 || *s.novelty > 10)) std::abort();
        if (s.comment.size() > paperboy::max_comment_bytes) std::abort();
        for (const unsigned char c : s.comment) {
            if (c < 0x20 || c == 0x7f) std::abort();
        }
    }
    if (const auto ids = paperboy::parse_id_list_reply(text, batch)) {
        for (const auto& id : *ids) {
            if (!batch.contains(id)) std::abort();
        }
    }
    for (const auto& [id, tldr] : paperboy::parse_tldr_reply(text, batch)) {
        if (!batch.contains(id) || tldr.empty() || tldr.size() > paperboy::max_tldr_bytes + 3) std::abort();
        for (const unsigned char c : tldr) {
            if (c < 0x20 || c == 0x7f) std::abort();
        }
    }
    return 0;
}
