// llm_scorer's second, small pass: TL;DRs of the papers a digest selected (report.tldr).
#include "score/llm_scorer.hpp"
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

scorer::summaries llm_scorer::summarize(std::span<const paper* const> papers, const std::string& language) {
    summaries out;
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
    if (out.tldr.size() < papers.size()) {
        spdlog::warn("[{}] TL;DRs for {} of {} papers ({} calls failed); the others show their abstract", cfg_.plugin, out.tldr.size(),
                     papers.size(), failed_calls);
    }
    return out;
}

}  // namespace paperboy
