// An OpenAI-compatible server's answer on arbitrary bytes: status from the first two bytes,
// headers from the next chunk, the rest as the body; the same body as a Batch API object and as
// a batch output file. No crash, a bounded one-line message, no unchecked id.
#include "openai_batch.hpp"
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
    namespace oa = paperboy::openai;
    const auto batch = oa::interpret_batch(status, body);
    if (const auto* b = std::get_if<oa::batch_status>(&batch)) {
        if (!b->output_file_id.empty() && !oa::valid_object_id(b->output_file_id)) std::abort();
        if (!b->error_file_id.empty() && !oa::valid_object_id(b->error_file_id)) std::abort();
    }
    for (const auto& line : oa::parse_batch_output(body)) {
        if (line.custom_id.empty()) std::abort();
    }
    return 0;
}
