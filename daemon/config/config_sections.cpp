#include "config/config_sections.hpp"

#include "core/dates.hpp"

namespace paperboy::config_reader {
namespace fs = std::filesystem;
using nlohmann::json;

void read_delivery(object_reader& r, delivery_config& out, const fs::path& base_dir) {
    const auto* dl = r.find("delivery");
    if (!dl) return;
    object_reader d(*dl, "/delivery", base_dir);
    const auto ms = [&](const char* key, double min) -> std::optional<std::chrono::milliseconds> {
        const auto v = d.number(key, min);
        if (!v) return std::nullopt;
        return std::chrono::milliseconds(static_cast<long long>(*v * 1000));
    };
    if (auto n = d.integer("max_attempts", 1, 1000)) out.max_attempts = static_cast<int>(*n);
    if (auto v = ms("retry_delay_seconds", 0.001)) out.retry_delay = *v;
    if (auto v = ms("max_delay_seconds", 0.001)) out.max_delay = *v;
    if (auto v = ms("give_up_after_seconds", 0.001)) out.give_up_after = *v;
    if (auto v = ms("wait_seconds", 0)) out.wait_in_run = *v;
    if (const auto* t = d.find("deliver_repeats")) {
        if (!t->is_boolean()) fail("/delivery/deliver_repeats", std::string("expected true or false, got ") + t->type_name());
        out.deliver_repeats = t->get<bool>();
    }
    d.finish();
}

void read_feedback(object_reader& r, feedback_config& out, const fs::path& base_dir) {
    const auto* fb = r.find("feedback");
    if (!fb) return;
    object_reader f(*fb, "/feedback", base_dir);
    if (const auto* t = f.find("reactions")) {
        if (!t->is_boolean()) fail("/feedback/reactions", std::string("expected true or false, got ") + t->type_name());
        out.reactions = t->get<bool>();
    }
    if (auto n = f.integer("reactions_every_minutes", 5, 24 * 60)) out.every = std::chrono::minutes(*n);
    if (auto n = f.integer("reactions_days", 1, 60)) out.days = static_cast<int>(*n);
    if (auto v = f.strings("like_emojis")) out.like = *v;
    if (auto v = f.strings("dislike_emojis")) out.dislike = *v;
    f.finish();
}

void read_report(object_reader& r, config& c, const fs::path& base_dir) {
    const auto* rep = r.find("report");
    if (!rep) return;
    object_reader o(*rep, "/report", base_dir);
    if (auto n = o.integer("near_misses", 0, 50)) c.near_misses = static_cast<int>(*n);
    if (const auto* t = o.find("tldr")) {
        if (!t->is_boolean()) fail("/report/tldr", std::string("expected true or false, got ") + t->type_name());
        c.tldr = t->get<bool>();
    }
    if (auto l = o.string("language")) {
        if (l->empty() || l->size() > 40 || l->find_first_of("\r\n\"{}") != std::string::npos) fail("/report/language", "expected a language name such as \"German\"");
        c.language = *l;
    }
    o.finish();
}

void read_files(object_reader& r, config& c, const fs::path& base_dir) {
    if (const auto* out = r.find("output")) {
        object_reader o(*out, "/output", base_dir);
        if (auto d = o.path("dir")) c.output_dir = *d;
        o.finish();
    }
    if (c.output_dir.is_relative()) c.output_dir = (base_dir / c.output_dir).lexically_normal();
    if (const auto* st = r.find("state")) {
        object_reader s(*st, "/state", base_dir);
        if (auto p = s.path("path")) c.state_path = *p;
        // At least the ranker's window (30 days), which reads the recent days whole.
        if (auto k = s.integer("keep_days", 30, 36500)) c.keep_days = static_cast<int>(*k);
        s.finish();
    }
    if (c.state_path.is_relative()) c.state_path = (base_dir / c.state_path).lexically_normal();
}

void read_schedule(object_reader& r, schedule_config& out, const fs::path& base_dir) {
    const auto* sc = r.find("schedule");
    if (!sc) return;
    object_reader s(*sc, "/schedule", base_dir);
    if (auto t = s.string("time")) {
        if (!parse_clock_time(*t)) fail("/schedule/time", "expected HH:MM or HH:MM:SS (24-hour clock), got '" + *t + "'");
        out.time = *t;
    }
    const auto secs = [&](const char* key, double per_unit) -> std::optional<std::chrono::seconds> {
        const auto v = s.number(key, 0.0);
        if (!v) return std::nullopt;
        if (*v * per_unit < 1) fail(std::string("/schedule/") + key, "must be at least one second");
        return std::chrono::seconds(static_cast<long long>(*v * per_unit));
    };
    if (auto v = secs("retry_every_minutes", 60)) out.retry_every = *v;
    if (auto v = secs("give_up_after_minutes", 60)) out.give_up_after = *v;
    if (auto v = secs("shutdown_timeout_seconds", 1)) out.shutdown_timeout = *v;
    if (auto tz = s.string("timezone")) {
        if (!is_known_time_zone(*tz)) fail("/schedule/timezone", "unknown IANA time zone '" + *tz + "'");
        out.timezone = *tz;
    }
    if (auto b = s.boolean("backfill")) out.backfill = *b;
    if (auto n = s.integer("backfill_max_days", 1, 31)) out.backfill_max_days = static_cast<int>(*n);
    s.finish();
}

void read_server(object_reader& r, config& c, const fs::path& base_dir) {
    const auto* sv = r.find("server");
    if (!sv) return;
    object_reader s(*sv, "/server", base_dir);
    if (auto l = s.string("listen")) {
        const auto colon = l->rfind(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == l->size()) fail("/server/listen", "expected HOST:PORT, e.g. 127.0.0.1:8421");
        c.server_listen = *l;
    }
    if (auto u = s.string("public_url")) {
        const bool ok = (u->starts_with("https://") || u->starts_with("http://")) && u->find_first_of(" \"'<>\\") == std::string::npos;
        if (!ok) fail("/server/public_url", "expected an http(s) URL such as https://digest.example.org");
        c.public_url = *u;
    }
    s.finish();
}

}  // namespace paperboy::config_reader
