#include "service/daemon.hpp"

#include "config/config.hpp"
#include "deliver/delivery.hpp"
#include "job/backfill.hpp"
#include "job/daily_run.hpp"
#include "net/http_server.hpp"
#include "score/model_retirement.hpp"
#include "score/scorer.hpp"
#include "schedule/schedule.hpp"
#include "feedback/reactions.hpp"
#include "service/daemon_clock.hpp"
#include "service/metrics.hpp"
#include "feedback/vote_server.hpp"
#include "service/notify.hpp"
#include "state/state_store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <set>

namespace paperboy {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

std::int64_t unix_seconds(time_point t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

class service {
public:
    service(std::filesystem::path config_path, config cfg)
        : config_path_(std::move(config_path)), cfg_(std::make_shared<const config>(std::move(cfg))) {
        if (const char* fake = std::getenv("PAPERBOY_FAKE_NOW"); fake && *fake) {
            clock_ = daemon_clock::from_setting(fake);
            spdlog::warn("PAPERBOY_FAKE_NOW: the daemon's clock is {} ({})", format_utc(clock_.now()), fake);
        }
    }

    static std::vector<std::string> channel_names(const config& c) {
        std::vector<std::string> out;
        for (const auto& ch : c.channels) out.push_back(ch.name);
        return out;
    }

    int run() {
        metrics_.version = PAPERBOY_VERSION;
        metrics_.channels = channel_names(*cfg_);
        // At start, on this thread: a state file that cannot be used stops us before anything.
        std::vector<std::string> profiles;
        for (const auto& p : cfg_->profiles) profiles.push_back(p.name);
        std::optional<day> last_done;
        {
            state_store state(cfg_->state_path);
            if (auto d = state.last_completed_day(profiles)) last_done = parse_iso_day(*d);
            ever_done_ = last_done.has_value();
            const auto plan = plan_catch_up(now(), last_done, cfg_->schedule);
            for (const auto& d : plan.missed) {
                for (const auto& p : profiles) state.record_missed(format_iso_day(d), p, "paperboy was not running while arXiv's feed carried this day");
                ++metrics_.runs["missed"];
            }
            if (!plan.missed.empty()) {
                // One line for the gap, however long: the ledger has each day.
                const auto n = plan.missed.size();
                spdlog::warn("{}: missed {} {}: paperboy was not running while arXiv's feed carried them; {}",
                             n == 1 ? format_iso_day(plan.missed.front()) : format_iso_day(plan.missed.front()) + " to " + format_iso_day(plan.missed.back()),
                             n, n == 1 ? "announcement day" : "announcement days",
                             cfg_->schedule.backfill ? "schedule.backfill rebuilds them from the arXiv API after the next run"
                                                     : "recorded as missed (set schedule.backfill to rebuild them, or run paperboy backfill)");
            }
            catch_up_ = plan.run_now;
        }
        if (cfg_->server_listen) {
            auto s = net::http_server::start(io_, *cfg_->server_listen, [this](const net::inbound_request& req) { return route(req); });
            if (!s) throw failure(s.error());
            server_ = std::move(*s);
            spdlog::info("serving /healthz, /metrics and the web archive on {} (port {})", *cfg_->server_listen, server_->port());
        }
        wait_for_signal();
        if (const auto every = watchdog_interval()) start_watchdog(*every);
        notify_systemd("READY=1");
        if (!last_done) {
            // Nothing has ever run: that is not a failure to report.
            metrics_.healthy = true;
            metrics_.health_reason = "waiting for the first run";
        }
        if (catch_up_) {
            spdlog::info("{}: no completed run yet for the last announcement day: running it now (catch-up)", format_iso_day(catch_up_->date));
            start_run(*catch_up_);
        } else {
            metrics_.healthy = true;
            metrics_.health_reason = last_done ? "the last announcement day (" + format_iso_day(*last_done) + ") is done" : "waiting for the first run";
            schedule_next();
            resume();  // deliveries an earlier process left pending or in flight
        }
        schedule_deliveries();
        schedule_reactions();
        io_.run();
        if (busy_ > 0) {
            spdlog::warn("stopping with a run still in progress after {} s: it resumes on the next start",
                         cfg_->schedule.shutdown_timeout.count());
            spdlog::shutdown();
            std::_Exit(0);  // the worker is mid-run; every ledger step is already committed
        }
        worker_.join();
        spdlog::info("stopped");
        return 0;
    }

private:
    time_point now() const { return clock_.now(); }

    net::served route(const net::inbound_request& req) {
        if (req.path == "/healthz" || req.path == "/metrics") {
            if (req.method != "GET" && req.method != "HEAD") return {405, "text/plain; charset=utf-8", "method not allowed\n"};
            if (req.path == "/metrics") return {200, "text/plain; version=0.0.4; charset=utf-8", render_prometheus(metrics_)};
            const auto [status, body] = render_health(metrics_);
            return {status, "text/plain; charset=utf-8", body};
        }
        // The archive pages are small static files; a vote is one small SQLite write.
        return serve_site(*cfg_, req);
    }

    void status(const std::string& text) {
        status_ = text;
        notify_systemd("STATUS=" + text);
    }

    void at(asio::steady_timer& timer, time_point when, std::function<void()> then) {
        const auto wait = std::max(std::chrono::steady_clock::duration::zero(), when - now());
        if (const auto poll = clock_.poll(); poll && wait > *poll) {
            // A file clock may jump: look again soon rather than sleep the whole wait.
            timer.expires_after(*poll);
            timer.async_wait([this, &timer, when, then = std::move(then)](const boost::system::error_code& ec) mutable {
                if (!ec) at(timer, when, std::move(then));
            });
            return;
        }
        timer.expires_after(wait);
        timer.async_wait([then = std::move(then)](const boost::system::error_code& ec) {
            if (!ec) then();
        });
    }

    void schedule_next() {
        if (stopping_) return;
        const auto next = next_run(now(), cfg_->schedule);
        metrics_.next_run_unix = unix_seconds(next.at);
        status("next run " + format_iso_day(next.date) + " at " + format_utc(next.at) + (last_result_.empty() ? "" : "; last: " + last_result_));
        spdlog::info("next run: {} at {}", format_iso_day(next.date), format_utc(next.at));
        at(run_timer_, next.at, [this, next] { start_run(next); });
    }

    struct run_result {
        std::optional<run_summary> summary;
        std::optional<error> failure;
        std::size_t held = 0;  // (date, profile) digests held in the ledger after the run
        std::vector<std::pair<std::string, backfill_result>> backfilled;  // schedule.backfill, oldest first
        std::vector<model_retirement> retirements;  // the configured models' announced shutdowns, asked before the run
    };

    // Once a run (so once a day): the provider's dates where it gives them, else the table's.
    // What it said goes into the run's configuration, so the scorer does not ask again.
    static std::vector<model_retirement> ask_retirements(config& cfg) {
        if (cfg.llm.plugin == "offline" || cfg.llm.plugin == "replay") return {};  // they call no model
        try {
            const auto llm = make_llm_instance(cfg.llm, cfg.plugin_dir, cfg.source);
            cfg.llm.provider_shutdowns = ask_shutdown_dates(*llm, cfg.llm);
        } catch (const failure& f) {
            spdlog::debug("model shutdown dates not asked: {}", f.err().message());
        }
        return model_retirements(nullptr, cfg.llm, shutdown_today(std::chrono::system_clock::now()));
    }

    // Held digests, counted on the worker (it owns SQLite work).
    static std::size_t count_held(const config& cfg) {
        try {
            std::set<std::pair<std::string, std::string>> days;
            for (const auto& e : state_store(cfg.state_path).ledger({.date = {}, .profile = {}, .channel = {}, .statuses = {delivery_status::held}, .ids = {}})) {
                days.emplace(e.date, e.profile);
            }
            return days.size();
        } catch (const failure&) {
            return 0;
        }
    }

    // What a finished run means for /metrics and /healthz.
    void account(const run_summary& s, std::size_t held_now) {
        const auto date_text = format_iso_day(s.date);
        bool delivered = true;
        bool other_problem = false;  // anything but held digests: a failed delivery, an incomplete one sent
        std::string problem;
        long selected = 0;
        metrics_.days_held = static_cast<long>(held_now);
        if (s.outcome == run_outcome::no_announcement) {
            ++metrics_.runs["no_announcement"];
            last_result_ = date_text + ": no announcement";
        } else {
            ++metrics_.runs["reported"];
            for (const auto& p : s.profiles) {
                metrics_.papers_scanned += p.stats.scanned;
                metrics_.papers_selected += p.stats.selected;
                metrics_.prompt_tokens += p.stats.usage.prompt_tokens;
                metrics_.cached_prompt_tokens += p.stats.usage.cached_tokens;
                metrics_.completion_tokens += p.stats.usage.completion_tokens;
                metrics_.papers_sent += p.papers_sent;
                metrics_.papers_left_out += p.papers_left_out;
                if (p.stats.cost) metrics_.cost_usd += p.stats.cost->total_usd();
                selected += p.stats.selected;
                if (p.incomplete) {
                    ++metrics_.scoring_failures;
                    metrics_.papers_unscored += p.incomplete->unscored;
                    problem = (p.held ? " held: " : " sent incomplete: ") + describe(*p.incomplete, p.stats.scanned);
                    other_problem = other_problem || !p.held;
                }
                for (const auto& d : p.deliveries) {
                    const char* outcome = d.delivered ? "delivered" : d.skipped ? "skipped" : d.held ? "held" : d.pending ? "pending" : "failed";
                    ++metrics_.deliveries[{d.channel, outcome}];
                    delivered = delivered && (d.delivered || d.skipped);
                    other_problem = other_problem || !(d.delivered || d.skipped || d.held);
                }
            }
            if (!s.profiles.empty()) metrics_.papers_fetched += s.profiles.front().stats.total;
            last_result_ = date_text + ": " + std::to_string(selected) + " papers selected" +
                           (!problem.empty() ? ", scoring incomplete" : delivered ? "" : ", delivery pending or failed");
        }
        ever_done_ = true;
        const bool healthy = delivered && problem.empty() && held_now == 0;
        if (healthy) metrics_.last_success_unix = unix_seconds(now());
        metrics_.healthy = healthy;
        unhealthy_only_for_holds_ = !healthy && !other_problem;
        metrics_.health_reason = healthy ? last_result_
                                 : !problem.empty() ? date_text + problem
                                 : held_now > 0 ? std::to_string(held_now) + " digest(s) held because scoring failed (see paperboy status)"
                                                : last_result_ + " (see paperboy status)";
    }

    void start_run(scheduled_run run) {
        if (stopping_) return;
        if (refused_) {
            // The provider refused the configuration: asking again with the same one only
            // repeats the refusal (and may lock the account). The day waits for a reload.
            record_missed(run, "not run: the configuration must change first: " + refused_->reason);
            schedule_next();
            return;
        }
        ++busy_;
        status("running " + format_iso_day(run.date));
        const auto started = std::chrono::steady_clock::now();
        // llm.batch_deadline is a time of the day's clock: the scorer gets it as a moment of
        // the real clock (PAPERBOY_FAKE_NOW only moves the daemon's).
        auto cfg = std::make_shared<config>(*cfg_);
        if (const auto ends = batch_deadline_after(run.at, cfg_->llm, cfg_->schedule)) cfg->llm.batch_ends_ms = unix_ms(*ends - clock_.offset());
        asio::post(worker_, [this, run, cfg = std::move(cfg), started] {
            run_result r;
            r.retirements = ask_retirements(*cfg);
            try {
                r.summary = run_day(*cfg, {.date = run.date});
                if (cfg->schedule.backfill) r.backfilled = backfill_missed(*cfg, run.date);
            } catch (const failure& f) {
                r.failure = f.err();
            } catch (const std::exception& e) {
                r.failure = make_error(errc::state, e.what());
            }
            r.held = count_held(*cfg);
            asio::post(io_, [this, run, r = std::move(r), started] { finish_run(run, r, started); });
        });
    }

    void finish_run(const scheduled_run& run, const run_result& r, std::chrono::steady_clock::time_point started) {
        --busy_;
        metrics_.model_shutdown_days.clear();
        for (const auto& m : r.retirements) metrics_.model_shutdown_days[m.model] = m.days_left;
        const auto date_text = format_iso_day(run.date);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        if (r.summary) {
            account(*r.summary, r.held);
            spdlog::info("{}: run finished in {} ms ({})", date_text, ms, last_result_);
            for (const auto& [day_text, b] : r.backfilled) {
                if (b.what == backfill_result::outcome::ran) {
                    ++metrics_.runs["backfilled"];
                    for (const auto& p : b.summary->profiles) {
                        for (const auto& d : p.deliveries) {
                            ++metrics_.deliveries[{d.channel, d.delivered ? "delivered" : d.skipped ? "skipped" : d.pending ? "pending" : "failed"}];
                        }
                        spdlog::info("{} [{}]: backfilled: {} of {} papers selected", day_text, p.profile, p.stats.selected, p.stats.scanned);
                    }
                } else if (b.what == backfill_result::outcome::failed) {
                    ++metrics_.runs["backfill_failed"];
                    spdlog::warn("{}: not backfilled, still missed: {}", day_text, b.failure ? b.failure->message() : std::string("unknown error"));
                } else {
                    spdlog::info("{}: nothing to backfill ({})", day_text, b.what == backfill_result::outcome::no_papers ? "no papers in its window" : "already stored");
                }
            }
            // A missed day still missing is a degraded service even when today's digest went out.
            if (const auto problem = backfill_problem(r.backfilled); !problem.empty()) {
                if (metrics_.healthy) metrics_.health_reason = problem;
                metrics_.healthy = false;
                unhealthy_only_for_holds_ = false;  // scoring the held days again does not bring this day back
            }
        } else {
            const auto& e = *r.failure;
            const bool not_ready = e.code == errc::feed_stale || (e.transient() && e.code != errc::feed_date_mismatch);
            if (not_ready && !stopping_) {
                const auto step = after_stale_feed(now(), run, cfg_->schedule);
                if (step.retry) {
                    ++metrics_.runs["not_ready"];
                    // Before any day was ever done, waiting for arXiv is the normal first hour.
                    metrics_.healthy = !ever_done_;
                    unhealthy_only_for_holds_ = false;
                    metrics_.health_reason = (ever_done_ ? date_text + " not done yet: " : "waiting for the first run: " + date_text + ": ") + e.message();
                    status("waiting for " + date_text + ": " + e.message() + "; next try " + format_utc(step.at));
                    spdlog::warn("{}: not ready ({}); trying again at {}", date_text, e.message(), format_utc(step.at));
                    at(run_timer_, step.at, [this, run] { start_run(run); });
                    schedule_deliveries();
                    maybe_stop();
                    return;
                }
                record_missed(run, step.reason + " (last error: " + e.message() + ")");
            } else if (e.code == errc::feed_date_mismatch) {
                record_missed(run, "arXiv's feed has moved on to a later day: " + e.message());
            } else if (e.code == errc::config_invalid) {
                ++metrics_.runs["failed"];
                refused_ = refusal{run, e.detail};
                record_missed(run, e.detail + "; no model call until the configuration changes: fix it, then reload (SIGHUP, systemctl reload paperboy)");
            } else {
                ++metrics_.runs["failed"];
                metrics_.healthy = false;
                unhealthy_only_for_holds_ = false;
                metrics_.health_reason = date_text + " failed: " + e.message();
                last_result_ = date_text + " failed";
                spdlog::error("{}: run failed: {}", date_text, e.message());
            }
        }
        schedule_next();
        schedule_deliveries();
        maybe_stop();
    }

    void record_missed(const scheduled_run& run, const std::string& reason) {
        const auto date_text = format_iso_day(run.date);
        ++metrics_.runs["missed"];
        metrics_.healthy = false;
        unhealthy_only_for_holds_ = false;
        metrics_.health_reason = date_text + " missed: " + reason;
        last_result_ = date_text + " missed";
        spdlog::error("{}: missed: {}", date_text, reason);
        asio::post(worker_, [cfg = cfg_, date_text, reason] {
            try {
                state_store state(cfg->state_path);
                for (const auto& p : cfg->profiles) state.record_missed(date_text, p.name, reason);
            } catch (const failure& f) {
                spdlog::error("cannot record {} as missed: {}", date_text, f.err().message());
            }
        });
    }

    // Ledger entries waiting for a retry get a timer of their own, so a digest whose channel
    // was down is delivered when due, not at the next day's run.
    void schedule_deliveries() {
        if (stopping_) return;
        asio::post(worker_, [this, cfg = cfg_] {
            std::optional<std::int64_t> next;
            try {
                next = state_store(cfg->state_path).next_pending_attempt();
            } catch (const failure& f) {
                spdlog::error("ledger: {}", f.err().message());
            }
            asio::post(io_, [this, next] {
                if (!next || stopping_) return;
                // Ledger times are real time; the daemon's clock may be shifted.
                at(delivery_timer_, from_unix_ms(*next) + clock_.offset(), [this] { resume(); });
            });
        });
    }

    // Due work the ledger holds: held days whose re-scoring is due are run again (scores come
    // from the cache; only what is missing goes to the model), then every due delivery.
    void resume() {
        if (stopping_ || busy_ > 0) return;  // a run resumes deliveries itself first
        ++busy_;
        asio::post(worker_, [this, cfg = cfg_, now_ms = unix_ms(std::chrono::system_clock::now()), refused = refused_.has_value()] {
            std::vector<run_summary> rescored;
            std::vector<delivery_outcome> out;
            try {
                std::vector<std::string> held_days;
                {
                    state_store state(cfg->state_path);
                    if (!refused) held_days = state.held_days_due(now_ms);
                }
                for (const auto& d : held_days) {
                    spdlog::info("{}: held because scoring failed; scoring the missing papers again", d);
                    try {
                        rescored.push_back(run_day(*cfg, {.date = parse_iso_day(d)}));
                    } catch (const failure& f) {
                        spdlog::error("{}: scoring again failed: {}", d, f.err().message());
                    }
                }
                state_store state(cfg->state_path);
                out = resume_deliveries(*cfg, state);
            } catch (const failure& f) {
                spdlog::error("ledger: {}", f.err().message());
            }
            const auto held = count_held(*cfg);
            asio::post(io_, [this, out, rescored = std::move(rescored), held] {
                --busy_;
                for (const auto& s : rescored) account(s, held);
                metrics_.days_held = static_cast<long>(held);
                if (held == 0 && rescored.empty() && !metrics_.healthy && unhealthy_only_for_holds_) {
                    metrics_.healthy = true;
                    metrics_.health_reason = "no digest is held any more";
                }
                for (const auto& d : out) {
                    ++metrics_.deliveries[{d.channel, d.delivered ? "delivered" : d.pending ? "pending" : "failed"}];
                }
                schedule_deliveries();
                maybe_stop();
            });
        });
    }

    void wait_for_signal() {
        signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            if (sig == SIGHUP) {
                reload();
                wait_for_signal();
                return;
            }
            spdlog::info("signal {}: stopping (no new work; a run in progress has {} s to finish)", sig, cfg_->schedule.shutdown_timeout.count());
            notify_systemd("STOPPING=1");
            stopping_ = true;
            run_timer_.cancel();
            delivery_timer_.cancel();
            watchdog_timer_.cancel();
            reactions_timer_.cancel();
            if (server_) server_->stop();
            shutdown_timer_.expires_after(cfg_->schedule.shutdown_timeout);
            shutdown_timer_.async_wait([this](const boost::system::error_code& e) {
                if (!e) io_.stop();
            });
            maybe_stop();
        });
    }

