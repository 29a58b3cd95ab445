// Typed errors for paperboy. Codes drive control flow (retry or not, exit status); the
// human detail travels beside the code in `paperboy::error`.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace paperboy {

enum class errc {
    config_invalid = 1,   // the configuration is wrong; fix it and start again
    usage,                // the command line is wrong
    feed_malformed,       // the feed is not well-formed RSS (truncated, garbage)
    feed_rejected,        // arXiv answered with an error feed (bad category, HTTP 4xx)
    feed_stale,           // the feed still carries an older announcement day
    feed_date_mismatch,   // the feed is for a later day than the one asked for
    network,              // resolve/connect/TLS/read failed
    timeout,              // a deadline expired
    http_status,          // an unexpected HTTP status (5xx, 429: transient; others: permanent)
    body_too_large,       // a response exceeded its size cap
    io,                   // a local file could not be read or written
    state,                // the SQLite state is unusable (corrupt, locked, unwritable)
    scorer,               // the scorer failed in a way that is not a transport error
    plugin,               // a plugin could not be loaded, or failed (the hint says whether to retry)
    not_found,            // what the command asks about is not there (a day not stored, an unknown paper)
};

/// The category of paperboy's error codes (name "paperboy").
const boost::system::error_category& paperboy_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), paperboy_category()};
}

/// Whether repeating the same operation later may succeed.
enum class retry { may_help, futile };

/// A failure: what went wrong (`code`), for a human (`detail`), and whether a retry can help.
/// `detail` never contains secrets: callers redact before constructing.
struct error {
    errc code = errc::io;
    std::string detail;
    retry retry_hint = retry::futile;

    bool transient() const noexcept { return retry_hint == retry::may_help; }
    /// "<category message>: <detail>"
    std::string message() const;
};

/// The default retry hint of a code (network/timeout/stale: may help; the rest: futile).
retry default_retry(errc e) noexcept;

inline std::ostream& operator<<(std::ostream& os, const error& e) { return os << e.message(); }

inline error make_error(errc code, std::string detail) {
    return error{code, std::move(detail), default_retry(code)};
}

/// Thrown where a failure must cross a boundary that cannot return a result (the CLI catches it).
class failure : public std::runtime_error {
public:
    explicit failure(error e) : std::runtime_error(e.message()), error_(std::move(e)) {}
    const paperboy::error& err() const noexcept { return error_; }

private:
    paperboy::error error_;
};

template <class T>
using result = boost::system::result<T, error>;

/// Lets `result<T>::value()` throw `failure` for our error type (found by ADL).
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

}  // namespace paperboy

template <>
struct boost::system::is_error_code_enum<paperboy::errc> : std::true_type {};
