// bioRxiv and medRxiv beside arXiv: the posting window of a digest day, the API's pages read
// as untrusted JSON, the ids and links of each server, and one digest with both sources
// delivered to Slack from a fake api.biorxiv.org.
#include "preprints/biorxiv.hpp"

#include "paperboy/paper_ids.hpp"
#include "render/markdown.hpp"
#include "state/state_store.hpp"
#include "support/chat_days.hpp"
#include "support/fake_chat.hpp"
#include "support/fake_http_server.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;
using nlohmann::json;

namespace {

json entry(const std::string& doi, const std::string& title, const std::string& category = "neuroscience", const std::string& version = "1") {
    return {{"doi", doi},           {"title", title},       {"authors", "Curie, M.; Franklin, R.;  Hodgkin, A. "},
            {"author_corresponding", "Marie Curie"}, {"date", "2025-11-19"}, {"version", version},
            {"type", "new results"}, {"license", "cc_by"}, {"category", category},
            {"abstract", "We record  neural circuit activity\nin mice."}, {"published", "NA"}, {"server", "bioRxiv"}};
}

std::string page_body(const json& collection, std::size_t cursor, std::size_t total) {
    return json{{"messages", {{{"status", "ok"}, {"interval", "2025-11-19:2025-11-19"}, {"cursor", cursor}, {"count", collection.size()},
                               {"total", std::to_string(total)}}}},
                {"collection", collection}}
        .dump();
}

}  // namespace

TEST_CASE("biorxiv: a digest day carries the preprints posted since the previous weekday, each posting day once") {
    const auto w = [](const char* d) { return posting_window_for(*parse_iso_day(d)); };
    CHECK(format_iso_day(w("2025-11-18").from) == "2025-11-17");  // Tuesday: Monday's
    CHECK(format_iso_day(w("2025-11-18").to) == "2025-11-17");
    CHECK(format_iso_day(w("2025-11-17").from) == "2025-11-14");  // Monday: Friday to Sunday
    CHECK(format_iso_day(w("2025-11-17").to) == "2025-11-16");
    // After an arXiv holiday (no digest that day) the next digest carries its postings too.
    const std::set<day> christmas{*parse_iso_day("2025-12-25")};
    CHECK(format_iso_day(posting_window_for(*parse_iso_day("2025-12-26"), christmas).from) == "2025-12-24");
    CHECK(format_iso_day(posting_window_for(*parse_iso_day("2025-12-26"), christmas).to) == "2025-12-25");
    const std::set<day> friday_off{*parse_iso_day("2025-11-14")};
    CHECK(format_iso_day(posting_window_for(*parse_iso_day("2025-11-17"), friday_off).from) == "2025-11-13");
    CHECK(biorxiv_details_url("https://api.biorxiv.org/", "medrxiv", w("2025-11-17"), 200) ==
          "https://api.biorxiv.org/details/medrxiv/2025-11-14/2025-11-16/200/json");
}

TEST_CASE("biorxiv: ids carry their server, links go to that server only, and anything else gets no link") {
    const auto b = sdk::links_for("biorxiv:10.1101/2025.11.19.123456");
    REQUIRE(b);
    CHECK(b->abs == "https://www.biorxiv.org/content/10.1101/2025.11.19.123456");
    CHECK(b->pdf == "https://www.biorxiv.org/content/10.1101/2025.11.19.123456.full.pdf");
    CHECK(b->source == "bioRxiv");
    CHECK(sdk::links_for("medrxiv:10.1101/2025.11.19.25340001")->source == "medRxiv");
    CHECK(sdk::links_for("2507.16110")->abs == "https://arxiv.org/abs/2507.16110");
    for (const char* bad : {"biorxiv:10.1101/../../evil", "biorxiv:10.1101/", "biorxiv:10.1234/2025.1", "evil:10.1101/2025.1",
                            "biorxiv:10.1101/1\">x", "javascript:alert(1)", "<@here>", "", "../etc/passwd"}) {
        INFO(bad);
        CHECK_FALSE(sdk::links_for(bad));
    }
    CHECK(is_paper_id("biorxiv:10.1101/2025.11.19.123456"));
    CHECK_FALSE(is_paper_id("biorxiv:10.1101/x"));
}