    void maybe_stop() {
        if (stopping_ && busy_ == 0) {
            shutdown_timer_.cancel();
            signals_.cancel();
            io_.stop();
        }
    }

    void reload() {
        spdlog::info("SIGHUP: reading {}", config_path_.string());
        asio::post(worker_, [this] {
            auto fresh = load_config(config_path_);
            asio::post(io_, [this, fresh = std::move(fresh)]() mutable {
                if (!fresh) {
                    spdlog::error("SIGHUP: the new configuration is invalid, keeping the previous one: {}", fresh.error().message());
                    return;
                }
                if (fresh->server_listen != cfg_->server_listen) spdlog::warn("SIGHUP: server.listen changes take effect at the next restart");
                cfg_ = std::make_shared<const config>(std::move(*fresh));
                metrics_.channels = channel_names(*cfg_);
                spdlog::info("SIGHUP: configuration reloaded");
                if (refused_ && busy_ == 0) {
                    // The day the refusal stopped is run at once with the new configuration.
                    const auto day = refused_->run;
                    refused_.reset();
                    run_timer_.cancel();
                    spdlog::info("{}: running again with the new configuration", format_iso_day(day.date));
                    start_run(day);
                    return;
                }
                refused_.reset();
                if (busy_ == 0) {
                    run_timer_.cancel();
                    schedule_next();
                }
            });
        });
    }

