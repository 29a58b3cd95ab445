// Header-only C++ helper for writing paperboy plugins against plugin.h.
//
//   class my_plugin {
//   public:
//       my_plugin(paperboy::sdk::host host, std::string_view config_json);  // throws sdk::plugin_error
//       std::string call(std::string_view request_json);                     // throws sdk::plugin_error
//   };
//   PAPERBOY_DEFINE_PLUGIN(my_plugin, "my_plugin", "1.0", PB_KIND_LLM, R"([{"key": ...}])")
//
// The macro generates the C entry point and the create/destroy/call functions, each behind an
// exception barrier: sdk::plugin_error becomes its status and message, any other exception
// PB_INTERNAL. Compile plugins with hidden visibility; the macro exports only pb_plugin_entry.
#pragma once

#include "paperboy/plugin.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace paperboy::sdk {

/// Thrown by plugin code to return a specific status. `out_json`, when not empty, is written to
/// the call's output even though the call failed (hints such as {"retry_after_ms": 2000}).
struct plugin_error : std::exception {
    plugin_error(pb_status s, std::string msg, std::string out = {})
        : status(s), message(std::move(msg)), out_json(std::move(out)) {}
    const char* what() const noexcept override { return message.c_str(); }
    pb_status status;
    std::string message;
    std::string out_json;
};

/// `text` with every occurrence of `secret` replaced by "[redacted]", for error messages that
/// may echo what a plugin sent (providers do echo keys). Secrets shorter than 4 characters are
/// left alone: replacing them would mangle ordinary text and hide nothing.
inline std::string redact(std::string text, std::string_view secret) {
    if (secret.size() < 4) return text;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
        text.replace(pos, secret.size(), "[redacted]");
    }
    return text;
}

/// `text` with &, <, >, " and ' as HTML entities: safe in element content and quoted
/// attributes. For plugins that build HTML from digest text (all of it untrusted).
inline std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

/// The one place where an untrusted duration (a Retry-After header, a JSON hint, a timeout in
/// the settings) becomes an integer: `value_ms` rounded and capped at `max_ms` (+inf too); nullopt
/// for NaN and negative values, which no peer can mean (casting them is undefined behaviour).
inline std::optional<std::int64_t> clamp_ms(double value_ms, std::int64_t max_ms = 86'400'000) {
    if (std::isnan(value_ms) || value_ms < 0) return std::nullopt;
    if (value_ms >= static_cast<double>(max_ms)) return max_ms;
    return static_cast<std::int64_t>(value_ms + 0.5);
}

/// A timeout setting in seconds as milliseconds: nullopt unless it is more than 0 and at most
/// an hour (the range every plugin's *timeout_seconds key documents).
inline std::optional<std::uint32_t> timeout_setting_ms(double seconds) {
    const auto ms = clamp_ms(seconds * 1000.0, 3'600'001);
    if (!ms || *ms < 1 || *ms > 3'600'000) return std::nullopt;
    return static_cast<std::uint32_t>(*ms);
}

/// A plain decimal number as text ("2", "1.5", "6e95", surrounding blanks allowed); nullopt
/// for anything else (an HTTP-date, "soon", "inf", "nan", trailing bytes). Out-of-range
/// magnitudes (1e400) read as infinities, which clamp_ms then refuses or caps by sign.
inline std::optional<double> number_text(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.empty() || !(text.front() == '-' || text.front() == '.' || (text.front() >= '0' && text.front() <= '9'))) return std::nullopt;
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ptr != text.data() + text.size()) return std::nullopt;
    if (ec == std::errc::result_out_of_range) return text.front() == '-' ? -1.0 : std::numeric_limits<double>::infinity();
    if (ec != std::errc{}) return std::nullopt;
    return value;
}

/// A Retry-After style number of seconds as text, as clamp_ms milliseconds.
inline std::optional<std::int64_t> seconds_text_to_ms(std::string_view text, std::int64_t max_ms = 86'400'000) {
    const auto seconds = number_text(text);
    if (!seconds) return std::nullopt;
    return clamp_ms(*seconds * 1000.0, max_ms);
}

/// Whether a call's request is the host's probe ({"schema": 1, "kind": "probe"}, sent by
/// `paperboy check --probe`): make one harmless real request to the service and answer
/// {"ok": true, "detail": "..."} (or throw plugin_error saying what failed). A plugin that has
/// no harmless call answers {"ok": true, "skipped": true, "detail": "why"}.
inline bool is_probe(std::string_view request_json) {
    return request_json.find("\"kind\"") != std::string_view::npos && request_json.find("\"probe\"") != std::string_view::npos &&
           request_json.size() < 64;
}

