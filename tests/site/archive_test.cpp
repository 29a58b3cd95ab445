// The web archive end to end: three fixture days (two from ../shared/fixtures/days, one made
// with ../shared/tools/make_fixture.py) and the hostile feed are run, `paperboy serve` serves
// the sites on 127.0.0.1, and headless Chromium (Debian's chromium) loads the pages and
// follows their links.
#include "job/daily_run.hpp"
#include "site/site.hpp"

#include "core/files.hpp"
#include "support/child_process.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "net/http_client.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <regex>
#include <thread>

using namespace paperboy;
using namespace std::chrono_literals;
using nlohmann::json;
using test::temp_dir;

namespace {

const std::filesystem::path shared_days = test::source_dir() / "../shared/fixtures/days";

// What Chromium makes of the page: the DOM after loading it.
// A profile folder of its own: CI may run without $HOME.
const test::temp_dir& chromium_profile() {
    static const test::temp_dir profile;
    return profile;
}

std::string chromium() {
    return "chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run --user-data-dir='" +
           chromium_profile().path().string() + "'";
}

std::string chromium_dom(const std::string& url) { return test::shell_output(chromium() + " --dump-dom '" + url + "' 2>/dev/null"); }

void chromium_screenshot(const std::string& url, const std::filesystem::path& png, const std::string& size = "1000,1400") {
    test::shell_output(chromium() + " --hide-scrollbars --window-size=" + size + " --screenshot='" + png.string() + "' '" + url + "' >/dev/null 2>&1");
}

std::string href_of(const std::string& dom, const std::string& label) {
    std::smatch m;
    const std::regex link("<a[^>]*href=\"([^\"]+)\"[^>]*>" + label);
    return std::regex_search(dom, m, link) ? m[1].str() : std::string();
}

json day_config(const temp_dir& dir, const std::filesystem::path& day_dir) {
    return {
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + (day_dir / "feed.xml").string()}}},
        {"profiles", {{{"name", "golden"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}}}},
        {"llm", {{"plugin", "replay"}, {"model", "gpt-4o"}, {"answers_file", (day_dir / "answers.json").string()}}},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
        {"server", {{"listen", "127.0.0.1:0"}}},
    };
}

}  // namespace

TEST_CASE("archive: only the pages that change are rewritten, rebuild-site regenerates everything") {
    temp_dir dir;
    const auto cfg = parse_config(day_config(dir, shared_days / "2025-07-23").dump(), dir.path()).value();
    run_day(cfg, {.date = parse_iso_day("2025-07-23")});
    const auto site = dir / "out/golden/site";
    for (const auto* f : {"index.html", "2025-07-23.html", "2025-07.html", "atom.xml", "style.css"}) CHECK(std::filesystem::exists(site / f));
    const auto again = build_site(dir / "out/golden", "golden", "");
    CHECK(again.written == 0);
    CHECK(again.unchanged == 5);
    std::filesystem::remove(site / "2025-07.html");
    write_file_atomic(dir / "paperboy.json", day_config(dir, shared_days / "2025-07-23").dump()).value();
    const auto out = test::shell_output("'" + test::paperboy_binary().string() + "' rebuild-site --config '" + (dir / "paperboy.json").string() + "' 2>&1");
    CHECK(out.find("golden: 1 days, 1 pages written, 4 unchanged") != std::string::npos);
    const auto atom = read_file(site / "atom.xml").value();
    CHECK(atom.find("<entry>") != std::string::npos);
    CHECK(atom.find("<link rel=\"alternate\" href=\"2025-07-23.html\"/>") != std::string::npos);
    CHECK(atom.find("<id>urn:paperboy:golden:2025-07-23</id>") != std::string::npos);  // no public URL: a local id
    CHECK(atom.find("rel=\"self\"") == std::string::npos);
    // With a public URL: tag: ids unique across installations, and the feed's own address.
    build_site(dir / "out/golden", "golden", "https://Digest.Example.org:8443/papers/");
    const auto published = read_file(site / "atom.xml").value();
    CHECK(published.find("<id>tag:digest.example.org,2025:paperboy/golden</id>") != std::string::npos);
    CHECK(published.find("<id>tag:digest.example.org,2025-07-23:paperboy/golden</id>") != std::string::npos);
    CHECK(published.find("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://Digest.Example.org:8443/papers/golden/atom.xml\"/>") !=
          std::string::npos);
}

