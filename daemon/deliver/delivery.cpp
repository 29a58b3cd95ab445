#include "deliver/delivery.hpp"

#include "plugin/loader.hpp"
#include "render/json_report.hpp"
#include "render/markdown.hpp"
#include "deliver/delivery_policy.hpp"
#include "paperboy/paper_ids.hpp"
#include "plugin/retry_policy.hpp"
#include "state/state_store.hpp"
#include "core/text.hpp"

#include <spdlog/spdlog.h>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <map>
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
        const auto links = sdk::links_for(p["id"].get<std::string>());
        p["pdf_url"] = links ? links->pdf : std::string();
    }
    return {{"schema", 1},     {"kind", "digest"},                {"date", doc["date"]},   {"profile", doc["profile"]},
            {"model", doc["model"]}, {"stats", std::move(doc["stats"])}, {"notes", r.notes}, {"incomplete", std::move(doc["incomplete"])},
            {"web_url", nullptr},
            {"papers", std::move(doc["papers"])}, {"markdown", render_markdown(r)}};
}

namespace {

const channel_config* find_channel(const config& cfg, const std::string& name) {
    for (const auto& ch : cfg.channels) {
        if (ch.name == name) return &ch;
    }
    return nullptr;
}

}  // namespace

result<std::unique_ptr<plugin_instance>> open_channel(const config& cfg, const channel_config& ch) {
    const auto pointer = "/channels/" + ch.name;
    const auto in_file = [&](error e) {
        if (e.code == errc::config_invalid && !cfg.source.empty()) e.detail = cfg.source.string() + ": " + e.detail;
        return e;
    };
    auto path = find_plugin(ch.plugin, plugin_search_path(cfg.plugin_dir));
    if (!path) {
        auto e = path.error();
        if (e.code == errc::config_invalid) e.detail = pointer + "/plugin: " + e.detail;
        return in_file(std::move(e));
    }
    auto plugin = loaded_plugin::load(*path);
    if (!plugin) return plugin.error();
    if ((*plugin)->kind() != PB_KIND_CHANNEL) {
        return in_file(make_error(errc::config_invalid, pointer + "/plugin: '" + ch.plugin + "' is not a channel plugin"));
    }
    auto inst = plugin_instance::create(*plugin, ch.settings.dump());
    if (!inst && inst.error().code == errc::config_invalid) {
        const auto& detail = inst.error().detail;
        const auto colon = detail.find(": ");
        return in_file(plugin_settings_error(**plugin, pointer, colon == std::string::npos ? detail : detail.substr(colon + 2)));
    }
    return inst;
}

