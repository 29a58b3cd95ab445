#include "state/text_pack.hpp"

#include <zlib.h>

#include <array>

namespace paperboy {
namespace {

constexpr char dictionary[] =
#include "state/text_dictionary.inc"
    ;
constexpr unsigned char format_1 = 0x01;

const Bytef* bytes_of(std::string_view s) { return reinterpret_cast<const Bytef*>(s.data()); }

}  // namespace

std::string pack_text(std::string_view text) {
    z_stream z{};
    // Raw deflate (negative window bits): the format byte says what it is, no zlib header.
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
    deflateSetDictionary(&z, bytes_of(dictionary), sizeof dictionary - 1);
    std::string out(1 + deflateBound(&z, static_cast<uLong>(text.size())), '\0');
    out[0] = static_cast<char>(format_1);
    z.next_in = const_cast<Bytef*>(bytes_of(text));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data() + 1);
    z.avail_out = static_cast<uInt>(out.size() - 1);
    const int rc = deflate(&z, Z_FINISH);
    out.resize(1 + z.total_out);
    deflateEnd(&z);
    return rc == Z_STREAM_END ? out : std::string();
}

std::optional<std::string> unpack_text(std::string_view packed, std::size_t max) {
    if (packed.empty() || static_cast<unsigned char>(packed[0]) != format_1) return std::nullopt;
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK) return std::nullopt;
    inflateSetDictionary(&z, bytes_of(dictionary), sizeof dictionary - 1);
    z.next_in = const_cast<Bytef*>(bytes_of(packed.substr(1)));
    z.avail_in = static_cast<uInt>(packed.size() - 1);
    std::string out;
    std::array<char, 16384> chunk{};
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(chunk.data());
        z.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(chunk.data(), chunk.size() - z.avail_out);
        if (out.size() > max) rc = Z_DATA_ERROR;
    }
    const bool whole = rc == Z_STREAM_END && z.avail_in == 0;
    inflateEnd(&z);
    return whole ? std::optional<std::string>(std::move(out)) : std::nullopt;
}

}  // namespace paperboy