TEST_CASE("biorxiv: a page keeps new preprints of the wanted categories, cleaned, and refuses what is not the API's JSON") {
    const json collection = {entry("10.1101/2025.11.19.000001", "Neural  circuits\tof memory"),
                             entry("10.1101/2025.11.19.000002", "A revision", "neuroscience", "2"),
                             entry("10.1101/2025.11.19.000003", "Wrong field", "plant biology"),
                             entry("10.1101/2025.11.19.000004", "Cells", "Cell_Biology"),
                             entry("10.1101/../../x", "Bad DOI"),
                             json::object({{"doi", "10.1101/2025.11.19.000006"}, {"title", "Numeric version"}, {"version", 1}, {"category", "plant biology"}}),
                             entry("10.1101/2025.11.19.000005", ""),
                             json("not an object")};
    const auto page = parse_biorxiv_page(page_body(collection, 0, 7), "biorxiv", {"Neuroscience", "cell biology"});
    REQUIRE(page.has_value());
    CHECK(page->count == 8);
    CHECK(page->total == 7);
    REQUIRE(page->papers.size() == 2);
    const auto& p = page->papers[0];
    CHECK(p.id == "biorxiv:10.1101/2025.11.19.000001");
    CHECK(p.title == "Neural circuits of memory");
    CHECK(p.abstract == "We record neural circuit activity in mice.");
    CHECK(p.authors == std::vector<std::string>{"Curie, M.", "Franklin, R.", "Hodgkin, A."});
    CHECK(p.categories == std::vector<std::string>{"neuroscience"});
    CHECK(p.abs_url() == "https://www.biorxiv.org/content/10.1101/2025.11.19.000001");
    CHECK(page->papers[1].categories == std::vector<std::string>{"cell biology"});
    CHECK(parse_biorxiv_page(page_body(collection, 0, 7), "biorxiv", {})->papers.size() == 4);  // every category, a numeric version too

    const auto none = parse_biorxiv_page(R"({"messages":[{"status":"no posts found"}],"collection":[]})", "biorxiv", {});
    REQUIRE(none.has_value());
    CHECK(none->papers.empty());
    for (const std::string& bad : {std::string("<html>503</html>"), std::string(R"({"messages":[{"status":"error"}]})"), std::string("[]"),
                                  std::string(R"({"messages":[{"status":"ok"}]})"), std::string(4000, '[') + std::string(4000, ']')}) {
        const auto r = parse_biorxiv_page(bad, "biorxiv", {});
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == errc::feed_malformed);
    }
}

