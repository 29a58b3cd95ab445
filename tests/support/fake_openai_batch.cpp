// The fake's Batch API (protocols.md 2.6): /v1/files (multipart upload, content download) and
// /v1/batches (create, poll, cancel), with the checks the real service makes on input files.
#include "support/fake_openai.hpp"

namespace paperboy::test {
using nlohmann::json;

namespace {

scripted_response json_answer(unsigned status, const json& body) { return {status, body.dump(), {{"Content-Type", "application/json"}}}; }

scripted_response api_error(unsigned status, const std::string& message) {
    return json_answer(status, {{"error", {{"message", message}, {"type", "invalid_request_error"}, {"code", nullptr}}}});
}

// The file part of a multipart/form-data body, and whether purpose=batch came with it.
std::optional<std::string> uploaded_file(const recorded_request& req, bool& purpose_batch) {
    const auto ct = req.headers.find("content-type");
    if (ct == req.headers.end()) return std::nullopt;
    const auto at = ct->second.find("boundary=");
    if (!ct->second.starts_with("multipart/form-data") || at == std::string::npos) return std::nullopt;
    const auto delimiter = "--" + ct->second.substr(at + 9);
    purpose_batch = req.body.find("name=\"purpose\"\r\n\r\nbatch\r\n") != std::string::npos;
    const auto part = req.body.find("name=\"file\"");
    if (part == std::string::npos) return std::nullopt;
    const auto start = req.body.find("\r\n\r\n", part);
    const auto end = req.body.find("\r\n" + delimiter, start);
    if (start == std::string::npos || end == std::string::npos) return std::nullopt;
    return req.body.substr(start + 4, end - start - 4);
}

}  // namespace

scripted_response fake_openai::handle_batch_api(const recorded_request& req) {
    const std::string files = "/v1/files", batches = "/v1/batches";
    std::lock_guard lock(batch_mutex_);
    if (req.method == "POST" && (req.target == files || req.target == batches) && endpoint_429s_sent_ < opts_.batch_endpoint_429s) {
        ++endpoint_429s_sent_;
        auto r = json_answer(429, {{"error", {{"message", "Rate limit reached for requests"}, {"type", "requests"}, {"code", "rate_limit_exceeded"}}}});
        r.headers.emplace_back("Retry-After", "1");
        return r;
    }
    if (req.method == "POST" && req.target == files) {
        bool purpose = false;
        const auto content = uploaded_file(req, purpose);
        if (!content || !purpose) return api_error(400, "expected multipart/form-data with purpose=batch and a file");
        const auto id = "file-" + std::to_string(files_.size() + 1);
        files_[id] = *content;
        ++files_uploaded_;
        return json_answer(200, {{"id", id}, {"object", "file"}, {"purpose", "batch"}, {"bytes", content->size()}});
    }
    if (req.method == "GET" && req.target.starts_with(files + "/") && req.target.ends_with("/content")) {
        const auto id = req.target.substr(files.size() + 1, req.target.size() - files.size() - 1 - 8);
        const auto it = files_.find(id);
        if (it == files_.end()) return api_error(404, "No such File object: " + id);
        return {200, it->second, {{"Content-Type", "application/octet-stream"}}};
    }
    if (req.method == "POST" && req.target == batches) {
        const auto body = json::parse(req.body, nullptr, false);
        if (!body.is_object() || body.value("endpoint", "") != "/v1/chat/completions" || body.value("completion_window", "") != "24h") {
            return api_error(400, "endpoint must be /v1/chat/completions and completion_window 24h");
        }
        const auto file = body.value("input_file_id", std::string());
        if (!files_.contains(file)) return api_error(400, "input_file_id " + file + " does not exist");
        batch b;
        b.id = "batch_" + std::to_string(batches_.size() + 1);
        b.input_file = file;
        ++batches_created_;
        batches_[b.id] = b;
        return json_answer(200, {{"id", b.id}, {"object", "batch"}, {"status", "validating"}, {"input_file_id", file}});
    }
    if (!req.target.starts_with(batches + "/")) return api_error(404, "Invalid URL (" + req.method + " " + req.target + ")");
    auto id = req.target.substr(batches.size() + 1);
    const bool cancel = id.ends_with("/cancel");
    if (cancel) id.resize(id.size() - 7);
    const auto it = batches_.find(id);
    if (it == batches_.end()) return api_error(404, "No such Batch object: " + id);
    auto& b = it->second;
    if (cancel && req.method == "POST") {
        ++batches_cancelled_;
        if (b.step < 3) {
            b.cancel_requested = true;
            b.cancelling_left = opts_.cancelling_polls;
            b.status = "cancelling";
        }
        return json_answer(200, {{"id", b.id}, {"object", "batch"}, {"status", b.status}});
    }
    if (req.method != "GET") return api_error(405, "method not allowed");
    ++batch_polls_;

    const auto finish = [&](const std::string& status, std::size_t answered_lines) {
        b.step = 3;
        b.status = status;
        std::string output, errors;
        std::size_t n = 0;
        const auto& input = files_[b.input_file];
        std::size_t pos = 0;
        while (pos < input.size()) {
            const auto nl = input.find('\n', pos);
            const auto line = json::parse(input.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos), nullptr, false);
            pos = nl == std::string::npos ? input.size() : nl + 1;
            if (!line.is_object()) continue;
            const auto custom_id = line.value("custom_id", std::string());
            if (n++ >= answered_lines) {
                errors += json{{"id", "batch_req_" + std::to_string(n)}, {"custom_id", custom_id}, {"response", nullptr},
                               {"error", {{"code", "batch_expired"}, {"message", "This request could not be executed before the completion window expired."}}}}
                              .dump() + "\n";
                continue;
            }
            if (opts_.batch_error_ids.contains(custom_id)) {
                errors += json{{"id", "batch_req_" + std::to_string(n)}, {"custom_id", custom_id},
                               {"response", {{"status_code", 500}, {"body", {{"error", {{"message", "The server had an error"}, {"type", "server_error"}}}}}}},
                               {"error", nullptr}}
                              .dump() + "\n";
                continue;
            }
            auto a = answer_request(line.value("body", json::object()), calls_++);
            batch_prompt_tokens_ += a.prompt;
            prompt_tokens_ += a.prompt;
            cached_tokens_ += a.cached;
            completion_tokens_ += a.completion;
            output += json{{"id", "batch_req_" + std::to_string(n)}, {"custom_id", custom_id},
                           {"response", {{"status_code", 200}, {"request_id", "req_" + std::to_string(n)},
                                         {"body", json::parse(completion_body(a.content, a.prompt, a.completion, a.cached))}}},
                           {"error", nullptr}}
                          .dump() + "\n";
        }
        if (!output.empty()) {
            b.output_file = "file-" + std::to_string(files_.size() + 1);
            files_[b.output_file] = output;
        }
        if (!errors.empty()) {
            b.error_file = "file-" + std::to_string(files_.size() + 1);
            files_[b.error_file] = errors;
        }
    };

