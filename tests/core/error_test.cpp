#include "core/error.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("error codes belong to the paperboy category and read well") {
    const boost::system::error_code ec = errc::feed_stale;
    CHECK(std::string(ec.category().name()) == "paperboy");
    CHECK(ec.message() == "feed not updated yet");
    CHECK(make_error(errc::feed_malformed, "at byte 5").message() == "malformed feed: at byte 5");
}

TEST_CASE("each code says whether retrying can help") {
    CHECK(make_error(errc::network, "").transient());
    CHECK(make_error(errc::timeout, "").transient());
    CHECK(make_error(errc::feed_stale, "").transient());
    CHECK_FALSE(make_error(errc::feed_malformed, "").transient());
    CHECK_FALSE(make_error(errc::feed_rejected, "").transient());
    CHECK_FALSE(make_error(errc::config_invalid, "").transient());
}

TEST_CASE("result<T>::value() throws failure carrying the error") {
    result<int> r = make_error(errc::io, "disk full");
    try {
        (void)r.value();
        FAIL("value() did not throw");
    } catch (const failure& f) {
        CHECK(f.err().code == errc::io);
        CHECK(std::string(f.what()) == "file error: disk full");
    }
}