TEST_CASE("biorxiv: an arXiv day and bioRxiv's preprints make one digest, each linked to its server, delivered once, hostile text inert") {
    // A fake api.biorxiv.org: 130 preprints posted 2025-11-19 over two pages, two of them on topic.
    test::fake_http_server api([](const test::recorded_request& r) {
        json collection = json::array();
        const bool first = r.target.ends_with("/0/json");
        for (int i = 0; i < (first ? 100 : 30); ++i) {
            const auto n = (first ? 0 : 100) + i;
            collection.push_back(entry("10.1101/2025.11.19." + std::to_string(600000 + n), "Protein assay number " + std::to_string(n), "biochemistry"));
        }
        if (first) collection[7] = entry("10.1101/2025.11.19.777777", "<!channel> Sparse neural circuit codes @everyone <script>alert(1)</script>");
        else collection[3] = entry("10.1101/2025.11.19.888888", "Quantization of neural circuit models");
        return test::scripted_response{200, page_body(collection, first ? 0 : 100, 130), {}};
    });
    test::fake_chat slack(test::fake_chat::kind::slack_webhook);
    test::temp_dir dir;
    auto cfg = test::day_config(dir, {{"lab-slack", {{"plugin", "slack"}, {"webhook_url", slack.url("/hook")}}}},
                                (test::data_dir() / "feeds/hostile-2025-11-20.xml").string(), "offline");
    cfg.profiles[0].keywords = {"sparse", "quantization", "representation learning", "abstract", "neural circuit"};
    cfg.profiles[0].relevance_cutoff = 1;
    cfg.preprints.push_back({"biorxiv", {"neuroscience"}, api.url("")});
    const auto s = run_day(cfg, {.date = parse_iso_day("2025-11-20")});

    // Thursday's digest: Wednesday's postings, both pages.
    REQUIRE(api.requests().size() == 2);
    CHECK(api.requests()[0].target == "/details/biorxiv/2025-11-19/2025-11-19/0/json");
    CHECK(api.requests()[1].target == "/details/biorxiv/2025-11-19/2025-11-19/100/json");
    const auto report = json::parse(read_file(s.profiles[0].json_path).value());
    std::map<std::string, std::string> urls;
    for (const auto& p : report["papers"]) urls[p["id"]] = p["url"];
    CHECK(urls.at("biorxiv:10.1101/2025.11.19.777777") == "https://www.biorxiv.org/content/10.1101/2025.11.19.777777");
    CHECK(urls.at("biorxiv:10.1101/2025.11.19.888888") == "https://www.biorxiv.org/content/10.1101/2025.11.19.888888");
    CHECK(std::count_if(urls.begin(), urls.end(), [](const auto& u) { return u.second.starts_with("https://arxiv.org/abs/"); }) >= 2);
    CHECK(urls.size() == test::expected_titles(s).size());
    const auto md = read_file(s.profiles[0].markdown_path).value();
    CHECK(md.find("**bioRxiv DOI:** 10.1101/2025.11.19.888888") != std::string::npos);
    CHECK(md.find("**ArXiv ID:** ") != std::string::npos);

    // Slack: every paper once, in order, bioRxiv's linked to bioRxiv, and no mention or markup.
    CHECK(slack.titles().size() == urls.size());
    std::string all;
    for (const auto& body : slack.accepted()) all += body.dump();
    CHECK(all.find("<https://www.biorxiv.org/content/10.1101/2025.11.19.777777|") != std::string::npos);
    CHECK(all.find("<!channel>") == std::string::npos);
    CHECK(all.find("&lt;!channel&gt;") != std::string::npos);

    // Stored with the day: running it again asks neither arXiv nor bioRxiv, and sends nothing twice.
    const auto posts = slack.accepted().size();
    const auto again = run_day(cfg, {.date = parse_iso_day("2025-11-20")});
    CHECK(again.feed_from_state);
    CHECK(api.requests().size() == 2);
    CHECK(slack.accepted().size() == posts);
}

TEST_CASE("biorxiv: a bioRxiv that cannot be read fails the day, saying which source, so it is tried again rather than sent without it") {
    test::fake_http_server api([](const test::recorded_request&) { return test::scripted_response{503, "<html>down</html>", {}}; });
    test::temp_dir dir;
    auto cfg = test::day_config(dir, json::object(), (test::data_dir() / "feeds/hostile-2025-11-20.xml").string(), "offline");
    cfg.arxiv.max_attempts = 1;
    cfg.preprints.push_back({"medrxiv", {}, api.url("/")});
    try {
        run_day(cfg, {.date = parse_iso_day("2025-11-20")});
        FAIL("the day ran without medRxiv");
    } catch (const failure& f) {
        CHECK(f.err().message().find("503") != std::string::npos);
        CHECK(f.err().message().find("/details/medrxiv/2025-11-19/2025-11-19/0/json") != std::string::npos);
        CHECK(f.err().transient());
    }
    CHECK_FALSE(state_store(cfg.state_path).load_day(*parse_iso_day("2025-11-20")));
}
