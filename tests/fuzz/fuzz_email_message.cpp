// The email message from a digest built of arbitrary text: headers carry nothing from a paper,
// no CR or LF can start a header, every line ends in CRLF and is at most 998 octets.
#include "email_format.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto settings = paperboy::email::parse_settings(
        R"({"smtp_url": "smtp://127.0.0.1:25", "tls": "none", "from": "paperboy <digest@lab.example.org>", "to": ["ada@example.org"], "attach_markdown": true})");
    FuzzedDataProvider in(data, size);
    nlohmann::json papers = nlohmann::json::array();
    const int n = in.ConsumeIntegralInRange(0, 4);
    for (int i = 0; i < n; ++i) {
        papers.push_back({{"rank", i + 1}, {"id", "2507.0000" + std::to_string(i)}, {"title", in.ConsumeRandomLengthString(300)},
                          {"authors", {in.ConsumeRandomLengthString(60), in.ConsumeRandomLengthString(60)}},
                          {"abstract", in.ConsumeRandomLengthString(2000)}, {"tldr", in.ConsumeRandomLengthString(400)}, {"comment", in.ConsumeRandomLengthString(300)},
                          {"relevance", in.ConsumeIntegralInRange(1, 10)}, {"novelty", in.ConsumeIntegralInRange(1, 10)},
                          {"author_match", in.ConsumeBool()}, {"url", "https://arxiv.org/abs/2507.0000" + std::to_string(i)},
                          {"pdf_url", in.ConsumeBool() ? std::string("javascript:alert(1)") : "https://arxiv.org/pdf/2507.0000" + std::to_string(i)}});
    }
    nlohmann::json digest{{"schema", 1}, {"date", "2025-07-23"}, {"profile", "lab"}, {"model", in.ConsumeRandomLengthString(40)},
                          {"stats", {{"scanned", 10}}}, {"notes", {in.ConsumeRandomLengthString(200)}}, {"papers", papers},
                          {"markdown", in.ConsumeRandomLengthString(500)}, {"channel", "mail"}};
    if (in.ConsumeBool()) digest["incomplete"] = {{"text", in.ConsumeRandomLengthString(300)}};
    std::string message;
    try {
        // The unsubscribe URL comes from the host; even a hostile one must not start a header.
        const auto url = in.ConsumeBool() ? "https://d.example.org/unsubscribe?" + in.ConsumeRandomLengthString(300) : std::string();
        message = paperboy::email::build_message(digest, settings, std::chrono::system_clock::time_point{}, url);
    } catch (const nlohmann::json::exception&) {
        return 0;  // invalid UTF-8 that cannot be serialised: refused, never sent half-made
    }
    const auto head_end = message.find("\r\n\r\n");
    if (head_end == std::string::npos) std::abort();
    std::size_t start = 0;
    while (start < message.size()) {
        const auto end = message.find("\r\n", start);
        if (end == std::string::npos) std::abort();  // a line without CRLF
        const auto line = std::string_view(message).substr(start, end - start);
        if (line.size() > 998 || line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos) std::abort();
        if (start < head_end && !line.empty() && line[0] != ' ' && line[0] != '\t') {
            const auto name = line.substr(0, line.find(':'));
            static const std::set<std::string_view> allowed{"Date", "From", "To", "Cc", "Reply-To", "Subject", "Message-ID", "MIME-Version",
                                                            "Auto-Submitted", "X-Auto-Response-Suppress", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Content-Type"};
            if (!allowed.contains(name)) std::abort();  // paper text started a header
        }
        start = end + 2;
    }
    for (const unsigned char c : message) {
        if (c >= 0x80) std::abort();  // the message is 7-bit
    }
    return 0;
}