struct http_result {
    pb_status status = PB_INTERNAL;   // transport outcome; PB_OK when an HTTP answer arrived
    int http_status = 0;
    std::string body;
    std::string headers_json;         // {"retry-after": "2", ...}, lower-case names
    std::string error;                // transport failure reason
};

/// The host services, as C++.
class host {
public:
    explicit host(const pb_host_api* api) : api_(api) {}

    void log(pb_log_level level, std::string_view message) const {
        if (api_ && api_->log) api_->log(api_->host_ctx, level, {message.data(), message.size()});
    }

    http_result http(std::string_view method, std::string_view url, std::string_view headers_json, std::string_view body,
                     std::uint32_t timeout_ms) const {
        http_result r;
        if (!api_ || !api_->http || api_->struct_size < offsetof(pb_host_api, http) + sizeof(api_->http)) {
            r.error = "the host offers no HTTP service";
            return r;
        }
        const pb_http_request req{{method.data(), method.size()},
                                  {url.data(), url.size()},
                                  {headers_json.data(), headers_json.size()},
                                  {body.data(), body.size()},
                                  timeout_ms};
        pb_sink body_sink{&r.body, &append};
        pb_sink header_sink{&r.headers_json, &append};
        pb_error err{};
        r.status = api_->http(api_->host_ctx, &req, &r.http_status, &body_sink, &header_sink, &err);
        if (r.status != PB_OK) r.error = err.message;
        return r;
    }

    /// Reports a channel call's progress (plugin.h: progress); a no-op for hosts without it.
    void progress(std::string_view progress_json) const {
        if (api_ && api_->struct_size >= offsetof(pb_host_api, progress) + sizeof(api_->progress) && api_->progress) {
            api_->progress(api_->host_ctx, {progress_json.data(), progress_json.size()});
        }
    }

private:
    static void append(void* user, pb_str bytes) { static_cast<std::string*>(user)->append(bytes.ptr, bytes.len); }
    const pb_host_api* api_;
};

namespace detail {

inline void set_error(pb_error* err, std::string_view message) {
    if (!err) return;
    const auto n = std::min(message.size(), sizeof(err->message) - 1);
    std::memcpy(err->message, message.data(), n);
    err->message[n] = '\0';
}

inline void write(pb_sink* out, std::string_view bytes) {
    if (out && out->write && !bytes.empty()) out->write(out->user, {bytes.data(), bytes.size()});
}

template <class Plugin>
pb_status create(const pb_host_api* api, pb_str config, void** out_instance, pb_error* err) noexcept {
    try {
        *out_instance = new Plugin(host(api), std::string_view(config.ptr, config.len));
        return PB_OK;
    } catch (const plugin_error& e) {
        set_error(err, e.message);
        return e.status;
    } catch (const std::exception& e) {
        set_error(err, std::string("create failed: ") + e.what());
        return PB_INTERNAL;
    } catch (...) {
        set_error(err, "create failed with an unknown exception");
        return PB_INTERNAL;
    }
}

template <class Plugin>
void destroy(void* instance) noexcept {
    delete static_cast<Plugin*>(instance);
}

template <class Plugin>
pb_status call(void* instance, pb_str request, pb_sink* out, pb_error* err) noexcept {
    try {
        write(out, static_cast<Plugin*>(instance)->call(std::string_view(request.ptr, request.len)));
        return PB_OK;
    } catch (const plugin_error& e) {
        write(out, e.out_json);
        set_error(err, e.message);
        return e.status;
    } catch (const std::exception& e) {
        set_error(err, std::string("call failed: ") + e.what());
        return PB_INTERNAL;
    } catch (...) {
        set_error(err, "call failed with an unknown exception");
        return PB_INTERNAL;
    }
}

}  // namespace detail
}  // namespace paperboy::sdk

#define PAPERBOY_DEFINE_PLUGIN(Class, Name, Version, Kind, ConfigDocJson)                                 \
    extern "C" __attribute__((visibility("default"))) const pb_plugin* pb_plugin_entry(uint32_t host_abi) { \
        static const pb_plugin descriptor{PB_PLUGIN_ABI_VERSION,                                           \
                                          sizeof(pb_plugin),                                               \
                                          Name,                                                            \
                                          Version,                                                         \
                                          Kind,                                                            \
                                          ConfigDocJson,                                                   \
                                          &::paperboy::sdk::detail::create<Class>,                         \
                                          &::paperboy::sdk::detail::destroy<Class>,                        \
                                          &::paperboy::sdk::detail::call<Class>};                          \
        return host_abi == PB_PLUGIN_ABI_VERSION ? &descriptor : nullptr;                                  \
    }
