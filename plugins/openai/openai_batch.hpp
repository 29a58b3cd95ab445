// The OpenAI Batch API (protocols.md 2.6) as pure functions: the JSONL input file, its
// multipart upload, the batch object and the output file. The plugin glue does the I/O.
#pragma once

#include "openai_protocol.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace paperboy::openai {

struct batch_request {
    std::string custom_id;  // unique in the batch; the output is matched on it, not on order
    std::string system;
    std::string user;
    bool structured = false;
};

/// One line per request: {"custom_id", "method": "POST", "url": "/v1/chat/completions",
/// "body": build_request(...)}.
std::string batch_input_jsonl(const settings& s, const std::vector<batch_request>& requests);

/// A multipart/form-data body with the fields purpose=batch and file=<jsonl> ("batch.jsonl").
/// `boundary` must not occur in `jsonl` (batch_boundary picks one that does not).
std::string batch_upload_body(std::string_view boundary, std::string_view jsonl);
std::string batch_boundary(std::string_view jsonl);

/// Object ids from the provider go into URL paths: only [A-Za-z0-9_-], 1 to 128 characters.
bool valid_object_id(std::string_view id);

/// The id of an uploaded file or a created batch ({"id": "file-..."}); a failure otherwise,
/// classified like any answer (interpret_status).
std::variant<std::string, failure> created_id(int http_status, std::string_view body, const nlohmann::json& headers = nlohmann::json::object());

struct batch_status {
    std::string status;          // validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled
    std::string output_file_id;  // "" until there is one
    std::string error_file_id;
    std::string error;           // the batch's own errors (a failed validation), one line
    /// The batch ended: what it finished is in the output file, what it did not will never be.
    bool finished() const { return status == "completed" || status == "failed" || status == "expired" || status == "cancelled"; }
};
std::variant<batch_status, failure> interpret_batch(int http_status, std::string_view body, const nlohmann::json& headers = nlohmann::json::object());

struct batch_line {
    std::string custom_id;
    std::variant<completion, failure> outcome;
};
/// The lines of an output or error file; lines that are not JSON objects with a custom_id
/// are skipped (their requests count as missing).
std::vector<batch_line> parse_batch_output(std::string_view jsonl);

/// Classifies an HTTP answer that is not a completion (the Batch API's own endpoints): as a
/// completion's error would be, with a 429's or 503's Retry-After (`headers`, lower-case
/// names as the host gives them) as retry_after_ms.
failure interpret_status(int http_status, std::string_view body, const nlohmann::json& headers = nlohmann::json::object());

}  // namespace paperboy::openai