TEST_CASE("archive: a new day renders only the pages it changes, and they are the pages a full rebuild makes") {
    temp_dir dir;
    const auto cfg = parse_config(day_config(dir, shared_days / "2025-07-23").dump(), dir.path()).value();
    run_day(cfg, {.date = parse_iso_day("2025-07-23")});
    const auto profile_dir = dir / "out/golden";
    const auto report = read_file(profile_dir / "2025-07-23.json").value();
    for (const auto* d : {"2025-05-30", "2025-06-02", "2025-06-30", "2025-07-01", "2025-07-22"}) {
        write_file_atomic(profile_dir / (std::string(d) + ".json"), report).value();
    }
    build_site(profile_dir, "golden", "");
    const auto old_page = std::filesystem::last_write_time(profile_dir / "site/2025-06-02.html");

    write_file_atomic(profile_dir / "2025-08-01.json", report).value();
    const auto r = build_site(profile_dir, "golden", "", "", std::string("2025-08-01"));
    CHECK(r.days == 7);
    // The day, the one before it (its "next" link), the new month and the one before, index, feed.
    CHECK(r.written == 6);
    CHECK(r.written + r.unchanged < 7 + 4 + 3);  // pages of older days and months are not even rendered
    CHECK(std::filesystem::exists(profile_dir / "site/2025-08.html"));
    CHECK(std::filesystem::last_write_time(profile_dir / "site/2025-06-02.html") == old_page);
    const auto full = build_site(profile_dir, "golden", "");
    CHECK(full.written == 0);  // the incremental pages are exactly what a full rebuild makes

    // A day inside a month already there leaves the neighbouring months unrendered: their
    // links did not change.
    write_file_atomic(profile_dir / "2025-08-04.json", report).value();
    const auto inside = build_site(profile_dir, "golden", "", "", std::string("2025-08-04"));
    CHECK(inside.written + inside.unchanged == 2 + 1 + 2 + 1);  // two day pages, the month, index, feed, style
    CHECK(build_site(profile_dir, "golden", "").written == 0);
}

