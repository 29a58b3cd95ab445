#include "score/llm_batch.hpp"

#include "core/dates.hpp"
#include "plugin/retry_policy.hpp"
#include "state/state_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace paperboy {
using nlohmann::json;

std::chrono::milliseconds batch_poll_wait(int polls_done, std::chrono::milliseconds first) {
    if (polls_done < 3) return first;
    const int doublings = std::min(2, (polls_done - 3) / 3 + 1);
    return first * (1 << doublings);
}

bool batch_overdue(std::int64_t submitted_ms, std::chrono::seconds max_wait, std::int64_t ends_ms, std::int64_t now_ms) {
    if (ends_ms > 0) return now_ms >= ends_ms;
    return now_ms - submitted_ms >= std::chrono::duration_cast<std::chrono::milliseconds>(max_wait).count();
}

bool batch_has_time(const llm_config& cfg, std::int64_t now_ms) {
    return cfg.batch_ends_ms <= 0 || cfg.batch_ends_ms - now_ms >= 2 * cfg.batch_poll.count();
}

std::int64_t batch_cancel_at(std::int64_t submitted_ms, std::chrono::seconds max_wait, std::int64_t ends_ms) {
    const auto end = ends_ms > 0 ? ends_ms : submitted_ms + std::chrono::duration_cast<std::chrono::milliseconds>(max_wait).count();
    const auto settle = std::chrono::duration_cast<std::chrono::milliseconds>(batch_cancel_settles).count();
    return end - std::clamp<std::int64_t>((end - submitted_ms) / 4, 0, settle);
}

namespace {

std::int64_t now_ms() { return unix_ms(std::chrono::system_clock::now()); }

std::string time_allowed(const llm_config& cfg) {
    if (cfg.batch_ends_ms > 0) return "until " + format_utc(from_unix_ms(cfg.batch_ends_ms)) + " (llm.batch_deadline)";
    return "for " + std::to_string(std::max<long long>(1, cfg.batch_max_wait.count() / 60)) + " min (llm.batch_max_wait_minutes)";
}

struct call_answer {
    bool ok = false;
    bool transient = false;
    json answer;
    std::string message;
    std::chrono::milliseconds retry_after{0};  // the provider's Retry-After, when it sent one
};

call_answer call(plugin_instance& inst, const json& request) {
    const auto r = inst.call(request.dump(-1, ' ', false, json::error_handler_t::replace));
    call_answer a;
    if (r.status == PB_OK) {
        a.answer = json::parse(r.output, nullptr, false);
        a.ok = a.answer.is_object();
        if (!a.ok) a.message = "the plugin's answer is not JSON";
        a.transient = true;
        return a;
    }
    a.transient = r.status == PB_TRANSIENT;
    a.message = r.message;
    a.retry_after = retry_after_hint(json::parse(r.output, nullptr, false)).value_or(std::chrono::milliseconds(0));
    return a;
}

// A finished batch's answers to our requests (not its error lines).
void take_answers(const json& poll, const std::vector<batch_request_entry>& requests, std::map<std::string, json>& answers) {
    if (!poll.contains("results") || !poll["results"].is_array()) return;
    for (const auto& r : poll["results"]) {
        if (!r.is_object() || r.contains("error")) continue;
        const auto id = r.value("custom_id", std::string());
        if (std::any_of(requests.begin(), requests.end(), [&](const auto& q) { return q.custom_id == id; })) answers[id] = r;
    }
}

}  // namespace

