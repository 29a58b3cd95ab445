#include "deliver/delivery.hpp"

#include "plugin/loader.hpp"
#include "render/json_report.hpp"
#include "render/markdown.hpp"
#include "plugin/retry_policy.hpp"
#include "state/state_store.hpp"

#include <spdlog/spdlog.h>

#include <random>
#include <thread>

namespace paperboy {
using nlohmann::json;

json digest_payload(const report& r) {
    // The same paper entries and statistics as the JSON report, plus what a post needs.
    auto doc = json::parse(report_to_json(r).dump(-1, ' ', false, json::error_handler_t::replace));
    int rank = 0;
    for (auto& p : doc["papers"]) {
        p["rank"] = ++rank;
        p["pdf_url"] = "https://arxiv.org/pdf/" + p["id"].get<std::string>();
    }
    return {{"schema", 1},     {"kind", "digest"},                {"date", doc["date"]},   {"profile", doc["profile"]},
            {"model", doc["model"]}, {"stats", std::move(doc["stats"])}, {"notes", r.notes}, {"web_url", nullptr},
            {"papers", std::move(doc["papers"])}, {"markdown", render_markdown(r)}};
}

namespace {

const channel_config* find_channel(const config& cfg, const std::string& name) {
    for (const auto& ch : cfg.channels) {
        if (ch.name == name) return &ch;
    }
    return nullptr;
}

result<std::unique_ptr<plugin_instance>> open_channel(const config& cfg, const channel_config& ch) {
    auto path = find_plugin(ch.plugin, plugin_search_path(cfg.plugin_dir));
    if (!path) return path.error();
    auto plugin = loaded_plugin::load(*path);
    if (!plugin) return plugin.error();
    if ((*plugin)->kind() != PB_KIND_CHANNEL) {
        return make_error(errc::config_invalid, "/channels/" + ch.name + "/plugin: '" + ch.plugin + "' is not a channel plugin");
    }
    auto inst = plugin_instance::create(*plugin, ch.settings.dump());
    if (!inst && inst.error().code == errc::config_invalid) {
        auto e = inst.error();
        const auto colon = e.detail.find(": ");
        e.detail = "/channels/" + ch.name + "/" + (colon == std::string::npos ? e.detail : e.detail.substr(colon + 2));
        return e;
    }
    return inst;
}

delivery_outcome deliver_one(const config& cfg, const channel_config& ch, json payload) {
    delivery_outcome out;
    out.channel = ch.name;
    payload["channel"] = ch.name;
    auto inst = open_channel(cfg, ch);
    if (!inst) {
        out.failure = inst.error();
        return out;
    }
    std::mt19937_64 rng{std::random_device{}()};
    json receipts = json::array();
    for (int attempt = 1;; ++attempt) {
        auto r = (*inst)->call(payload.dump(-1, ' ', false, json::error_handler_t::replace));
        if (r.status == PB_OK) {
            out.delivered = true;
            auto answer = json::parse(r.output, nullptr, false);
            if (answer.is_object() && answer.contains("receipts") && answer["receipts"].is_array()) {
                for (auto& x : answer["receipts"]) receipts.push_back(x);
                answer["receipts"] = receipts;
            }
            out.receipt = answer.is_discarded() ? r.output : answer.dump();
            return out;
        }
        const auto hints = json::parse(r.output, nullptr, false);
        const auto retry_after = retry_after_hint(hints);
        if (hints.is_object()) {
            // A multi-message plugin says how far it got: the retry resumes there, so no
            // message is posted twice.
            if (hints.contains("messages_sent")) {
                for (auto& x : hints.value("receipts", json::array())) receipts.push_back(x);
                payload["resume_from"] = hints["messages_sent"];
                payload["receipts"] = receipts;
            }
        }
        const auto delay = plugin_retry_delay(r.status, attempt, retry_after, cfg.llm.max_attempts, cfg.llm.retry_delay,
                                           std::uniform_real_distribution<double>(0, 1)(rng));
        if (!delay) {
            out.failure = plugin_error(r.status, "channel " + ch.name + ": " + r.message);
            return out;
        }
        spdlog::warn("channel {}: delivery failed ({}); retry {} in {} ms", ch.name, r.message, attempt, delay->count());
        std::this_thread::sleep_for(*delay);
    }
}

}  // namespace

result<void> check_channel(const config& cfg, const channel_config& channel) {
    auto inst = open_channel(cfg, channel);
    if (!inst) return inst.error();
    return {};
}

std::vector<delivery_outcome> deliver(const config& cfg, const profile_config& profile, const report& r, state_store* state) {
    std::vector<delivery_outcome> outcomes;
    if (profile.channels.empty()) return outcomes;
    const auto payload = digest_payload(r);
    for (const auto& name : profile.channels) {
        const auto* ch = find_channel(cfg, name);
        if (!ch) continue;  // load_config guarantees it exists
        if (state && state->delivered(r.date, profile.name, name)) {
            outcomes.push_back({name, false, true, {}, std::nullopt});
            spdlog::info("{} [{}]: already delivered to {}; not sending again", format_iso_day(r.date), profile.name, name);
            continue;
        }
        auto out = deliver_one(cfg, *ch, payload);
        if (out.delivered) {
            if (state) state->record_delivery(r.date, profile.name, name, out.receipt);
            spdlog::info("{} [{}]: delivered to {} ({})", format_iso_day(r.date), profile.name, name, out.receipt);
        } else {
            spdlog::error("{} [{}]: delivery to {} failed: {}", format_iso_day(r.date), profile.name, name, out.failure->message());
        }
        outcomes.push_back(std::move(out));
    }
    return outcomes;
}

delivery_outcome send_test(const config& cfg, const std::string& name) {
    const auto* ch = find_channel(cfg, name);
    if (!ch) throw failure(make_error(errc::usage, "no channel named '" + name + "' in the configuration"));
    static const paper sample[] = {
        {"2507.15880", 1, announce_type::new_submission,
         "The Recursive Coherence Principle: A Formal Constraint on Scalable Intelligence",
         "This is a test digest from paperboy send-test. If you can read this, the channel works.",
         {"Andy E. Williams"}, {"cs.AI"}},
        {"2507.16003", 1, announce_type::new_submission, "Learning without training: The implicit dynamics of in-context learning",
         "A second sample paper, to show how several papers are laid out.", {"Benoit Dherin", "Michael Munn"}, {"cs.LG"}},
    };
    report r;
    r.date = parse_iso_day("2025-07-23").value();
    r.profile = "send-test";
    r.model = "sample";
    r.stats.total = 2;
    r.stats.scanned = 2;
    r.papers.push_back({&sample[0], false, {}, paper_score{9, 9, "A sample comment from the scorer."}});
    r.papers.push_back({&sample[1], false, {}, paper_score{9, 8, "Another sample comment."}});
    r.stats.selected = 2;
    return deliver_one(cfg, *ch, digest_payload(r));
}

}  // namespace paperboy
