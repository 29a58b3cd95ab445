#include "core/error.hpp"

namespace paperboy {
namespace {

class category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "paperboy"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::config_invalid: return "invalid configuration";
            case errc::usage: return "invalid command line";
            case errc::feed_malformed: return "malformed feed";
            case errc::feed_rejected: return "feed request rejected";
            case errc::feed_stale: return "feed not updated yet";
            case errc::feed_date_mismatch: return "feed is for another day";
            case errc::network: return "network error";
            case errc::timeout: return "timed out";
            case errc::http_status: return "unexpected HTTP status";
            case errc::body_too_large: return "response too large";
            case errc::io: return "file error";
            case errc::state: return "state database error";
            case errc::scorer: return "scoring failed";
            case errc::plugin: return "plugin error";
            case errc::not_found: return "not found";
        }
        return "unknown paperboy error";
    }
};

}  // namespace

const boost::system::error_category& paperboy_category() noexcept {
    static const category_impl instance;
    return instance;
}

retry default_retry(errc e) noexcept {
    switch (e) {
        case errc::network:
        case errc::timeout:
        case errc::feed_stale:
            return retry::may_help;
        default:
            return retry::futile;
    }
}

std::string error::message() const {
    auto text = make_error_code(code).message();
    if (!detail.empty()) {
        text += ": ";
        text += detail;
    }
    return text;
}

void throw_exception_from_error(const error& e, const boost::source_location&) {
    throw failure(e);
}

}  // namespace paperboy
