#include "arxiv/feed_parser.hpp"
#include "core/files.hpp"
#include "support/fake_http_server.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <mutex>

using namespace paperboy;
using nlohmann::json;
using test::recorded_request;
using test::run_paperboy;
using test::scripted_response;

namespace {

std::string xml(const std::string& s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

// export.arxiv.org for one day's listing, paged: the 1,200 papers of the fixture day
// 2025-07-08 for Tuesday's window, none for any other; the second page comes back empty once
// (the API's known hiccup) and the first request meets a 429.
struct fake_arxiv_api {
    std::vector<paper> papers = parse_feed(read_file(test::source_dir() / "../shared/fixtures/days/2025-07-08/feed.xml").value()).value().papers;
    std::mutex m;
    int calls = 0;
    bool empty_served = false;
    test::fake_http_server server{[this](const recorded_request& r) { return answer(r); }};

    scripted_response answer(const recorded_request& r) {
        std::lock_guard lock(m);
        if (++calls == 1) return {429, "Rate exceeded.", {{"Retry-After", "1"}}};
        const auto param = [&](const std::string& name) {
            const auto at = r.target.find(name + "=");
            return at == std::string::npos ? std::string() : r.target.substr(at + name.size() + 1, r.target.find('&', at) - at - name.size() - 1);
        };
        const auto start = std::stoul(param("start")), max = std::stoul(param("max_results"));
        const bool tuesday = param("search_query").find("submittedDate:%5B202507041800+TO+202507071759%5D") != std::string::npos;
        const std::size_t total = tuesday ? papers.size() : 0;
        std::string feed = R"(<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">)";
        feed += "<opensearch:totalResults>" + std::to_string(total) + "</opensearch:totalResults>";
        const bool hiccup = start > 0 && !empty_served;
        empty_served = empty_served || hiccup;
        for (std::size_t i = start; !hiccup && i < total && i < start + max; ++i) {
            const auto& p = papers[i];
            feed += "<entry><id>http://arxiv.org/abs/" + p.id + "v" + std::to_string(p.version) + "</id><title>" + xml(p.title) +
                    "</title><summary>" + xml(p.abstract) + "</summary>";
            for (const auto& a : p.authors) feed += "<author><name>" + xml(a) + "</name></author>";
            for (const auto& c : p.categories) feed += "<category term=\"" + xml(c) + "\"/>";
            feed += "</entry>";
        }
        return {200, feed + "</feed>", {{"Content-Type", "application/atom+xml"}}};
    }
};

}  // namespace

TEST_CASE("backfill: a missed day is rebuilt from a paged arXiv API, politely, reported and delivered once, marked as backfilled") {
    fake_arxiv_api api;
    std::vector<recorded_request> posts;
    std::mutex pm;
    test::fake_http_server hook([&](const recorded_request& r) {
        std::lock_guard lock(pm);
        posts.push_back(r);
        return scripted_response{204, "", {}};
    });
    test::temp_dir dir;
    const json cfg{{"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file:///nonexistent/feed.xml"}, {"api_url", api.server.url("/api/query")}}},
                   {"profiles", {{{"name", "lab"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}, {"channels", {"hook"}}}}},
                   {"channels", {{"hook", {{"plugin", "webhook"}, {"url", hook.url("/in")}}}}},
                   {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
                   {"output", {{"dir", (dir / "out").string()}}},
                   {"state", {{"path", (dir / "state.db").string()}}}};
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
    const auto config = "--config '" + (dir / "paperboy.json").string() + "'";

    const auto r = run_paperboy("backfill " + config + " --from 2025-07-05 --to 2025-07-08");  // Saturday to Tuesday
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("2025-07-07: arXiv's API lists no paper for that day's window") != std::string::npos);
    CHECK(r.out.find("2025-07-08 [lab]: ") != std::string::npos);
    CHECK(r.err.find("1200 of 1200 papers") != std::string::npos);

    const auto reqs = api.server.requests();
    // Monday (1 request), Tuesday (the 429, 3 pages and the empty page asked again); none for the weekend.
    REQUIRE(reqs.size() == 6);
    for (std::size_t i = 1; i < reqs.size(); ++i) CHECK(reqs[i].received - reqs[i - 1].received >= std::chrono::milliseconds(2900));
    const auto report = json::parse(read_file(dir / "out/lab/2025-07-08.json").value());
    CHECK(report["stats"]["scanned"] == 1200);
    const auto md = read_file(dir / "out/lab/2025-07-08.md").value();
    CHECK(md.find("Backfilled from the arXiv API (this day's feed was missed): the papers first submitted from 2025-07-04 18:00 to 2025-07-07 17:59 UTC") !=
          std::string::npos);
    REQUIRE(posts.size() == 1);
    CHECK(json::parse(posts[0].body)["date"] == "2025-07-08");

    // Again: the day is stored and delivered; nothing is asked or sent twice.
    const auto again = run_paperboy("backfill " + config + " --from 2025-07-08");
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("2025-07-08: already stored") != std::string::npos);
    CHECK(api.server.requests().size() == 6);
    CHECK(posts.size() == 1);

    CHECK(run_paperboy("backfill " + config + " --from 2025-07-08 --to 2025-07-01").exit_code == 2);
    CHECK(run_paperboy("backfill " + config + " --from 2099-01-01").err.find("--to must be a past day") != std::string::npos);
}
