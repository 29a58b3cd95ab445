#include "score/estimate.hpp"

#include "score/llm_batch.hpp"
#include "score/prompt.hpp"

#include <algorithm>

namespace paperboy {
namespace {

long tokens_of(std::size_t chars) { return static_cast<long>((chars + 3) / 4); }

long cacheable(std::size_t prefix_chars) {
    const long t = static_cast<long>(prefix_chars / 4);
    return t >= 1024 ? t / 128 * 128 : 0;
}

// Adds the calls of one kind: `prompts` are the user prompts, `fixed` the start they share.
void add_calls(scoring_estimate& e, const std::string& system, const std::vector<std::string>& prompts, std::size_t fixed_user_chars) {
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        e.usage.prompt_tokens += tokens_of(system.size() + prompts[i].size());
        if (i > 0) e.usage.cached_tokens += cacheable(system.size() + fixed_user_chars);
    }
}

}  // namespace

scoring_estimate estimate_scoring(const llm_config& llm, const profile_config& model_profile, std::span<const paper* const> papers,
                                  std::size_t tldr_papers) {
    scoring_estimate e;
    e.papers = static_cast<long>(papers.size());
    if (papers.empty()) return e;
    const auto& system = llm.prompts.system;
    if (llm.title_filter) {
        std::vector<std::string> prompts;
        const auto size = title_batch_size_for(papers.size(), llm.concurrency, llm.title_batch_size);
        for (std::size_t i = 0; i < papers.size(); i += size) {
            prompts.push_back(title_prompt(llm.prompts, model_profile.topics, papers.subspan(i, std::min(size, papers.size() - i))));
        }
        e.title_calls = static_cast<long>(prompts.size());
        add_calls(e, system, prompts, title_prompt_template(llm.prompts, model_profile.topics).find(paper_list_placeholder));
        e.usage.completion_tokens += e.title_calls * estimated_completion_per_title_call;
        if (!llm.title_model.empty()) e.usage = e.usage.spent_by_title_model();
    }
    const auto batch = batch_size_for(papers.size(), llm.concurrency, llm.batch_size);
    std::vector<std::string> prompts;
    for (std::size_t i = 0; i < papers.size(); i += batch) {
        prompts.push_back(user_prompt(llm.prompts, model_profile.topics, papers.subspan(i, std::min(batch, papers.size() - i))));
    }
    e.calls = static_cast<long>(prompts.size());
    const auto before_abstracts = e.usage;
    const auto tmpl = user_prompt_template(llm.prompts, model_profile.topics);
    add_calls(e, system, prompts, tmpl.find(paper_list_placeholder));
    e.usage.completion_tokens += e.papers * estimated_completion_per_paper;
    if (llm.batch_mode) {  // bought through the Batch API: the abstracts, and the titles unless a title model reads them
        const auto from = title_pass_in_batch(llm) ? token_usage{} : before_abstracts;
        e.usage.batch_prompt_tokens = e.usage.prompt_tokens - from.prompt_tokens;
        e.usage.batch_completion_tokens = e.usage.completion_tokens - from.completion_tokens;
        e.usage.batch_cached_tokens = e.usage.cached_tokens - from.cached_tokens;
    }
    if (tldr_papers > 0) {
        const auto n = std::min(tldr_papers, papers.size());
        std::size_t chars = 0;
        for (const auto* p : papers) chars += p->title.size() + p->abstract.size() + 40;
        e.tldr_calls = static_cast<long>((n + 9) / 10);
        token_usage tldr{tokens_of(chars / papers.size() * n) + e.tldr_calls * 110, static_cast<long>(n) * estimated_completion_per_tldr, 0};
        // In batch mode the TL;DRs are a small batch of their own, at batch prices too.
        e.usage += llm.batch_mode ? tldr.bought_in_batch() : tldr;
    }
    e.cost = compute_cost(llm.prices, llm.model, e.usage, llm.title_model);
    return e;
}

}  // namespace paperboy
