#include "openai_batch.hpp"

#include <catch2/catch.hpp>

using namespace paperboy::openai;
using nlohmann::json;

TEST_CASE("openai batch: one JSONL line per request, uploaded as multipart with purpose=batch") {
    settings s;
    s.model = "gpt-4o";
    const auto jsonl = batch_input_jsonl(s, {{"r0", "sys", "first", false}, {"r1", "sys", "paperboy-batch-0 in a prompt", false}});
    const auto nl = jsonl.find('\n');
    const auto first = json::parse(jsonl.substr(0, nl));
    CHECK(first["custom_id"] == "r0");
    CHECK(first["method"] == "POST");
    CHECK(first["url"] == "/v1/chat/completions");
    CHECK(first["body"] == build_request(s, "sys", "first", false));
    CHECK(std::count(jsonl.begin(), jsonl.end(), '\n') == 2);
    const auto boundary = batch_boundary(jsonl);
    CHECK(boundary == "paperboy-batch-1");  // the text holds the first candidate
    const auto body = batch_upload_body(boundary, jsonl);
    CHECK(body.starts_with("--paperboy-batch-1\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"));
    CHECK(body.find("filename=\"batch.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n" + jsonl + "\r\n--paperboy-batch-1--\r\n") != std::string::npos);
}

TEST_CASE("openai batch: provider ids that go into URLs are checked, statuses read, errors classified") {
    CHECK(valid_object_id("batch_abc-123"));
    CHECK_FALSE(valid_object_id("../files"));
    CHECK_FALSE(valid_object_id("batch?x=1"));
    CHECK_FALSE(valid_object_id(""));
    CHECK_FALSE(valid_object_id(std::string(129, 'a')));

    CHECK(std::get<std::string>(created_id(200, R"({"id":"file-1","object":"file"})")) == "file-1");
    CHECK(std::get<failure>(created_id(200, R"({"id":"file/../../x"})")).status == PB_TRANSIENT);
    CHECK(std::get<failure>(created_id(401, R"({"error":{"message":"bad key","code":"invalid_api_key"}})")).status == PB_INVALID_CONFIG);
    CHECK(std::get<failure>(created_id(429, "{}")).status == PB_TRANSIENT);

    const auto running = std::get<batch_status>(interpret_batch(200, R"({"id":"batch_1","status":"in_progress","output_file_id":null})"));
    CHECK(running.status == "in_progress");
    CHECK_FALSE(running.finished());
    const auto done = std::get<batch_status>(
        interpret_batch(200, R"({"status":"expired","output_file_id":"file-2","error_file_id":"file-3/../x","errors":{"data":[{"message":"late"}]}})"));
    CHECK(done.finished());
    CHECK(done.output_file_id == "file-2");
    CHECK(done.error_file_id.empty());  // not an id: never put in a URL
    CHECK(done.error == "late");
    CHECK(std::holds_alternative<failure>(interpret_batch(200, R"({"status":"exploded"})")));
}

TEST_CASE("openai batch: output lines matched by custom_id, failed and malformed lines are not answers") {
    const auto lines = parse_batch_output(
        R"({"custom_id":"r1","response":{"status_code":200,"body":{"choices":[{"message":{"content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":2}}},"error":null})"
        "\nnot json\n"
        R"({"custom_id":"r0","response":{"status_code":500,"body":{"error":{"message":"oops"}}},"error":null})"
        "\n"
        R"({"custom_id":"r2","response":null,"error":{"code":"batch_expired","message":"too late"}})"
        "\n"
        R"({"response":{"status_code":200}})");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].custom_id == "r1");
    CHECK(std::get<completion>(lines[0].outcome).content == "x");
    CHECK(std::get<completion>(lines[0].outcome).tokens.prompt_tokens == 10);
    CHECK(std::get<failure>(lines[1].outcome).status == PB_TRANSIENT);
    CHECK(std::get<failure>(lines[2].outcome).message == "the batch failed this request: too late");
}
