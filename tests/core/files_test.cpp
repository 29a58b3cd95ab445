#include "core/files.hpp"

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("atomic writes create folders, replace content and leave no temporary files") {
    test::temp_dir dir;
    const auto target = dir / "a/b/report.md";
    REQUIRE(write_file_atomic(target, "first").has_value());
    REQUIRE(write_file_atomic(target, "second").has_value());
    CHECK(read_file(target).value() == "second");
    int entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(target.parent_path())) {
        (void)e;
        ++entries;
    }
    CHECK(entries == 1);
}

TEST_CASE("file errors name the path and the reason") {
    test::temp_dir dir;
    const auto missing = read_file(dir / "missing.txt");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == errc::io);
    CHECK(missing.error().detail.find("missing.txt") != std::string::npos);

    REQUIRE(write_file_atomic(dir / "plain", "x").has_value());
    const auto blocked = write_file_atomic(dir / "plain/child.md", "x");  // parent is a file
    REQUIRE_FALSE(blocked.has_value());
    CHECK(blocked.error().detail.find("plain") != std::string::npos);
}