    // Reactions on delivered chat digests become votes, on a slow timer and on the worker
    // (SQLite, and the plugins' calls within the services' rate limits).
    void schedule_reactions() {
        if (stopping_ || !cfg_->feedback.reactions) return;
        reactions_timer_.expires_after(cfg_->feedback.every);
        reactions_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (ec || stopping_) return;
            asio::post(worker_, [this, cfg = cfg_] {
                reaction_sweep sweep;
                try {
                    state_store state(cfg->state_path);
                    sweep = collect_reactions(*cfg, state, std::chrono::system_clock::now());
                } catch (const failure& f) {
                    sweep.errors.push_back(f.err().message());
                }
                for (const auto& e : sweep.errors) spdlog::warn("reactions: {}", e);
                asio::post(io_, [this, votes = sweep.votes, errors = sweep.errors.size()] {
                    metrics_.reaction_votes += static_cast<long>(votes);
                    metrics_.reaction_errors += static_cast<long>(errors);
                    schedule_reactions();
                });
            });
        });
    }

    void start_watchdog(std::chrono::microseconds every) {
        notify_systemd("WATCHDOG=1");
        watchdog_timer_.expires_after(every);
        watchdog_timer_.async_wait([this, every](const boost::system::error_code& ec) {
            if (!ec && !stopping_) start_watchdog(every);
        });
    }

    std::filesystem::path config_path_;
    std::shared_ptr<const config> cfg_;
    daemon_clock clock_;
    asio::io_context io_{1};
    asio::thread_pool worker_{1};
    asio::signal_set signals_{io_, SIGTERM, SIGINT, SIGHUP};
    asio::steady_timer run_timer_{io_}, delivery_timer_{io_}, watchdog_timer_{io_}, shutdown_timer_{io_}, reactions_timer_{io_};
    std::unique_ptr<net::http_server> server_;
    daemon_metrics metrics_;
    std::optional<scheduled_run> catch_up_;
    struct refusal {
        scheduled_run run;   // the day it stopped
        std::string reason;  // "/llm/api_key: the provider refused this key (...)"
    };
    std::optional<refusal> refused_;  // set by a run the provider refused as configured
    std::string status_, last_result_;
    int busy_ = 0;  // jobs on the worker (a run, a ledger resume)
    bool ever_done_ = false;  // some announcement day was completed (now or before a restart)
    bool unhealthy_only_for_holds_ = false;  // /healthz is 503 only because digests are held
    bool stopping_ = false;
};

}  // namespace

int run_daemon(const std::filesystem::path& config_path) {
    auto cfg = load_config(config_path).value();
    service s(config_path, std::move(cfg));
    return s.run();
}

}  // namespace paperboy