namespace {

std::int64_t now_ms() { return unix_ms(std::chrono::system_clock::now()); }

// One attempt at a claimed entry; the ledger is updated before this returns.
void attempt(const config& cfg, state_store& state, plugin_instance& inst, const ledger_entry& e, std::mt19937_64& rng) {
    auto payload = json::parse(e.payload);
    payload["channel"] = e.channel;
    // Read at each attempt: an unsubscribe between the report and a retry still counts.
    if (const auto gone = state.unsubscribed(e.profile, e.channel); !gone.empty()) payload["unsubscribed"] = gone;
    json done = json::array();  // receipts of messages sent by earlier attempts
    const auto saved = json::parse(e.progress.empty() ? std::string("{}") : e.progress, nullptr, false);
    if (saved.is_object() && saved.contains("resume_from")) {
        payload["resume_from"] = saved["resume_from"];
        done = saved.value("receipts", json::array());
        payload["receipts"] = done;
    }
    const auto store_progress = [&](const json& p) {
        if (!p.is_object() || !p.contains("messages_sent")) return;
        json all = done;
        for (const auto& x : p.value("receipts", json::array())) all.push_back(x);
        state.save_progress(e.id, json{{"resume_from", p["messages_sent"]}, {"receipts", all}}.dump(), now_ms());
    };
    const auto r = inst.call(payload.dump(-1, ' ', false, json::error_handler_t::replace),
                             [&](std::string_view p) { store_progress(json::parse(p, nullptr, false)); });
    const auto where = e.date + " [" + e.profile + "] " + e.channel + (e.generation > 0 ? " (resend " + std::to_string(e.generation) + ")" : "");
    if (r.status == PB_OK) {
        auto answer = json::parse(r.output, nullptr, false);
        if (answer.is_object() && answer.contains("receipts") && answer["receipts"].is_array()) {
            json all = done;
            for (auto& x : answer["receipts"]) all.push_back(x);
            answer["receipts"] = all;
        }
        if (answer.is_object() && answer.contains("refused") && !answer["refused"].empty()) {
            spdlog::warn("{}: delivered, but some recipients were refused: {}", where, answer["refused"].dump());
        }
        const auto receipt = answer.is_discarded() ? r.output : answer.dump();
        state.mark_delivered(e.id, receipt, now_ms());
        spdlog::info("{}: delivered after {} attempt(s) ({})", where, e.attempts + 1, receipt);
        return;
    }
    const auto hints = json::parse(r.output, nullptr, false);
    store_progress(hints);
    const auto step = next_delivery_step(r.status, e.attempts + 1, retry_after_hint(hints), std::chrono::milliseconds(now_ms() - e.created_ms),
                                         cfg.delivery, std::uniform_real_distribution<double>(0, 1)(rng));
    const auto message = plugin_error(r.status, r.message).message();
    if (step.retry) {
        const auto next = now_ms() + step.delay.count();
        state.mark_retry(e.id, message, next, now_ms());
        spdlog::warn("{}: attempt {} failed ({}); next attempt in {} ms, at {}", where, e.attempts + 1, message, step.delay.count(), format_utc(from_unix_ms(next)));
    } else {
        state.mark_failed(e.id, message + "; " + step.reason, now_ms());
        spdlog::error("{}: NOT delivered: {}; {}", where, message, step.reason);
    }
}

delivery_outcome outcome_of(const ledger_entry& e) {
    delivery_outcome o;
    o.channel = e.channel;
    o.date = e.date;
    o.profile = e.profile;
    o.generation = e.generation;
    o.attempts = e.attempts;
    o.delivered = e.status == delivery_status::delivered;
    o.pending = e.status == delivery_status::pending || e.status == delivery_status::sending;
    o.held = e.status == delivery_status::held;
    o.hold_reason = e.hold_reason;
    o.held_until_ms = e.held_until_ms;
    o.receipt = e.receipt;
    if (!o.delivered && !e.last_error.empty()) {
        o.failure = make_error(errc::plugin, "channel " + e.channel + ": " + e.last_error);
        o.failure->retry_hint = o.pending ? retry::may_help : retry::futile;
    } else if (o.pending) {
        o.failure = make_error(errc::plugin, "channel " + e.channel + ": not delivered yet");
        o.failure->retry_hint = retry::may_help;
    }
    return o;
}

}  // namespace

result<void> check_channel(const config& cfg, const channel_config& channel) {
    auto inst = open_channel(cfg, channel);
    if (!inst) return inst.error();
    return {};
}

probe_outcome probe_plugin(plugin_instance& instance) {
    const auto r = instance.call(R"({"schema": 1, "kind": "probe"})");
    probe_outcome out;
    if (r.status != PB_OK) {
        const auto e = plugin_error(r.status, r.message);
        out.detail = e.detail;
        out.transient = e.transient();
        return out;
    }
    const auto answer = json::parse(r.output, nullptr, false);
    out.ok = answer.is_object() && answer.value("ok", false);
    out.skipped = answer.is_object() && answer.value("skipped", false);
    out.detail = answer.is_object() ? answer.value("detail", std::string()) : std::string();
    if (!out.ok) out.detail = "the plugin does not support probes (answered: " + r.output.substr(0, 200) + ")";
    return out;
}

probe_outcome probe_channel(const config& cfg, const channel_config& channel) {
    auto inst = open_channel(cfg, channel);
    if (!inst) return {false, false, inst.error().message(), false};
    return probe_plugin(**inst);
}

std::vector<delivery_outcome> deliver_entries(const config& cfg, state_store& state, const std::vector<std::int64_t>& ids,
                                              std::chrono::milliseconds wait) {
    std::vector<delivery_outcome> outcomes;
    if (ids.empty()) return outcomes;
    std::mt19937_64 rng{std::random_device{}()};
    std::map<std::string, std::unique_ptr<plugin_instance>> instances;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    const ledger_filter mine{.date = {}, .profile = {}, .channel = {}, .statuses = {}, .ids = ids};
    for (;;) {
        for (const auto& e : state.ledger(mine)) {
            if (e.status != delivery_status::pending || e.next_attempt_ms > now_ms()) continue;
            const auto* ch = find_channel(cfg, e.channel);
            if (!ch) {
                if (state.claim(e.id, ::getpid(), now_ms())) {
                    state.mark_failed(e.id, "channel '" + e.channel + "' is no longer in the configuration", now_ms());
                }
                continue;
            }
            auto& inst = instances[e.channel];
            if (!inst) {
                auto opened = open_channel(cfg, *ch);
                if (!opened) {
                    if (state.claim(e.id, ::getpid(), now_ms())) state.mark_failed(e.id, opened.error().message(), now_ms());
                    spdlog::error("{} [{}] {}: NOT delivered: {}", e.date, e.profile, e.channel, opened.error().message());
                    continue;
                }
                inst = std::move(*opened);
            }
            if (!state.claim(e.id, ::getpid(), now_ms())) continue;  // another process has it
            attempt(cfg, state, *inst, e, rng);
        }
        std::optional<std::int64_t> earliest;
        for (const auto& e : state.ledger(mine)) {
            if (e.status == delivery_status::pending) earliest = std::min(earliest.value_or(e.next_attempt_ms), e.next_attempt_ms);
        }
        if (!earliest) break;
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(0, *earliest - now_ms()));
        if (until > deadline) break;  // left for the next run or the daemon
        std::this_thread::sleep_until(until);
    }
    for (const auto& e : state.ledger(mine)) outcomes.push_back(outcome_of(e));
    return outcomes;
}

