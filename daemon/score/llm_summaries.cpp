// llm_scorer's second, small pass: TL;DRs of the papers a digest selected (report.tldr).
#include "score/llm_scorer.hpp"
#include "core/dates.hpp"
#include "score/llm_batch.hpp"
#include "score/prompt.hpp"
#include "score/reply_parser.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <mutex>
#include <thread>

namespace paperboy {
using nlohmann::json;

namespace {

constexpr std::size_t papers_per_call = 10;
constexpr std::string_view summary_system = "You write short, faithful summaries of research papers for researchers.";

std::string summary_prompt(std::span<const paper* const> papers, const std::string& language) {
    std::string out = "Write a TL;DR for each paper below: one or two sentences in " + language +
                      ", from its title and abstract only, saying what the paper does and what it finds, for a researcher deciding "
                      "whether to read it. No hype, nothing the abstract does not say.\n\n";
    out += papers_heading;
    out += "\n\n";
    for (const auto* p : papers) out += prompt_paper_entry(*p) + "\n\n";
    out += "Answer in JSONL, one line per paper and nothing else: {\"ARXIVID\": \"<the id>\", \"TLDR\": \"<the summary>\"}";
    return out;
}

}  // namespace

std::string llm_scorer::summary_key(const std::string& language) const {
    const paper none;
    const paper* nothing[] = {&none};
    return "tldr/" + cfg_.plugin + "/" + cfg_.model + "/" + stable_hash(std::string(summary_system) + "\x1f" + summary_prompt(nothing, language));
}

// In llm.mode "batch" the TL;DRs are a second, small batch after the scoring, at batch prices,
// under the same deadline; what it does not answer in time (or a deadline too near for two
// polls) is written by direct calls, so a digest never waits past the deadline for them.
std::vector<const paper*> llm_scorer::summarize_in_batch(std::span<const paper* const> papers, const std::string& language, summaries& out) {
    if (!batch_has_time(cfg_, unix_ms(std::chrono::system_clock::now()))) return {papers.begin(), papers.end()};
    std::vector<batch_request_entry> requests;
    std::vector<std::span<const paper* const>> groups;
    std::string all_prompts = cfg_.model + "\x1f" + std::string(summary_system);
    for (std::size_t i = 0; i < papers.size(); i += papers_per_call) {
        groups.push_back(papers.subspan(i, std::min(papers_per_call, papers.size() - i)));
        requests.push_back({"t" + std::to_string(requests.size()), std::string(summary_system), summary_prompt(groups.back(), language)});
        all_prompts += "\x1f" + requests.back().user;
    }
    auto batch_cfg = cfg_;
    batch_cfg.batch_max_wait = cfg_.batch_max_wait / 3;
    const auto run = run_llm_batch(*instances_.front(), state_, "llm-batch/tldr/" + stable_hash(all_prompts), requests, batch_cfg);
    std::vector<const paper*> rest;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        std::set<std::string> ids;
        for (const auto* p : groups[i]) ids.insert(p->id);
        const auto it = run.answers.find(requests[i].custom_id);
        const auto made = it == run.answers.end() ? std::map<std::string, std::string>() : parse_tldr_reply(it->second.value("content", std::string()), ids);
        if (it != run.answers.end()) out.usage += answer_usage(it->second).bought_in_batch();
        for (const auto* p : groups[i]) {
            if (const auto t = made.find(p->id); t != made.end()) out.tldr[p->id] = t->second;
            else rest.push_back(p);
        }
    }
    return rest;
}

scorer::summaries llm_scorer::summarize(std::span<const paper* const> all, const std::string& language) {
    summaries out;
    const auto rest = cfg_.batch_mode && !instances_.empty() ? summarize_in_batch(all, language, out) : std::vector<const paper*>(all.begin(), all.end());
    const std::span<const paper* const> papers(rest);
    std::mutex mutex;
    std::size_t next = 0;
    int failed_calls = 0;
    auto worker = [&](plugin_instance& inst) {
        for (;;) {
            std::span<const paper* const> batch;
            {
                std::lock_guard lock(mutex);
                if (next >= papers.size()) return;
                batch = papers.subspan(next, std::min(papers_per_call, papers.size() - next));
                next += batch.size();
            }
            std::set<std::string> ids;
            for (const auto* p : batch) ids.insert(p->id);
            const auto r = inst.call(llm_request_json(summary_system, summary_prompt(batch, language), false));
            const auto answer = r.status == PB_OK ? json::parse(r.output, nullptr, false) : json();
            std::lock_guard lock(mutex);
            if (!answer.is_object()) {
                ++failed_calls;
                continue;
            }
            for (auto& [id, text] : parse_tldr_reply(answer.value("content", std::string()), ids)) out.tldr[id] = std::move(text);
            out.usage += answer_usage(answer);
        }
    };
    std::vector<std::thread> threads;
    const auto calls = (papers.size() + papers_per_call - 1) / papers_per_call;
    for (std::size_t i = 0; i < instances_.size() && i < calls; ++i) threads.emplace_back(worker, std::ref(*instances_[i]));
    for (auto& t : threads) t.join();
    if (out.tldr.size() < all.size()) {
        spdlog::warn("[{}] TL;DRs for {} of {} papers ({} calls failed); the others show their abstract", cfg_.plugin, out.tldr.size(),
                     all.size(), failed_calls);
    }
    return out;
}

}  // namespace paperboy
