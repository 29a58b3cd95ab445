// The reader teaches the ranking: votes through `paperboy feedback`, and the built-in ranker
// learning from them in the next run. The real binary, a real state file.
#include "core/files.hpp"
#include "core/text.hpp"
#include "support/fake_http_server.hpp"
#include "support/child_process.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <thread>

using namespace paperboy;
using nlohmann::json;
using test::run_paperboy;

namespace {
std::string write_config(const test::temp_dir& dir) {
    const json cfg{{"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}}},
                   {"profiles", {{{"name", "lab"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}}}},
                   {"output", {{"dir", (dir / "out").string()}}},
                   {"state", {{"path", (dir / "state.db").string()}}}};
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
    return "--config '" + (dir / "paperboy.json").string() + "'";
}
}  // namespace

TEST_CASE("feedback: votes on a stored day are recorded, listed and replaced, and the next run learns from them") {
    test::temp_dir dir;
    const auto config = write_config(dir);
    const auto early = run_paperboy("feedback " + config + " --date 2025-07-23 --like 2507.16110");
    CHECK(early.exit_code == 2);
    CHECK(early.err.find("no stored day 2025-07-23") != std::string::npos);

    REQUIRE(run_paperboy("run " + config + " --date 2025-07-23").exit_code == 0);
    const auto cold = json::parse(read_file(dir / "out/lab/2025-07-23.json").value());
    CHECK(cold["prompt"]["system"].get<std::string>().find("not trained yet (no votes)") != std::string::npos);
    REQUIRE_FALSE(cold["papers"].empty());
    CHECK(cold["papers"][0].contains("ranker_score"));

    const auto unknown = run_paperboy("feedback " + config + " --date 2025-07-23 --like 2507.16110 9999.99999 '<b>'");
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("not among the 444 papers of 2025-07-23: 9999.99999, <b>") != std::string::npos);

    const auto ok = run_paperboy("feedback " + config + " --date 2025-07-23 --like 2507.16110 arXiv:2507.15880v1 --dislike https://arxiv.org/abs/2507.16003");
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("recorded 3 vote(s) for lab on 2025-07-23; the ranker now learns from 2 likes and 1 dislike") != std::string::npos);

    // A later vote on the same paper replaces the earlier one.
    CHECK(run_paperboy("feedback " + config + " --date 2025-07-23 --dislike 2507.15880").out.find("1 like and 2 dislikes") != std::string::npos);
    const auto list = run_paperboy("feedback " + config + " --list");
    CHECK(list.exit_code == 0);
    CHECK(list.out.find("lab: 3 vote(s)") != std::string::npos);
    CHECK(list.out.find("2025-07-23  like    2507.16110  (cli, ") != std::string::npos);
    CHECK(list.out.find("2025-07-23  dislike 2507.15880") != std::string::npos);

    // The next run of the day scores again with what was learned, and says so.
    REQUIRE(run_paperboy("run " + config + " --date 2025-07-23").exit_code == 0);
    const auto learned = json::parse(read_file(dir / "out/lab/2025-07-23.json").value());
    CHECK(learned["prompt"]["system"].get<std::string>().find("learned from 1 like and 2 dislikes") != std::string::npos);
    CHECK(read_file(dir / "out/lab/2025-07-23.md").value().find("learned from 1 like and 2 dislikes") != std::string::npos);

    const auto why = run_paperboy("explain " + config + " --date 2025-07-23 2507.16110");
    INFO(why.err);
    CHECK(why.exit_code == 0);
    CHECK(why.out.find("announce type: new (kept)") != std::string::npos);
    CHECK(why.out.find("scores (offline): relevance") != std::string::npos);
    CHECK(why.out.find("ranker (trained on 1 positive and ") != std::string::npos);
    CHECK(why.out.find("  for:     ") != std::string::npos);
    const auto not_there = run_paperboy("explain " + config + " --date 2025-07-23 1234.56789");
    CHECK(not_there.exit_code == 1);
    CHECK(not_there.err.find("not found: '1234.56789' is not among the ") != std::string::npos);
    CHECK(why.out.find(" papers of that day in the ranker's own order") != std::string::npos);
}