std::vector<delivery_outcome> deliver_report(const config& cfg, state_store& state, const run_record& record,
                                             const std::vector<std::string>& channels, const json& payload,
                                             const std::optional<std::pair<std::string, std::int64_t>>& hold) {
    std::optional<state_store::hold> held;
    if (hold) {
        // A held day is scored again on the schedule's retry interval (the daemon's timer).
        const auto retry = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.schedule.retry_every).count();
        held = state_store::hold{hold->first, std::min(now_ms() + retry, hold->second), hold->second};
    }
    const auto ids = state.finish_run_with_deliveries(record, channels, payload.dump(-1, ' ', false, json::error_handler_t::replace),
                                                      now_ms(), held);
    auto fresh = deliver_entries(cfg, state, ids, cfg.delivery.wait_in_run);
    std::vector<delivery_outcome> outcomes;
    for (const auto& name : channels) {
        const auto it = std::find_if(fresh.begin(), fresh.end(), [&](const auto& o) { return o.channel == name; });
        if (it != fresh.end()) {
            outcomes.push_back(*it);
            continue;
        }
        delivery_outcome o;
        o.channel = name;
        o.date = record.date;
        o.profile = record.profile;
        for (const auto& e : state.ledger({.date = record.date, .profile = record.profile, .channel = name, .statuses = {}, .ids = {}})) {
            if (e.generation == 0) o = outcome_of(e);
        }
        o.skipped = o.delivered;
        if (o.skipped) spdlog::info("{} [{}]: already delivered to {}; not sending again", record.date, record.profile, name);
        o.delivered = false;
        outcomes.push_back(std::move(o));
    }
    return outcomes;
}

std::vector<delivery_outcome> resume_deliveries(const config& cfg, state_store& state) {
    const auto alive = [](std::int64_t pid) {
        // EPERM: the pid exists under another user, so it is alive.
        return pid > 0 && pid != ::getpid() && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
    };
    for (const auto& e : state.recover_interrupted(alive, now_ms())) {
        spdlog::warn("{} [{}] {}: was being sent when paperboy stopped; sending again (a message in flight then may arrive twice)",
                     e.date, e.profile, e.channel);
    }
    for (const auto& e : state.release_expired_holds(now_ms())) {
        spdlog::warn("{} [{}] {}: held until {} without complete scores; sending it marked incomplete", e.date, e.profile, e.channel,
                     format_utc(from_unix_ms(e.held_until_ms)));
    }
    std::vector<std::int64_t> due;
    for (const auto& e : state.ledger({.date = {}, .profile = {}, .channel = {}, .statuses = {delivery_status::pending}, .ids = {}})) {
        if (e.next_attempt_ms <= now_ms()) due.push_back(e.id);
    }
    if (!due.empty()) spdlog::info("resuming {} delivery(ies) left by an earlier run", due.size());
    return deliver_entries(cfg, state, due, std::chrono::milliseconds(0));
}

delivery_outcome send_test(const config& cfg, const std::string& name) {
    const auto* ch = find_channel(cfg, name);
    if (!ch) {
        std::vector<std::string> known;
        for (const auto& c : cfg.channels) known.push_back(c.name);
        throw failure(make_error(errc::usage, "no channel named '" + name + "' in the configuration; " +
                                                  (known.empty() ? std::string("it has none (see /channels)") : "its channels: " + text::join(known))));
    }
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
    delivery_outcome out;
    out.channel = name;
    auto inst = open_channel(cfg, *ch);
    if (!inst) {
        out.failure = inst.error();
        return out;
    }
    auto payload = digest_payload(r);
    payload["channel"] = name;
    payload["delivery_key"] = "send-test-" + std::to_string(now_ms());
    const auto res = (*inst)->call(payload.dump(-1, ' ', false, json::error_handler_t::replace));
    out.delivered = res.status == PB_OK;
    if (out.delivered) out.receipt = res.output;
    else out.failure = plugin_error(res.status, "channel " + name + ": " + res.message);
    return out;
}

}  // namespace paperboy
