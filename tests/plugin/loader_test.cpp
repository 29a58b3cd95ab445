#include "plugin/loader.hpp"

#include <catch2/catch.hpp>

#include <cstdio>

using namespace paperboy;

namespace {
const std::filesystem::path fixtures = PAPERBOY_TEST_PLUGIN_DIR;
std::string load_error(const std::string& file) {
    const auto r = loaded_plugin::load(fixtures / file);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::plugin);
    return r.error().detail;
}
}  // namespace

TEST_CASE("a complete plugin loads, creates an instance and answers calls") {
    const auto p = loaded_plugin::load(fixtures / "ok_minimal.so").value();
    CHECK(p->name() == "ok_minimal");
    CHECK(p->kind() == PB_KIND_LLM);
    auto inst = plugin_instance::create(p, "{}").value();
    const auto r = inst->call("hello");
    CHECK(r.status == PB_OK);
    CHECK(r.output == "hello");
}

TEST_CASE("broken plugins are refused with a message that says what is wrong") {
    CHECK(load_error("missing.so").find("no such file") != std::string::npos);
    CHECK(load_error("no_entry.so").find("no pb_plugin_entry symbol") != std::string::npos);
    CHECK(load_error("wrong_abi.so").find("another plugin ABI") != std::string::npos);
    CHECK(load_error("short_struct.so").find("incomplete plugin descriptor") != std::string::npos);
    CHECK(load_error("").find("not a regular file") != std::string::npos);
}

TEST_CASE("exceptions inside a plugin become statuses at the boundary") {
    const auto p = loaded_plugin::load(fixtures / "throws.so").value();
    const auto bad = plugin_instance::create(p, R"({"bad": true})");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code == errc::config_invalid);
    CHECK(bad.error().detail.find("bad: must not be true") != std::string::npos);

    const auto crash = plugin_instance::create(p, R"({"crash": true})");
    REQUIRE_FALSE(crash.has_value());
    CHECK(crash.error().detail.find("boom in create") != std::string::npos);

    auto inst = plugin_instance::create(p, "{}").value();
    const auto transient = inst->call("transient");
    CHECK(transient.status == PB_TRANSIENT);
    CHECK(transient.output == R"({"retry_after_ms": 1500})");
    const auto internal = inst->call("anything");
    CHECK(internal.status == PB_INTERNAL);
    CHECK(internal.message.find("boom in call") != std::string::npos);
}

TEST_CASE("plugins are found by name in the search path, and only by a plugin name") {
    CHECK(find_plugin("ok_minimal", {"/nonexistent", fixtures}).value() == fixtures / "ok_minimal.so");
    const auto missing = find_plugin("nope", {fixtures});
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().detail.find(fixtures.string()) != std::string::npos);
    CHECK_FALSE(find_plugin("../ok_minimal", {fixtures}).has_value());
    std::vector<std::string> problems;
    const auto found = discover_plugins({fixtures}, problems);
    CHECK(found.size() == 2);  // ok_minimal and throws
    CHECK(problems.size() == 3);
}

TEST_CASE("the built plugins export nothing but their entry point") {
    const std::filesystem::path plugin = std::filesystem::path(PAPERBOY_PLUGIN_BUILD_DIR) / "openai.so";
    const auto cmd = "nm -D --defined-only '" + plugin.string() + "' | awk '{print $NF}' | sort";
    std::string exported;
    if (FILE* pipe = ::popen(cmd.c_str(), "r")) {
        char buf[512];
        while (std::fgets(buf, sizeof buf, pipe)) exported += buf;
        ::pclose(pipe);
    }
    CHECK(exported == "pb_plugin_entry\n");
}
