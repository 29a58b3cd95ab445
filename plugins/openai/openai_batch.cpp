#include "openai_batch.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace paperboy::openai {
using nlohmann::json;

namespace {

std::string one_line(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 300)) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
    return out;
}

std::string string_field(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

std::string batch_input_jsonl(const settings& s, const std::vector<batch_request>& requests) {
    std::string out;
    for (const auto& r : requests) {
        out += json{{"custom_id", r.custom_id},
                    {"method", "POST"},
                    {"url", "/v1/chat/completions"},
                    {"body", build_request(s, r.system, r.user, r.structured || s.structured_output)}}
                   .dump(-1, ' ', false, json::error_handler_t::replace);
        out += '\n';
    }
    return out;
}

std::string batch_boundary(std::string_view jsonl) {
    // JSON text escapes control characters but not dashes: look for a free boundary.
    for (unsigned n = 0;; ++n) {
        auto b = "paperboy-batch-" + std::to_string(n);
        if (jsonl.find(b) == std::string_view::npos) return b;
    }
}

std::string batch_upload_body(std::string_view boundary, std::string_view jsonl) {
    std::string b(boundary);
    std::string out;
    out += "--" + b + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n";
    out += "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"batch.jsonl\"\r\n";
    out += "Content-Type: application/jsonl\r\n\r\n";
    out += jsonl;
    out += "\r\n--" + b + "--\r\n";
    return out;
}

bool valid_object_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (const char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

failure interpret_status(int http_status, std::string_view body, const json& headers) {
    if (http_status == 200) return failure{PB_TRANSIENT, "HTTP 200 with an unreadable body: " + one_line(body), std::nullopt};
    auto outcome = interpret_response(http_status, body, headers.is_object() ? headers : json::object());
    return std::get<failure>(std::move(outcome));
}

std::variant<std::string, failure> created_id(int http_status, std::string_view body, const json& headers) {
    if (http_status != 200) return interpret_status(http_status, body, headers);
    const auto id = string_field(json::parse(body, nullptr, false), "id");
    if (!valid_object_id(id)) return failure{PB_TRANSIENT, "the answer has no usable id: " + one_line(body), std::nullopt};
    return id;
}

std::variant<batch_status, failure> interpret_batch(int http_status, std::string_view body, const json& headers) {
    if (http_status != 200) return interpret_status(http_status, body, headers);
    const auto j = json::parse(body, nullptr, false);
    batch_status s;
    s.status = string_field(j, "status");
    static const std::initializer_list<std::string_view> known{"validating", "in_progress", "finalizing", "completed", "failed",
                                                               "expired",    "cancelling",  "cancelled"};
    if (std::find(known.begin(), known.end(), s.status) == known.end()) {
        return failure{PB_TRANSIENT, "the batch answer has no known status: " + one_line(body), std::nullopt};
    }
    s.output_file_id = string_field(j, "output_file_id");
    s.error_file_id = string_field(j, "error_file_id");
    if (!s.output_file_id.empty() && !valid_object_id(s.output_file_id)) s.output_file_id.clear();
    if (!s.error_file_id.empty() && !valid_object_id(s.error_file_id)) s.error_file_id.clear();
    if (j.contains("errors") && j["errors"].is_object() && j["errors"].contains("data") && j["errors"]["data"].is_array()) {
        for (const auto& e : j["errors"]["data"]) {
            const auto m = string_field(e, "message");
            if (!m.empty()) s.error += (s.error.empty() ? "" : "; ") + one_line(m);
            if (s.error.size() > 300) break;
        }
    }
    return s;
}

std::vector<batch_line> parse_batch_output(std::string_view jsonl) {
    std::vector<batch_line> out;
    while (!jsonl.empty()) {
        const auto nl = jsonl.find('\n');
        const auto line = jsonl.substr(0, nl);
        jsonl.remove_prefix(nl == std::string_view::npos ? jsonl.size() : nl + 1);
        const auto j = json::parse(line, nullptr, false);
        const auto id = string_field(j, "custom_id");
        if (id.empty()) continue;
        batch_line l{id, failure{PB_TRANSIENT, "no response for this request", std::nullopt}};
        if (j.contains("response") && j["response"].is_object()) {
            const auto& r = j["response"];
            const int status = r.contains("status_code") && r["status_code"].is_number_integer() ? r["status_code"].get<int>() : 0;
            const auto body = r.contains("body") ? r["body"].dump(-1, ' ', false, json::error_handler_t::replace) : std::string();
            l.outcome = interpret_response(status, body, json::object());
        } else if (j.contains("error") && j["error"].is_object()) {
            l.outcome = failure{PB_TRANSIENT, "the batch failed this request: " + one_line(string_field(j["error"], "message")), std::nullopt};
        }
        out.push_back(std::move(l));
    }
    return out;
}

}  // namespace paperboy::openai
