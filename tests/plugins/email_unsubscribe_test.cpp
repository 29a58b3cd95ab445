#include "job/daily_run.hpp"

#include "core/files.hpp"
#include "feedback/vote_server.hpp"
#include "state/state_store.hpp"
#include "support/process.hpp"
#include "support/smtp_server.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using nlohmann::json;
using test::smtp_server;
using test::temp_dir;

namespace {

std::string header(const std::filesystem::path& eml, const std::string& name) {
    const auto mail = test::parse_mail(eml);  // kept: a range-for over a temporary's member would dangle
    for (const auto& h : mail["headers"]) {
        if (h[0] == name) return h[1];
    }
    return "<absent>";
}

}  // namespace

TEST_CASE("email: each recipient gets a signed one-click List-Unsubscribe, and once used, no further digest") {
    temp_dir dir;
    smtp_server server;
    const json cfg_json{
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}}},
        {"profiles", {{{"name", "golden"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}, {"channels", {"mail"}}}}},
        {"channels", {{"mail", {{"plugin", "email"}, {"smtp_url", server.url()}, {"tls", "none"}, {"from", "paperboy <digest@lab.example.org>"},
                                {"to", {"ada@example.org", "Grace Hopper <grace@example.org>"}}}}}},
        {"server", {{"public_url", "https://digest.lab.example.org/"}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}}};
    write_file_atomic(dir / "paperboy.json", cfg_json.dump(2)).value();
    const auto cfg = load_config(dir / "paperboy.json").value();
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-23")});
    REQUIRE(summary.profiles[0].deliveries[0].delivered);
    const auto first = server.messages();
    REQUIRE(first.size() == 2);
    std::map<std::string, std::string> links;
    for (const auto& m : first) {
        const auto value = header(m.eml, "List-Unsubscribe");
        CHECK(header(m.eml, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click");
        CHECK(value.find("<mailto:digest@lab.example.org?subject=unsubscribe%20golden>") != std::string::npos);  // still offered
        const auto start = value.find("<https://") + 1;
        links[m.rcpt_tos.at(0)] = value.substr(start, value.find('>') - start);
    }
    const auto& grace = links.at("grace@example.org");
    CHECK(grace.starts_with("https://digest.lab.example.org/unsubscribe?p=golden&c=mail&a=grace%40example.org&s="));
    CHECK(links.at("ada@example.org").find("a=ada%40example.org") != std::string::npos);

    const auto query = grace.substr(grace.find('?') + 1);
    const auto serve = [&](const std::string& method, const std::string& q, const std::string& body) {
        return serve_site(cfg, {.method = method, .path = "/unsubscribe", .query = q, .body = body, .if_none_match = {}, .if_modified_since = {}});
    };
    // A scanner that follows the link unsubscribes nobody; an altered link is refused.
    const auto page = serve("GET", query, "");
    CHECK(page.status == 200);
    CHECK(page.body.find("<form method=\"post\" action=\"/unsubscribe\">") != std::string::npos);
    auto altered = query;
    altered.replace(altered.find("grace"), 5, "ada12");
    CHECK(serve("POST", altered, "List-Unsubscribe=One-Click").status == 403);
    CHECK(state_store(cfg.state_path).unsubscribed("golden", "mail").empty());
    // The mail provider's one-click POST (RFC 8058).
    const auto done = serve("POST", query, "List-Unsubscribe=One-Click");
    CHECK(done.status == 200);
    CHECK(state_store(cfg.state_path).unsubscribed("golden", "mail") == std::vector<std::string>{"grace@example.org"});

    // The digest sent again: only Ada gets it, and the receipt says why Grace did not.
    const auto again = test::run_paperboy("resend --config '" + (dir / "paperboy.json").string() + "' --date 2025-07-23 --profile golden");
    INFO(again.err);
    CHECK(again.exit_code == 0);
    const auto all = server.messages();
    REQUIRE(all.size() == 3);
    std::size_t to_grace = 0;
    for (const auto& m : all) to_grace += m.rcpt_tos.at(0) == "grace@example.org";
    CHECK(to_grace == 1);
}
