// A fake OpenAI-compatible Chat Completions server on 127.0.0.1, built on fake_http_server.
// It answers each scoring request from a fixture's answers.json (finding the batch's ids in
// the prompt), reports usage (one token per 4 characters of the messages; with prefix caching
// on, a prefix of 1,024 tokens or more shared with an earlier request counts as cached, in
// 128-token steps), and can be scripted to misbehave per request.
#pragma once

#include "support/fake_http_server.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace paperboy::test {

struct openai_call {
    int index = 0;                       // 0-based order of arrival
    std::vector<std::string> ids;        // prompt_ids of the user prompt
    bool titles_only = false;            // is_title_prompt: a title pre-filter call
    bool summaries = false;              // a TL;DR call (report.tldr): answered with "Summary of <id>."
    nlohmann::json request;              // the parsed body
};

/// The papers' ids in a scoring or TL;DR prompt, in order: the "[id] ..." lines after its last
/// "## Papers" heading.
std::vector<std::string> prompt_ids(const std::string& prompt);

/// Whether a prompt is a title pre-filter call: each of its papers is that one line, with no
/// abstract line after it.
bool is_title_prompt(const std::string& prompt);

class fake_openai {
public:
    enum class reply_format { jsonl, array, papers_object, fenced_with_prose };

    struct options {
        nlohmann::json answers = nlohmann::json::object();  // id -> {"RELEVANCE", "NOVELTY", "COMMENT"}
        std::chrono::milliseconds delay{0};                  // before every answer (time to first token)
        double completion_tokens_per_second = 0;             // > 0: plus the reply's tokens at this rate
        bool prefix_cache = false;
        bool deepseek_usage = false;                         // report prompt_cache_hit_tokens instead
        reply_format format = reply_format::jsonl;
        std::set<std::string> title_drops;                   // ids the title pre-filter rules out
        /// Return a response to override the normal answer for this call.
        std::function<std::optional<scripted_response>(const openai_call&)> script;
        /// The Batch API: each poll moves a batch one status on (validating, in_progress,
        /// finalizing) to `batch_end`: "completed", "failed" (at validation), "expired" (the
        /// first half of the requests answered, the rest in the error file) or "never" (stays
        /// in_progress, until cancelled: then "cancelled" with nothing answered).
        std::string batch_end = "completed";
        std::set<std::string> batch_error_ids;  // custom_ids answered in the error file (a 500 each)
        /// After a cancel the batch stays "cancelling" for this many polls (OpenAI: up to 10
        /// minutes), then is "cancelled"; with cancel_keeps_finished its output file holds
        /// the first half of the requests, those it had finished (as OpenAI's does).
        int cancelling_polls = 0;
        bool cancel_keeps_finished = false;
        /// The first this many POSTs to /files and /batches answer 429 with Retry-After: 1.
        int batch_endpoint_429s = 0;
        /// GET /v1/models, as OpenAI lists them: id -> shutdown_date ("YYYY-MM-DD", or null for
        /// none announced). Empty: the common OpenAI ids, none with a shutdown announced.
        std::map<std::string, nlohmann::json> models;
    };

    explicit fake_openai(options opts);

    std::string base_url() const { return server_.url("/v1"); }
    /// The requests but the model list's: the calls a run makes for its papers.
    std::vector<recorded_request> requests() const;
    int model_list_requests() const { return model_lists_.load(); }
    int connections() const { return server_.connections(); }
    void close_connections_after(int requests) { server_.close_connections_after(requests); }
    int calls() const { return calls_.load(); }
    int max_in_flight() const { return max_in_flight_.load(); }
    long prompt_tokens() const { return prompt_tokens_.load(); }
    long cached_tokens() const { return cached_tokens_.load(); }
    long completion_tokens() const { return completion_tokens_.load(); }
    // The Batch API as seen by the fake.
    void set_batch_end(std::string end) {
        std::lock_guard lock(batch_mutex_);
        opts_.batch_end = std::move(end);
    }
    int files_uploaded() const { return files_uploaded_.load(); }
    int batches_created() const { return batches_created_.load(); }
    int batch_polls() const { return batch_polls_.load(); }
    int batches_cancelled() const { return batches_cancelled_.load(); }
    long batch_prompt_tokens() const { return batch_prompt_tokens_.load(); }

    /// The model time of every answered call, summed (the delay and the token-rate time).
    double model_seconds() const { return static_cast<double>(model_micros_.load()) / 1e6; }

    /// The normal answer to a call, in the configured format (for scripts that alter it).
    std::string answer_text(const openai_call& call) const;
    /// A 200 Chat Completions body with `content`.
    static std::string completion_body(const std::string& content, long prompt, long completion, long cached,
                                       const std::string& finish_reason = "stop", bool deepseek = false);

private:
    scripted_response handle(const recorded_request& req);
    scripted_response handle_batch_api(const recorded_request& req);
    scripted_response model_list() const;
    // Usage and content of one chat completion request (no wait): the shared part of a
    // synchronous call and a batch line.
    struct answered {
        long prompt = 0, cached = 0, completion = 0;
        std::string content;
        openai_call call;
    };
    answered answer_request(const nlohmann::json& request, int index);

    struct batch {
        std::string id, input_file, output_file, error_file;
        int step = 0;  // 0 validating, 1 in_progress, 2 finalizing, 3 the end
        bool cancel_requested = false;
        int cancelling_left = 0;  // polls still answered "cancelling"
        std::string status = "validating";
    };
    std::map<std::string, std::string> files_;  // id -> content
    std::map<std::string, batch> batches_;
    std::atomic<int> files_uploaded_{0}, batches_created_{0}, batch_polls_{0}, batches_cancelled_{0}, model_lists_{0};
    int endpoint_429s_sent_ = 0;
    std::atomic<long> batch_prompt_tokens_{0};

    options opts_;
    std::mutex mutex_;
    std::mutex batch_mutex_;  // the Batch API state; taken before mutex_, never after
    std::vector<std::string> earlier_prompts_;
    std::atomic<long> completion_tokens_{0};
    std::atomic<long long> model_micros_{0};
    std::atomic<int> calls_{0}, in_flight_{0}, max_in_flight_{0};
    std::atomic<long> prompt_tokens_{0}, cached_tokens_{0};
    fake_http_server server_;  // last: it must stop before the members above go away
};

}  // namespace paperboy::test
