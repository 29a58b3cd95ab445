#include "render/json_report.hpp"

#include "core/version.hpp"

#include <cmath>

namespace paperboy {

std::string describe(const incomplete_notice& n, long scanned) {
    std::string out = "Incomplete digest: ";
    if (n.unscored > 0) {
        out += std::to_string(n.unscored) + " of " + std::to_string(scanned) + (scanned == 1 ? " paper" : " papers") +
               " could not be scored";
    } else {
        out += std::to_string(n.fallback_scored) + " of " + std::to_string(scanned) + " papers were scored by the offline keyword scorer, not the model";
    }
    if (!n.reason.empty()) out += " (" + n.reason + ")";
    out += n.unscored > 0 ? "; relevant papers may be missing." : "; the ranking is rougher than usual.";
    return out;
}

nlohmann::ordered_json report_to_json(const report& r) {
    using nlohmann::ordered_json;
    ordered_json stats{
        {"total", r.stats.total},
        {"scanned", r.stats.scanned},
        {"scored", r.stats.scored},
        {"failed", r.stats.failed},
        {"selected", static_cast<long>(r.papers.size())},
        {"prompt_tokens", r.stats.usage.prompt_tokens},
        {"completion_tokens", r.stats.usage.completion_tokens},
        {"cached_tokens", r.stats.usage.cached_tokens},
        {"cost_usd", r.stats.cost ? ordered_json(std::round(r.stats.cost->total_usd() * 1e6) / 1e6) : ordered_json()},
        {"cost_prompt_usd", r.stats.cost ? ordered_json(std::round(r.stats.cost->prompt_usd * 1e6) / 1e6) : ordered_json()},
        {"cost_completion_usd", r.stats.cost ? ordered_json(std::round(r.stats.cost->completion_usd * 1e6) / 1e6) : ordered_json()},
    };
    ordered_json papers = ordered_json::array();
    for (const auto& s : r.papers) {
        const auto& p = *s.item;
        ordered_json entry{
            {"id", p.id},
            {"version", p.version},
            {"title", p.title},
            {"authors", p.authors},
            {"abstract", p.abstract},
            {"comment", s.author_match ? std::string("Author match") : (s.score ? s.score->comment : std::string())},
            {"relevance", s.score ? ordered_json(s.score->relevance) : ordered_json()},
            {"novelty", s.score && s.score->novelty ? ordered_json(*s.score->novelty) : ordered_json()},
            {"author_match", s.author_match},
            {"announce_type", std::string(to_string(p.type))},
            {"categories", p.categories},
            {"url", p.abs_url()},
        };
        if (s.author_match) entry["matched_author"] = s.matched_author;
        if (!s.tldr.empty()) entry["tldr"] = s.tldr;
        if (s.score && s.score->ranker_score) entry["ranker_score"] = std::round(*s.score->ranker_score * 1e4) / 1e4;
        papers.push_back(std::move(entry));
    }
    ordered_json misses = ordered_json::array();
    for (const auto& m : r.near_misses) {
        misses.push_back({{"id", m.item->id},
                          {"title", m.item->title},
                          {"url", m.item->abs_url()},
                          {"relevance", m.score ? ordered_json(m.score->relevance) : ordered_json()},
                          {"novelty", m.score && m.score->novelty ? ordered_json(*m.score->novelty) : ordered_json()},
                          {"comment", m.score ? m.score->comment : std::string()}});
    }
    auto doc = ordered_json{
        {"date", format_iso_day(r.date)},
        {"profile", r.profile},
        {"model", r.model},
        {"generator", "paperboy " + std::string(version_string)},
        {"stats", std::move(stats)},
        {"notes", r.notes},
        {"incomplete", r.incomplete ? ordered_json{{"unscored", r.incomplete->unscored},
                                                   {"fallback_scored", r.incomplete->fallback_scored},
                                                   {"reason", r.incomplete->reason},
                                                   {"text", describe(*r.incomplete, r.stats.scanned)}}
                                    : ordered_json()},
        {"papers", std::move(papers)},
        {"prompt", {{"sent_to_model", r.prompt.sent_to_model}, {"system", r.prompt.system}, {"user", r.prompt.user}}},
    };
    if (!misses.empty()) doc["near_misses"] = std::move(misses);
    return doc;
}

std::string render_json(const report& r) {
    return report_to_json(r).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace paperboy