    if (b.step < 3) {
        if (b.cancel_requested && b.cancelling_left > 0) {
            --b.cancelling_left;
        } else if (b.cancel_requested) {
            const auto lines = static_cast<std::size_t>(std::count(files_[b.input_file].begin(), files_[b.input_file].end(), '\n'));
            finish("cancelled", opts_.cancel_keeps_finished ? lines / 2 : 0);
        } else if (opts_.batch_end == "failed" && b.step == 0) {
            b.step = 3;
            b.status = "failed";
        } else if (opts_.batch_end == "never") {
            b.step = 1;
            b.status = "in_progress";
        } else if (b.step == 2) {
            const auto lines = static_cast<std::size_t>(std::count(files_[b.input_file].begin(), files_[b.input_file].end(), '\n'));
            finish(opts_.batch_end, opts_.batch_end == "expired" ? lines / 2 : lines);
        } else {
            b.step += 1;
            b.status = b.step == 1 ? "in_progress" : "finalizing";
        }
    }
    json out{{"id", b.id}, {"object", "batch"}, {"endpoint", "/v1/chat/completions"}, {"status", b.status}, {"input_file_id", b.input_file},
             {"output_file_id", b.output_file.empty() ? json(nullptr) : json(b.output_file)},
             {"error_file_id", b.error_file.empty() ? json(nullptr) : json(b.error_file)}};
    if (b.status == "failed") out["errors"] = {{"object", "list"}, {"data", {{{"code", "invalid_request"}, {"message", "The batch failed validation."}}}}};
    return json_answer(200, out);
}

}  // namespace paperboy::test