TEST_CASE("archive: served by paperboy serve and browsed with headless Chromium, traversal is refused") {
    REQUIRE(std::filesystem::exists(shared_days / "2025-07-08/feed.xml"));
    temp_dir dir;
    // A third day from the sample report, dated 2025-07-24, made with make_fixture.py.
    auto sample = read_file(test::source_dir() / "../shared/samples/report-2025-07-23.md").value();
    sample.replace(sample.find("2025-07-23"), 10, "2025-07-24");
    write_file_atomic(dir / "report-2025-07-24.md", sample).value();
    test::shell_output("/usr/bin/python3 '" + (test::source_dir() / "../shared/tools/make_fixture.py").string() + "' '" + (dir / "report-2025-07-24.md").string() +
          "' '" + (dir / "day-0724").string() + "' --total 300 --scanned 200 >/dev/null 2>&1");
    REQUIRE(std::filesystem::exists(dir / "day-0724/feed.xml"));

    const std::vector<std::pair<std::string, std::filesystem::path>> days{
        {"2025-07-08", shared_days / "2025-07-08"}, {"2025-07-23", shared_days / "2025-07-23"}, {"2025-07-24", dir / "day-0724"}};
    for (const auto& [date, day_dir] : days) {
        const auto cfg = parse_config(day_config(dir, day_dir).dump(), dir.path()).value();
        const auto s = run_day(cfg, {.date = parse_iso_day(date)});
        REQUIRE(s.profiles.at(0).stats.selected > 0);
    }
    // The hostile feed as a fourth day (offline scorer, everything selected).
    auto hostile = day_config(dir, test::data_dir() / "feeds");
    hostile["arxiv"]["feed_url"] = "file://" + (test::data_dir() / "feeds/hostile-2025-11-20.xml").string();
    hostile["llm"] = {{"plugin", "offline"}};
    hostile["profiles"][0]["keywords"] = {"sparse", "quantization", "representation learning", "abstract"};
    hostile["profiles"][0]["relevance_cutoff"] = 1;
    run_day(parse_config(hostile.dump(), dir.path()).value(), {.date = parse_iso_day("2025-11-20")});

    write_file_atomic(dir / "paperboy.json", day_config(dir, shared_days / "2025-07-23").dump()).value();
    const auto log = dir / "serve.log";
    test::child_process serve({test::paperboy_binary().string(), "serve", "--config", (dir / "paperboy.json").string()}, {}, log.string());
    std::string port;
    for (int i = 0; i < 500 && port.empty(); ++i) {
        std::smatch m;
        const auto text = read_file(log);
        const std::string t = text ? *text : std::string();
        if (std::regex_search(t, m, std::regex(R"(\(port (\d+)\))"))) port = m[1].str();
        else std::this_thread::sleep_for(20ms);
    }
    REQUIRE_FALSE(port.empty());
    const auto base = "http://127.0.0.1:" + port + "/golden/";

    // The index shows the latest day and lists the months.
    const auto index = chromium_dom(base);
    CHECK(index.find("Latest: <a href=\"2025-11-20.html\">2025-11-20</a>") != std::string::npos);
    CHECK(index.find("<a href=\"2025-07.html\">2025-07</a> (3 days)") != std::string::npos);

    // Previous / Next / Monthly from the middle day, as links Chromium sees.
    const auto mid = chromium_dom(base + "2025-07-23.html");
    CHECK(mid.find("<h1>Personalized Daily ArXiv Papers 2025-07-23</h1>") != std::string::npos);
    const auto prev = href_of(mid, "Previous Day"), next = href_of(mid, "Next Day"), month = href_of(mid, "Monthly Overview");
    REQUIRE(prev == "2025-07-08.html");
    REQUIRE(next == "2025-07-24.html");
    REQUIRE(month == "2025-07.html");
    CHECK(chromium_dom(base + prev).find("<h1>Personalized Daily ArXiv Papers 2025-07-08</h1>") != std::string::npos);
    CHECK(chromium_dom(base + next).find("<h1>Personalized Daily ArXiv Papers 2025-07-24</h1>") != std::string::npos);
    const auto month_dom = chromium_dom(base + month);
    CHECK(month_dom.find("<h1>July 2025</h1>") != std::string::npos);
    for (const auto* d : {"2025-07-08", "2025-07-23", "2025-07-24"}) CHECK(month_dom.find(std::string("<a href=\"") + d + ".html\">") != std::string::npos);

    // Every table-of-contents anchor lands on the article of that paper.
    const std::regex toc(R"re(<li><a href="#(paper-\d+)">([^<]+)</a>)re");
    int anchors = 0;
    for (auto it = std::sregex_iterator(mid.begin(), mid.end(), toc); it != std::sregex_iterator(); ++it) {
        const auto id = (*it)[1].str(), title = (*it)[2].str();
        const auto at = mid.find("<article id=\"" + id + "\">");
        REQUIRE(at != std::string::npos);
        const auto h2 = mid.substr(at, mid.find("</h2>", at) - at);
        CHECK(h2.find(title) != std::string::npos);
        ++anchors;
    }
    const auto report = json::parse(read_file(dir / "out/golden/2025-07-23.json").value());
    CHECK(anchors == static_cast<int>(report["papers"].size()));
    CHECK(anchors >= 17);

    // The hostile day: no live script, no javascript: link, text intact.
    const auto bad = chromium_dom(base + "2025-11-20.html");
    CHECK(bad.find("<script") == std::string::npos);
    CHECK(bad.find("href=\"javascript:") == std::string::npos);
    CHECK(bad.find("Schrödinger Bridges for Représentation Learning — 表示学习 🚀 with $\\mathcal{O}(n^2)$ cost") != std::string::npos);

    chromium_screenshot(base + "2025-07-23.html", dir / "day.png");
    chromium_screenshot(base + "2025-07.html", dir / "month.png", "1000,800");
    CHECK(std::filesystem::file_size(dir / "day.png") > 10'000);
    CHECK(std::filesystem::file_size(dir / "month.png") > 5'000);
    if (const char* keep = std::getenv("PAPERBOY_KEEP_SCREENSHOTS")) {  // scripts/capture-archive
        std::filesystem::copy_file(dir / "day.png", std::filesystem::path(keep) / "archive-day.png", std::filesystem::copy_options::overwrite_existing);
        std::filesystem::copy_file(dir / "month.png", std::filesystem::path(keep) / "archive-month.png", std::filesystem::copy_options::overwrite_existing);
    }

    // Path traversal and other paths outside the sites.
    const auto status = [&](const std::string& path) {
        auto r = net::request({.method = "GET", .url = "http://127.0.0.1:" + port + path, .headers = {}, .body = {}},
                              {.step_timeout = 5s, .total_timeout = 5s, .body_limit = 1 << 22, .max_redirects = 0, .user_agent = {}, .ca_file = {}});
        REQUIRE(r.has_value());
        return r->status;
    };
    CHECK(status("/golden/2025-07-23.html") == 200);
    CHECK(status("/golden/../../paperboy.json") == 400);
    CHECK(status("/golden/%2e%2e/%2e%2e/paperboy.json") == 400);
    CHECK(status("/golden/..%2f..%2fpaperboy.json") == 400);
    CHECK(status("/golden/%2E%2E%5Cstate.db") == 400);
    CHECK(status("/golden/2025-07-23.json") == 404);
    CHECK(status("/golden/state.db") == 404);
    CHECK(status("/nobody/index.html") == 404);
    CHECK(status("/golden/site/index.html") == 404);

    // A reader's feed client asks again every hour: an unchanged file is a 304 without a body.
    const auto get = [&](const std::string& path, std::vector<std::pair<std::string, std::string>> headers) {
        auto r = net::request({.method = "GET", .url = "http://127.0.0.1:" + port + path, .headers = std::move(headers), .body = {}},
                              {.step_timeout = 5s, .total_timeout = 5s, .body_limit = 1 << 22, .max_redirects = 0, .user_agent = {}, .ca_file = {}});
        REQUIRE(r.has_value());
        return *r;
    };
    const auto header = [](const net::http_response& r, const std::string& name) { return r.header(name); };
    const auto first = get("/golden/atom.xml", {});
    REQUIRE(first.status == 200);
    const auto etag = header(first, "etag"), modified = header(first, "last-modified");
    CHECK(etag.size() == 18);
    CHECK(modified.ends_with(" GMT"));
    CHECK(header(first, "cache-control") == "no-cache");
    const auto again = get("/golden/atom.xml", {{"If-None-Match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(get("/golden/atom.xml", {{"If-Modified-Since", modified}}).status == 304);
    CHECK(get("/golden/atom.xml", {{"If-None-Match", "\"0000000000000000\""}}).status == 200);
    CHECK(get("/golden/atom.xml", {{"If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"}}).status == 200);
}
