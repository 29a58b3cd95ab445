// The configuration reader on arbitrary bytes: every outcome is a configuration or a
// config_invalid error that starts with a JSON pointer (or lists several problems, the first
// starting with its pointer); never an exception.
#include "config/config.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {
// One problem starts with its pointer; several are "N problems:" and then one line each, the
// first starting with its pointer.
bool names_pointers(const std::string& detail) {
    if (detail.starts_with("/")) return true;
    const auto colon = detail.find(" problems:\n  /");
    return colon != std::string::npos && colon > 0 && detail.find_first_not_of("0123456789") == colon;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto c = paperboy::parse_config({reinterpret_cast<const char*>(data), size}, "/nonexistent-fuzz-base");
        if (!c && (c.error().code != paperboy::errc::config_invalid || !names_pointers(c.error().detail))) std::abort();
    } catch (...) {
        std::abort();  // config errors are values, never an "internal error"
    }
    return 0;
}
