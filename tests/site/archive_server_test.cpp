#include "site/archive_server.hpp"

#include "core/files.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("archive server: HTTP dates both ways, malformed ones refused") {
    CHECK(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(http_date(1'796'137'445) == "Tue, 01 Dec 2026 15:04:05 GMT");
    CHECK(parse_http_date("Tue, 01 Dec 2026 15:04:05 GMT") == 1'796'137'445);
    CHECK_FALSE(parse_http_date("Tuesday, 01-Dec-26 15:04:05 GMT"));
    CHECK_FALSE(parse_http_date("Tue, 01 Dec 2026 15:04:05 CET"));
    CHECK_FALSE(parse_http_date("Tue, 32 Dec 2026 15:04:05 GMT"));
    CHECK_FALSE(parse_http_date(""));
}

TEST_CASE("archive server: a file carries its ETag, a matching If-None-Match is 304, a changed file is not") {
    test::temp_dir dir;
    REQUIRE(write_file_atomic(dir / "lab/site/index.html", "<p>one</p>\n").has_value());
    const auto first = serve_archive(dir.path(), {"lab"}, "/lab/");
    REQUIRE(first.status == 200);
    CHECK(first.body == "<p>one</p>\n");
    CHECK(first.etag.size() == 18);
    CHECK(parse_http_date(first.last_modified).has_value());
    const auto same = serve_archive(dir.path(), {"lab"}, "/lab/", first.etag);
    CHECK(same.status == 304);
    CHECK(same.body.empty());
    CHECK(serve_archive(dir.path(), {"lab"}, "/lab/", "W/" + first.etag + ", \"other\"").status == 304);
    CHECK(serve_archive(dir.path(), {"lab"}, "/lab/", {}, first.last_modified).status == 304);
    CHECK(serve_archive(dir.path(), {"lab"}, "/lab/", {}, "Thu, 01 Jan 1970 00:00:00 GMT").status == 200);
    CHECK(serve_archive(dir.path(), {"lab"}, "/lab/", {}, "not a date").status == 200);
    REQUIRE(write_file_atomic(dir / "lab/site/index.html", "<p>two</p>\n").has_value());
    const auto changed = serve_archive(dir.path(), {"lab"}, "/lab/", first.etag);
    CHECK(changed.status == 200);
    CHECK(changed.etag != first.etag);
    CHECK(serve_archive(dir.path(), {"lab"}, "/lab/missing.html", first.etag).status == 404);  // no 304 for what is not there
}