batch_run run_llm_batch(plugin_instance& inst, state_store* state, const std::string& key, const std::vector<batch_request_entry>& requests,
                        const llm_config& cfg) {
    batch_run out;
    const auto total = requests.size();
    std::optional<state_store::llm_batch> job;
    if (state) job = state->find_llm_batch(key);
    if (job) {
        out.resumed = true;
        spdlog::info("[{}] resuming batch {} of {} requests", cfg.plugin, job->batch_id, job->requests);
    } else {
        json submit{{"schema", 1}, {"kind", "batch_submit"}, {"requests", json::array()}};
        for (const auto& r : requests) submit["requests"].push_back({{"custom_id", r.custom_id}, {"system", r.system}, {"user", r.user}});
        call_answer a;
        for (int attempt = 1; attempt <= cfg.max_attempts; ++attempt) {
            a = call(inst, submit);
            if (a.ok || !a.transient) break;
            std::this_thread::sleep_for(std::max<std::chrono::milliseconds>(cfg.retry_delay * attempt, a.retry_after));
        }
        const auto id = a.ok ? a.answer.value("batch_id", std::string()) : std::string();
        if (id.empty()) {
            out.note = "The Batch API refused the batch (" + (a.ok ? std::string("no batch id") : a.message) + "); the papers were scored at the normal price.";
            spdlog::warn("[{}] {}", cfg.plugin, out.note);
            return out;
        }
        job = state_store::llm_batch{id, now_ms(), static_cast<int>(total)};
        if (state) {
            state->purge_llm_batches(now_ms() - 48LL * 3600 * 1000);
            state->save_llm_batch(key, *job);
        }
        spdlog::info("[{}] submitted batch {} ({} requests); polling {}", cfg.plugin, id, total, time_allowed(cfg));
    }
    out.batch_id = job->batch_id;

    bool cancelled = false;
    int failures = 0;
    std::string status, error;
    const auto cancel_at = batch_cancel_at(job->submitted_ms, cfg.batch_max_wait, cfg.batch_ends_ms);
    for (int polls = 0;; ++polls) {
        if (!cancelled && now_ms() >= cancel_at) {
            // Time to cancel: a cancelled batch still hands over what it finished, once it is
            // "cancelled" rather than "cancelling".
            const auto c = call(inst, {{"schema", 1}, {"kind", "batch_cancel"}, {"batch_id", job->batch_id}});
            spdlog::warn("[{}] batch {} not done {}; cancelled ({}), waiting for what it finished", cfg.plugin, job->batch_id, time_allowed(cfg),
                         c.ok ? c.answer.value("status", std::string()) : c.message);
            cancelled = true;
        }
        const auto p = call(inst, {{"schema", 1}, {"kind", "batch_poll"}, {"batch_id", job->batch_id}});
        std::chrono::milliseconds wait{0};
        if (!p.ok) {
            // A poll that fails repeatedly (or for good) ends the wait: the rest is scored now.
            if (!p.transient || ++failures >= cfg.max_attempts) {
                error = p.message;
                break;
            }
            wait = p.retry_after;
        } else {
            failures = 0;
            status = p.answer.value("status", std::string());
            if (p.answer.value("finished", false)) {
                error = p.answer.value("error", std::string());
                take_answers(p.answer, requests, out.answers);
                break;
            }
        }
        if (cancelled && batch_overdue(job->submitted_ms, cfg.batch_max_wait, cfg.batch_ends_ms, now_ms())) {
            error = "the cancel had not settled by the batch's end";
            break;
        }
        const auto next = cancelled ? std::min(cfg.batch_poll, std::chrono::milliseconds(15'000)) : batch_poll_wait(polls, cfg.batch_poll);
        std::this_thread::sleep_for(std::max(wait, next));
    }

    const auto answered = out.answers.size();
    if (answered < total) {
        out.note = "The Batch API answered " + std::to_string(answered) + " of " + std::to_string(total) + " requests (batch " +
                   (status.empty() ? std::string("unreachable") : status) + (error.empty() ? "" : ": " + error) +
                   "); the rest were scored at the normal price.";
        spdlog::warn("[{}] {}", cfg.plugin, out.note);
    } else {
        spdlog::info("[{}] batch {} completed: {} requests answered", cfg.plugin, job->batch_id, answered);
    }
    return out;
}

}  // namespace paperboy
