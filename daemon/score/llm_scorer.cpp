#include "score/llm_scorer.hpp"

#include "score/model_retirement.hpp"

#include "core/dates.hpp"
#include "plugin/retry_policy.hpp"
#include "score/llm_batch.hpp"
#include "score/offline_scorer.hpp"
#include "score/pricing.hpp"
#include "score/progress.hpp"
#include "score/prompt.hpp"
#include "score/reply_parser.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace paperboy {
using nlohmann::json;
using std::chrono::milliseconds;

std::string llm_request_json(std::string_view system, std::string_view user, bool structured, std::string_view model) {
    json r{{"schema", 1}, {"system", system}, {"user", user}, {"structured", structured}};
    if (!model.empty()) r["model"] = model;
    return r.dump(-1, ' ', false, json::error_handler_t::replace);
}

token_usage answer_usage(const json& answer) {
    token_usage u;
    if (answer.is_object() && answer.contains("usage") && answer["usage"].is_object()) {
        const auto& j = answer["usage"];
        u.prompt_tokens = j.value("prompt_tokens", 0L);
        u.completion_tokens = j.value("completion_tokens", 0L);
        u.cached_tokens = j.value("cached_tokens", 0L);
    }
    return u;
}

namespace {

enum class job_kind { titles, abstracts };

struct job {
    job_kind kind;
    std::vector<const paper*> papers;
    int round = 0;
};

}  // namespace

struct llm_scorer::state {
    const llm_config& cfg;
    const profile_config& profile;
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<job> queue;
    int in_flight = 0;
    bool stop = false;
    std::string stop_reason;
    bool provider_failed = false;
    std::optional<error> config_problem;  // the model refused a configured parameter
    scoring_outcome out;
    double spent_usd = 0;
    std::mt19937_64 rng{std::random_device{}()};
    std::size_t batch = 5;  // batch_size_for the day
    std::vector<const paper*> kept;  // title pre-filter survivors not yet in a batch
    int title_jobs_left = 0;
    int answered_calls = 0;
    int shown_tenth = 0;
    bool progress_on_terminal = false;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

    void push_abstract_batches(std::vector<const paper*> papers, int round) {
        const auto size = round == 0 ? batch : std::min<std::size_t>(batch, 10);
        for (std::size_t i = 0; i < papers.size(); i += size) {
            queue.push_back({job_kind::abstracts,
                             {papers.begin() + static_cast<long>(i), papers.begin() + static_cast<long>(std::min(papers.size(), i + size))},
                             round});
        }
    }
};

llm_scorer::llm_scorer(llm_config cfg, std::vector<std::unique_ptr<plugin_instance>> instances, state_store* store)
    : cfg_(std::move(cfg)), instances_(std::move(instances)), state_(store) {}

llm_scorer::~llm_scorer() = default;

std::string llm_scorer::cache_key(const profile_config& profile) const {
    return "llm/" + cfg_.plugin + "/" + cfg_.model + "/" +
           stable_hash(cfg_.prompts.system + "\x1f" + user_prompt_template(cfg_.prompts, profile.topics) +
                       (cfg_.title_filter ? "\x1f" + cfg_.prompts.title_instructions + cfg_.title_model : std::string()) +
                       (cfg_.plugin_settings.value("structured_output", false) ? "\x1fstructured" : "") +
                       (cfg_.prompts.authors > 0 ? "\x1f" "authors " + std::to_string(cfg_.prompts.authors) : std::string()));
}

prompt_disclosure llm_scorer::disclose(const profile_config& profile) const {
    return {true, cfg_.prompts.system, user_prompt_template(cfg_.prompts, profile.topics)};
}

