// The configuration reader on arbitrary bytes: every outcome is a configuration or a
// config_invalid error that starts with a JSON pointer; never an exception.
#include "config/config.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto c = paperboy::parse_config({reinterpret_cast<const char*>(data), size}, "/nonexistent-fuzz-base");
        if (!c && (c.error().code != paperboy::errc::config_invalid || c.error().detail.empty() || c.error().detail[0] != '/')) std::abort();
    } catch (...) {
        std::abort();  // config errors are values, never an "internal error"
    }
    return 0;
}
