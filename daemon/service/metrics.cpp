#include "service/metrics.hpp"

#include <cstdio>

namespace paperboy {
namespace {

std::string label(const std::string& v) {
    std::string out;
    for (const char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string render_prometheus(const daemon_metrics& m) {
    std::string out;
    family(out, "paperboy_build_info", "gauge", "The running paperboy's version (always 1).");
    out += "paperboy_build_info{version=\"" + label(m.version) + "\"} 1\n";
    family(out, "paperboy_runs_total", "counter", "Runs of an announcement day by outcome.");
    for (const auto* o : {"reported", "no_announcement", "failed", "missed", "not_ready", "backfilled", "backfill_failed"}) {
        const auto it = m.runs.find(o);
        out += std::string("paperboy_runs_total{outcome=\"") + o + "\"} " + std::to_string(it == m.runs.end() ? 0 : it->second) + "\n";
    }
    family(out, "paperboy_papers_fetched_total", "counter", "Papers in the feeds of reported days.");
    out += "paperboy_papers_fetched_total " + std::to_string(m.papers_fetched) + "\n";
    family(out, "paperboy_papers_scanned_total", "counter", "Papers kept by announce type.");
    out += "paperboy_papers_scanned_total " + std::to_string(m.papers_scanned) + "\n";
    family(out, "paperboy_papers_selected_total", "counter", "Papers selected into digests.");
    out += "paperboy_papers_selected_total " + std::to_string(m.papers_selected) + "\n";
    family(out, "paperboy_tokens_total", "counter", "Model tokens spent, by kind.");
    out += "paperboy_tokens_total{kind=\"prompt\"} " + std::to_string(m.prompt_tokens) + "\n";
    out += "paperboy_tokens_total{kind=\"completion\"} " + std::to_string(m.completion_tokens) + "\n";
    out += "paperboy_tokens_total{kind=\"cached_prompt\"} " + std::to_string(m.cached_prompt_tokens) + "\n";
    family(out, "paperboy_cost_usd_total", "counter", "Model cost in US dollars (known prices only).");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", m.cost_usd);
    out += std::string("paperboy_cost_usd_total ") + buf + "\n";
    family(out, "paperboy_deliveries_total", "counter", "Digest deliveries by channel and outcome.");
    // Every configured channel's outcomes exist from the start at 0, so rate() and alerts on
    // "failed" work before the first failure.
    auto deliveries = m.deliveries;
    for (const auto& c : m.channels) {
        for (const auto* o : {"delivered", "skipped", "held", "pending", "failed"}) deliveries.try_emplace({c, o}, 0);
    }
    for (const auto& [key, n] : deliveries) {
        out += "paperboy_deliveries_total{channel=\"" + label(key.first) + "\",outcome=\"" + label(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    family(out, "paperboy_model_shutdown_days", "gauge", "Days until the provider shuts a configured model down (announced shutdowns only).");
    for (const auto& [model, days] : m.model_shutdown_days) out += "paperboy_model_shutdown_days{model=\"" + label(model) + "\"} " + std::to_string(days) + "\n";
    family(out, "paperboy_reaction_votes_total", "counter", "Votes read from reactions on delivered chat digests.");
    out += "paperboy_reaction_votes_total " + std::to_string(m.reaction_votes) + "\n";
    family(out, "paperboy_reaction_errors_total", "counter", "Digests whose reactions could not be read.");
    out += "paperboy_reaction_errors_total " + std::to_string(m.reaction_errors) + "\n";
    family(out, "paperboy_scoring_failures_total", "counter", "Digests whose scoring was incomplete (held, or sent marked incomplete).");
    out += "paperboy_scoring_failures_total " + std::to_string(m.scoring_failures) + "\n";
    family(out, "paperboy_papers_unscored_total", "counter", "Papers those digests could not score.");
    out += "paperboy_papers_unscored_total " + std::to_string(m.papers_unscored) + "\n";
    family(out, "paperboy_papers_sent_to_model_total", "counter", "Papers in the scoring calls the model answered (a paper sent again counts again).");
    out += "paperboy_papers_sent_to_model_total " + std::to_string(m.papers_sent) + "\n";
    family(out, "paperboy_papers_left_out_total", "counter",
           "Papers the model's replies left out or garbled (sent again, or failed); over papers_sent_to_model, how well llm.batch_size suits the model.");
    out += "paperboy_papers_left_out_total " + std::to_string(m.papers_left_out) + "\n";
    family(out, "paperboy_days_held", "gauge", "Digests held in the ledger until their papers are scored.");
    out += "paperboy_days_held " + std::to_string(m.days_held) + "\n";
    family(out, "paperboy_last_success_timestamp_seconds", "gauge", "When a run last succeeded (Unix time).");
    out += "paperboy_last_success_timestamp_seconds " + std::to_string(m.last_success_unix.value_or(0)) + "\n";
    family(out, "paperboy_next_run_timestamp_seconds", "gauge", "When the next run is due (Unix time).");
    out += "paperboy_next_run_timestamp_seconds " + std::to_string(m.next_run_unix.value_or(0)) + "\n";
    family(out, "paperboy_up", "gauge", "1 when the last due run succeeded (as /healthz).");
    out += std::string("paperboy_up ") + (m.healthy ? "1" : "0") + "\n";
    return out;
}

std::pair<unsigned, std::string> render_health(const daemon_metrics& m) {
    if (m.healthy) return {200, "ok: " + m.health_reason + "\n"};
    return {503, "unhealthy: " + m.health_reason + "\n"};
}

}  // namespace paperboy
