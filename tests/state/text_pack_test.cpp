#include "state/text_pack.hpp"

#include "arxiv/feed_parser.hpp"
#include "core/files.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("stored abstracts come back byte for byte and take under half their size", "[unit][state]") {
    // A day the dictionary was not made from (scripts/make-text-dictionary reads the relevance fixtures).
    const auto day = parse_feed(read_file(test::golden_feed()).value()).value();
    std::size_t raw = 0, packed = 0;
    for (const auto& p : day.papers) {
        const auto bytes = pack_text(p.abstract);
        REQUIRE(unpack_text(bytes) == p.abstract);
        raw += p.abstract.size();
        packed += bytes.size();
    }
    CHECK(packed < raw * 45 / 100);
    for (const std::string text : {"", "ü∑ with \"quotes\" and a NUL \0 inside", "$x^2$ \\alpha"}) CHECK(unpack_text(pack_text(text)) == text);
}

TEST_CASE("damaged or foreign bytes are not taken for an abstract, and no text outgrows the bound", "[unit][state]") {
    auto bytes = pack_text("Diffusion models generate images by denoising, step by step, from noise.");
    CHECK_FALSE(unpack_text(""));
    CHECK_FALSE(unpack_text("plain text"));  // no format byte
    CHECK_FALSE(unpack_text(bytes.substr(0, bytes.size() / 2)));  // truncated
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
    const auto flipped = unpack_text(bytes);
    CHECK((!flipped || *flipped != "Diffusion models generate images by denoising, step by step, from noise."));
    CHECK_FALSE(unpack_text(pack_text(std::string(packed_text_max + 1, 'a'))));  // a deflate bomb is refused
}