scoring_outcome llm_scorer::score(const profile_config& profile, std::span<const paper* const> papers) {
    if (!retirement_notes_) {
        const auto retirements = model_retirements(instances_.front().get(), cfg_, shutdown_today(std::chrono::system_clock::now()));
        refuse_retired(retirements);  // a dead model is never called
        retirement_notes_.emplace();
        for (const auto& r : retirements) {
            // A note, which the run logs once as a warning and every channel shows.
            if (const auto w = retirement_warning(r)) retirement_notes_->push_back("Model: " + *w + ".");
        }
    }
    state st{cfg_, profile, {}, {}, {}, 0, false, {}, false, {}, {}, 0, std::mt19937_64{std::random_device{}()}};
    st.out.notes = *retirement_notes_;
    st.batch = batch_size_for(papers.size(), static_cast<int>(instances_.size()), cfg_.batch_size);
    // llm.batch_deadline: with less than two polls of it left (a late catch-up run), a batch
    // could only be cancelled, so the day is scored directly and the note says why.
    const auto started_ms = unix_ms(std::chrono::system_clock::now());
    const auto batch_left_ms = cfg_.batch_ends_ms > 0 ? cfg_.batch_ends_ms - started_ms : std::numeric_limits<std::int64_t>::max();
    const bool use_batch_api = cfg_.batch_mode && batch_has_time(cfg_, started_ms);
    if (cfg_.batch_mode && !use_batch_api) {
        st.out.notes.push_back(std::string("The batch deadline (llm.batch_deadline) was ") + (batch_left_ms <= 0 ? "past" : "too near") +
                               " when scoring began; the papers were scored directly at the normal price.");
    }
    if (cfg_.title_filter) {
        const auto size = title_batch_size_for(papers.size(), static_cast<int>(instances_.size()), cfg_.title_batch_size);
        for (std::size_t i = 0; i < papers.size(); i += size) {
            st.queue.push_back({job_kind::titles,
                                {papers.begin() + static_cast<long>(i), papers.begin() + static_cast<long>(std::min(papers.size(), i + size))},
                                0});
            ++st.title_jobs_left;
        }
    } else if (use_batch_api) {
        st.kept.assign(papers.begin(), papers.end());
    } else {
        st.push_abstract_batches({papers.begin(), papers.end()}, 0);
    }

    // One model call with retries; returns the plugin's answer or the final error.
    auto call_model = [&](plugin_instance& inst, const std::string& system, const std::string& user, const std::string& model) -> result<json> {
        const auto request = llm_request_json(system, user, false, model);
        for (int attempt = 1;; ++attempt) {
            auto r = inst.call(request);
            if (r.status == PB_OK) {
                auto answer = json::parse(r.output, nullptr, false);
                if (answer.is_object()) return result<json>(boost::system::in_place_value, std::move(answer));
                r.status = PB_TRANSIENT;
                r.message = "the plugin's answer is not JSON";
            }
            const auto retry_after = retry_after_hint(json::parse(r.output, nullptr, false));
            double jitter = 0;
            {
                std::lock_guard lock(st.mutex);
                jitter = std::uniform_real_distribution<double>(0, 1)(st.rng);
                if (st.stop) return plugin_error(r.status, r.message);
            }
            const auto delay = plugin_retry_delay(r.status, attempt, retry_after, cfg_.max_attempts, cfg_.retry_delay, jitter);
            if (!delay) return plugin_error(r.status, r.message + (attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)" : ""));
            spdlog::warn("[{}] call failed ({}); retry {} in {} ms", cfg_.plugin, r.message, attempt, delay->count());
            std::this_thread::sleep_for(*delay);
        }
    };

    auto account = [&](const json& answer, bool batch, bool by_title_model) {
        auto u = answer_usage(answer);
        if (batch) u = u.bought_in_batch();
        if (by_title_model) u = u.spent_by_title_model();
        st.out.usage += u;
        if (const auto cost = compute_cost(cfg_.prices, cfg_.model, u, cfg_.title_model)) st.spent_usd += cost->total_usd();
        if (cfg_.max_cost_usd && st.spent_usd >= *cfg_.max_cost_usd && !st.stop) {
            st.stop = true;
            st.stop_reason = "Scoring stopped at the cost cap (" + format_usd(*cfg_.max_cost_usd) + ")";
        }
    };

    // What an answer (or the final error) of job `j` means; with st.mutex held.
    auto apply = [&](job& j, const std::set<std::string>& ids, result<json>& answer, bool batch) {
        if (!answer && answer.error().code == errc::config_invalid) {
            // The model refused a parameter the configuration sends: no retry, no hold
            // can fix that, only the configuration can.
            if (!st.config_problem) {
                // A title call with its own model names llm.title_model and that model.
                const bool title_model = j.kind == job_kind::titles && !cfg_.title_model.empty();
                auto e = answer.error();
                if (title_model && e.detail.starts_with("model:")) e.detail = "title_model:" + e.detail.substr(6);
                e.detail = "/llm/" + e.detail + " (model " + (title_model ? cfg_.title_model : cfg_.model) + ")";
                st.config_problem = std::move(e);
            }
            st.stop = true;
            st.cv.notify_all();
            return;
        }
        if (j.kind == job_kind::titles) --st.title_jobs_left;
        if (!answer) {
            if (!st.stop) {
                st.stop = true;
                st.provider_failed = true;
                st.stop_reason = "The model provider failed: " + answer.error().detail;
            }
            for (const auto* p : j.papers) st.out.failed.push_back(p->id);
            st.cv.notify_all();
            return;
        }
        account(*answer, batch, j.kind == job_kind::titles && !cfg_.title_model.empty());
        const auto content = answer->value("content", std::string());
        if (j.kind == job_kind::titles) {
            const auto dropped = parse_id_list_reply(content, ids);
            std::vector<const paper*> keep;
            for (const auto* p : j.papers) {
                if (dropped && std::find(dropped->begin(), dropped->end(), p->id) != dropped->end()) {
                    st.out.scores[p->id] = {1, 1, "Dropped by the title pre-filter."};
                } else {
                    keep.push_back(p);
                }
            }
            if (!dropped) spdlog::warn("[{}] title pre-filter answer unreadable; keeping all {} titles", cfg_.plugin, j.papers.size());
            // Survivors wait for full batches; the last title answer sends the remainder.
            st.kept.insert(st.kept.end(), keep.begin(), keep.end());
            if (use_batch_api) return;  // the survivors go to the Batch API together
            const auto full = st.title_jobs_left == 0 ? st.kept.size() : st.kept.size() / st.batch * st.batch;
            st.push_abstract_batches({st.kept.begin(), st.kept.begin() + static_cast<long>(full)}, 0);
            st.kept.erase(st.kept.begin(), st.kept.begin() + static_cast<long>(full));
        } else {
            auto parsed = parse_score_reply(content, ids);
            if (parsed.too_large) {
                spdlog::warn("[{}] a reply of {} bytes is over the {} byte cap; its {} papers go to a later batch", cfg_.plugin,
                             content.size(), max_reply_bytes, j.papers.size());
            }
            if (parsed.ignored_ids > 0) spdlog::debug("[{}] ignored {} ids not in the batch", cfg_.plugin, parsed.ignored_ids);
            std::vector<const paper*> missing;
            for (const auto* p : j.papers) {
                if (auto it = parsed.scores.find(p->id); it != parsed.scores.end()) st.out.scores[p->id] = std::move(it->second);
                else missing.push_back(p);
            }
            st.out.papers_sent += static_cast<long>(j.papers.size());
            st.out.papers_left_out += static_cast<long>(missing.size());
            if (!missing.empty()) {
                if (j.round < cfg_.max_paper_retries) {
                    spdlog::debug("[{}] {} papers missing from a reply (finish_reason {}); retrying them", cfg_.plugin,
                                  missing.size(), answer->value("finish_reason", std::string()));
                    st.push_abstract_batches(std::move(missing), j.round + 1);
                } else {
                    for (const auto* p : missing) st.out.failed.push_back(p->id);
                }
            }
        }
    };

    // One line per tenth of the papers; on a terminal one line rewritten in place. With st.mutex held.
    st.progress_on_terminal = ::isatty(STDERR_FILENO) == 1;
    auto show_progress = [&] {
        ++st.answered_calls;
        if (!spdlog::default_logger()->should_log(spdlog::level::info)) return;
        const auto cost = compute_cost(cfg_.prices, cfg_.model, st.out.usage, cfg_.title_model);
        scoring_progress p{std::min(papers.size(), st.out.scores.size() + st.out.failed.size()), papers.size(), st.answered_calls, st.out.usage,
                           cost ? std::optional<double>(cost->total_usd()) : std::nullopt,
                           std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - st.start)};
        if (st.progress_on_terminal) {
            std::fprintf(stderr, "\r%s\x1b[K", progress_text(p).c_str());
            std::fflush(stderr);
            return;
        }
        if (const int tenth = progress_tenth(p.done, p.total); tenth > st.shown_tenth) {
            st.shown_tenth = tenth;
            spdlog::info("[{}] {}", cfg_.plugin, progress_text(p));
        }
    };

    auto prompt_of = [&](const job& j) {
        return j.kind == job_kind::titles ? title_prompt(cfg_.prompts, profile.topics, j.papers) : user_prompt(cfg_.prompts, profile.topics, j.papers);
    };
    auto ids_of = [](const job& j) {
        std::set<std::string> ids;
        for (const auto* p : j.papers) ids.insert(p->id);
        return ids;
    };

    auto worker = [&](plugin_instance& inst) {
        while (true) {
            job j;
            {
                std::unique_lock lock(st.mutex);
                st.cv.wait(lock, [&] { return st.stop || !st.queue.empty() || st.in_flight == 0; });
                if (st.stop || st.queue.empty()) return;
                j = std::move(st.queue.front());
                st.queue.pop_front();
                ++st.in_flight;
            }
            const auto ids = ids_of(j);
            auto answer = call_model(inst, cfg_.prompts.system, prompt_of(j), j.kind == job_kind::titles ? cfg_.title_model : std::string());

            std::lock_guard lock(st.mutex);
            --st.in_flight;
            apply(j, ids, answer, false);
            show_progress();
            st.cv.notify_all();
        }
    };

    auto run_workers = [&] {
        std::vector<std::thread> threads;
        // Every instance gets a worker even when the first queue is short: title batches turn
        // into many abstract batches later.
        for (auto& inst : instances_) threads.emplace_back(worker, std::ref(*inst));
        for (auto& t : threads) t.join();
    };

    // Sends `jobs` through the Batch API as one batch; the jobs it does not answer in `wait`
    // go to the queue, for the workers to do at the normal price like papers a reply left out.
    // The key is a hash of every prompt: the same day makes the same batch, so a restart
    // finds it and polls it instead of paying twice.
    auto run_as_batch = [&](std::vector<job> jobs, const std::string& kind, std::chrono::seconds wait, std::int64_t ends_ms) {
        std::vector<batch_request_entry> requests;
        std::string all_prompts = cfg_.model + "\x1f" + cfg_.prompts.system;
        for (const auto& j : jobs) {
            requests.push_back({"r" + std::to_string(requests.size()), cfg_.prompts.system, prompt_of(j)});
            all_prompts += "\x1f" + requests.back().user;
        }
        auto batch_cfg = cfg_;
        batch_cfg.batch_max_wait = wait;
        batch_cfg.batch_ends_ms = ends_ms;
        auto run = run_llm_batch(*instances_.front(), state_, "llm-batch/" + kind + stable_hash(all_prompts), requests, batch_cfg);
        std::lock_guard lock(st.mutex);
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            const auto ids = ids_of(jobs[i]);
            if (auto it = run.answers.find(requests[i].custom_id); it != run.answers.end()) {
                result<json> answer(boost::system::in_place_value, std::move(it->second));
                apply(jobs[i], ids, answer, true);
                show_progress();
            } else {
                st.queue.push_back(std::move(jobs[i]));
            }
        }
        st.out.notes.push_back(run.note.empty() ? std::string(kind.empty() ? "Scored" : "Title-filtered") + " through the Batch API at half the price (" +
                                                      std::to_string(requests.size()) + (requests.size() == 1 ? " request" : " requests") + (run.resumed ? ", resumed after a restart" : "") + ")."
                                                : run.note);
    };

    const auto started = std::chrono::steady_clock::now();
    // The title pass goes through the Batch API too, before the abstracts, with a third of
    // the time (of batch_max_wait, or of what is left until the deadline); a title model of
    // its own is called directly (a batch holds one model).
    if (use_batch_api && title_pass_in_batch(cfg_)) {
        std::vector<job> titles(std::make_move_iterator(st.queue.begin()), std::make_move_iterator(st.queue.end()));
        st.queue.clear();
        run_as_batch(std::move(titles), "titles/", cfg_.batch_max_wait / 3, cfg_.batch_ends_ms > 0 ? started_ms + batch_left_ms / 3 : 0);
    }
    run_workers();

    if (use_batch_api && !st.stop && !st.kept.empty()) {
        // In the day's order, not the title answers' arrival order: the same day makes the same batch.
        std::map<const paper*, std::size_t> position;
        for (std::size_t i = 0; i < papers.size(); ++i) position[papers[i]] = i;
        std::sort(st.kept.begin(), st.kept.end(), [&](const paper* a, const paper* b) { return position[a] < position[b]; });
        std::vector<job> jobs;
        const auto size = batch_size_for(st.kept.size(), static_cast<int>(instances_.size()), cfg_.batch_size);
        for (std::size_t i = 0; i < st.kept.size(); i += size) {
            jobs.push_back({job_kind::abstracts,
                            {st.kept.begin() + static_cast<long>(i), st.kept.begin() + static_cast<long>(std::min(st.kept.size(), i + size))},
                            0});
        }
        st.kept.clear();
        const auto spent = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
        run_as_batch(std::move(jobs), "", std::max(cfg_.batch_max_wait - spent, cfg_.batch_max_wait / 3), cfg_.batch_ends_ms);
        if (!st.queue.empty()) run_workers();
    }

    if (st.progress_on_terminal && st.answered_calls > 0 && spdlog::default_logger()->should_log(spdlog::level::info)) std::fputc('\n', stderr);
    if (st.config_problem) {
        throw failure(*st.config_problem);
    }
    // Whatever is still queued, or waiting for a batch, was never tried.
    for (const auto& j : st.queue) {
        for (const auto* p : j.papers) st.out.failed.push_back(p->id);
    }
    for (const auto* p : st.kept) st.out.failed.push_back(p->id);
    std::erase_if(st.out.failed, [&](const std::string& id) { return st.out.scores.contains(id); });
    std::sort(st.out.failed.begin(), st.out.failed.end());
    st.out.failed.erase(std::unique(st.out.failed.begin(), st.out.failed.end()), st.out.failed.end());

    if (st.stop && !st.out.failed.empty()) {
        if (st.provider_failed && cfg_.on_failure == scoring_failure_policy::offline) {
            std::vector<const paper*> rest;
            for (const auto* p : papers) {
                if (std::binary_search(st.out.failed.begin(), st.out.failed.end(), p->id)) rest.push_back(p);
            }
            auto offline = offline_scorer().score(profile, rest);
            for (auto& [id, s] : offline.scores) st.out.scores[id] = std::move(s);
            st.out.notes.push_back(st.stop_reason + ". " + std::to_string(rest.size()) +
                                   " papers were scored by the offline keyword scorer instead.");
            st.out.problem = st.stop_reason + "; " + std::to_string(rest.size()) + " papers were scored by the offline keyword scorer instead";
            st.out.fallback_scored = static_cast<long>(rest.size());
            st.out.failed.clear();
        } else {
            st.out.notes.push_back(st.stop_reason + ": " + std::to_string(st.out.failed.size()) + " papers were not scored.");
            st.out.problem = st.stop_reason;
            // A provider that failed may be back later; a spending cap stays reached.
            st.out.retry_may_help = st.provider_failed;
        }
    } else if (st.stop) {
        st.out.notes.push_back(st.stop_reason + ".");
    } else if (!st.out.failed.empty()) {
        st.out.problem = "the model left " + std::to_string(st.out.failed.size()) + " papers out of its replies or answered unreadably for them";
        st.out.retry_may_help = true;
    }
    return st.out;
}

}  // namespace paperboy