TEST_CASE("feedback: signed links on the archive page ask before they count, POST records, an altered link is 403") {
    test::temp_dir dir;
    const json cfg{{"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + test::golden_feed().string()}}},
                   {"profiles", {{{"name", "lab"}, {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()}}}},
                   {"output", {{"dir", (dir / "out").string()}}},
                   {"state", {{"path", (dir / "state.db").string()}}},
                   {"server", {{"listen", "127.0.0.1:0"}, {"public_url", "http://127.0.0.1:9/"}}}};
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();
    const auto config = "--config '" + (dir / "paperboy.json").string() + "'";
    REQUIRE(run_paperboy("run " + config + " --date 2025-07-23").exit_code == 0);
    const auto page = read_file(dir / "out/lab/site/2025-07-23.html").value();
    const auto at = page.find("http://127.0.0.1:9/vote?p=lab&amp;d=2025-07-23&amp;id=");
    REQUIRE(at != std::string::npos);
    auto link = page.substr(at, page.find('"', at) - at);
    for (std::size_t pos; (pos = link.find("&amp;")) != std::string::npos;) link.replace(pos, 5, "&");
    const auto query = link.substr(link.find('?') + 1);

    test::child_process serve({test::paperboy_binary().string(), "serve", "--config", (dir / "paperboy.json").string()}, {},
                              (dir / "serve.log").string());
    int port = 0;
    for (int i = 0; i < 200 && port == 0; ++i) {
        const auto read = read_file(dir / "serve.log");
        const std::string log = read ? *read : std::string();
        if (const auto p = log.find("(port "); p != std::string::npos) port = std::stoi(log.substr(p + 6));
        else std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(port != 0);
    const auto base = "http://127.0.0.1:" + std::to_string(port);
    const auto curl = [&](const std::string& args) { return test::shell_output("curl -s -o - -w '\\n%{http_code}' " + args); };

    // A GET (a mail scanner, a prefetcher, the reader's click) only shows the question.
    const auto get = curl("'" + base + "/vote?" + query + "'");
    CHECK(get.ends_with("\n200"));
    CHECK(get.find("<form method=\"post\" action=\"/vote\">") != std::string::npos);
    CHECK(run_paperboy("feedback " + config + " --list").out.find("lab: 0 vote(s)") != std::string::npos);

    // The button's POST records it.
    const auto post = curl("--data '" + query + "' '" + base + "/vote'");
    CHECK(post.ends_with("\n200"));
    CHECK(post.find("Thank you") != std::string::npos);
    CHECK(run_paperboy("feedback " + config + " --list").out.find("lab: 1 vote(s)") != std::string::npos);
    CHECK(run_paperboy("feedback " + config + " --list").out.find("(link, ") != std::string::npos);

    // Altered: turned around, or moved to another paper.
    auto flipped = query;
    flipped.replace(flipped.find("v=up"), 4, "v=down");
    CHECK(curl("--data '" + flipped + "' '" + base + "/vote'").ends_with("\n403"));
    CHECK(curl("'" + base + "/vote?" + flipped + "'").ends_with("\n403"));
    CHECK(run_paperboy("feedback " + config + " --list").out.find("lab: 1 vote(s)") != std::string::npos);
    CHECK(curl("-X POST '" + base + "/lab/2025-07-23.html'").ends_with("\n405"));
    serve.signal(SIGTERM);
    CHECK(serve.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("import: a BibTeX library seeds the ranker, and an id list is looked up at a fake arXiv API, 100 ids a request, 3 s apart") {
    std::atomic<int> api_calls{0};
    test::fake_http_server api([&](const test::recorded_request& req) {
        ++api_calls;
        // One entry per requested id, as export.arxiv.org answers an id_list query.
        const auto list = req.target.substr(req.target.find("id_list=") + 8);
        std::string feed = R"(<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">)";
        for (const auto& id : text::split(list.substr(0, list.find('&')), ',')) {
            if (id == "2601.99999") continue;  // unknown to arXiv
            feed += "<entry><id>http://arxiv.org/abs/" + id + "v1</id><title>Graph neural networks for " + id +
                    "</title><summary>Message passing on molecular graphs.</summary></entry>";
        }
        return test::scripted_response{200, feed + "</feed>", {}};
    });
    test::temp_dir dir;
    const auto config = write_config(dir);
    auto cfg = json::parse(read_file(dir / "paperboy.json").value());
    cfg["arxiv"]["api_url"] = api.url("/api/query");
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();

    write_file_atomic(dir / "zotero.bib", "@article{a, title={Diffusion models for protein structure}, abstract={We generate proteins.}}\n"
                                          "@misc{b, title={Attention is all you need}, eprint={1706.03762}}\n@article{c, title = {broken").value();
    const auto bib = run_paperboy("import " + config + " '" + (dir / "zotero.bib").string() + "'");
    INFO(bib.err);
    CHECK(bib.exit_code == 0);
    CHECK(bib.out == "imported 2 of 2 papers (BibTeX) into lab's library; the ranker now learns from 2 papers of the library as likes\n");
    CHECK(bib.err.find("@article{c}: malformed, skipped") != std::string::npos);
    CHECK(run_paperboy("import " + config + " '" + (dir / "zotero.bib").string() + "'").out.find("imported 0 of 2 papers (BibTeX) into lab's library (2 were there already)") !=
          std::string::npos);

    REQUIRE(run_paperboy("run " + config + " --date 2025-07-23").exit_code == 0);
    const auto report = json::parse(read_file(dir / "out/lab/2025-07-23.json").value());
    CHECK(report["prompt"]["system"].get<std::string>().find("learned from 0 likes and 0 dislikes and 2 papers of the reader's library") != std::string::npos);

    // 2507.16110 is in the stored day: no request for it. The other 101 take two requests.
    std::string ids = "2507.16110\n";
    for (int i = 0; i < 100; ++i) ids += "2601." + std::to_string(10000 + i) + "\n";
    ids += "2601.99999\nnot-an-id\n";
    write_file_atomic(dir / "reading.txt", ids).value();
    const auto list = run_paperboy("import " + config + " '" + (dir / "reading.txt").string() + "'");
    INFO(list.err);
    CHECK(list.exit_code == 0);
    CHECK(list.out.find("imported 101 of 101 papers (arXiv id list)") != std::string::npos);
    CHECK(list.err.find("asking arXiv's API for 101 paper(s) (2 request(s), one every 3 s)") != std::string::npos);
    CHECK(list.err.find("arXiv does not know 2601.99999: skipped") != std::string::npos);
    CHECK(list.err.find("line 103: 'not-an-id' is not an arXiv id or URL") != std::string::npos);
    const auto requests = api.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].target.find("id_list=2601.10000,") != std::string::npos);
    CHECK(requests[0].target.find("2507.16110") == std::string::npos);
    CHECK(requests[1].received - requests[0].received >= std::chrono::milliseconds(2900));

    const auto none = run_paperboy("import " + config + " /dev/null");
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("no paper with a title found") != std::string::npos);
}
