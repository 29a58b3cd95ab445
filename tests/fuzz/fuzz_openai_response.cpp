// An OpenAI-compatible server's answer on arbitrary bytes: status from the first two bytes,
// headers from the next chunk, the rest as the body. No crash, a bounded one-line message.
#include "openai_protocol.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const int status = in.ConsumeIntegralInRange<int>(100, 599);
    nlohmann::json headers = nlohmann::json::object();
    headers["retry-after"] = in.ConsumeRandomLengthString(32);
    headers["retry-after-ms"] = in.ConsumeRandomLengthString(32);
    const auto body = in.ConsumeRemainingBytesAsString();
    const auto r = paperboy::openai::interpret_response(status, body, headers);
    if (const auto* f = std::get_if<paperboy::openai::failure>(&r)) {
        if (f->message.size() > 1000 || f->message.find('\n') != std::string::npos) std::abort();
        if (f->retry_after_ms && (*f->retry_after_ms < 0 || *f->retry_after_ms > 86'400'000)) std::abort();
    }
    return 0;
}
