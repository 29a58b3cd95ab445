#include "arxiv/feed_parser.hpp"

#include "core/files.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace paperboy;

namespace {
std::string data(const std::string& name) { return read_file(test::data_dir() / name).value(); }
const paper& by_id(const feed& f, const std::string& id) {
    const auto it = std::find_if(f.papers.begin(), f.papers.end(), [&](const paper& p) { return p.id == id; });
    REQUIRE(it != f.papers.end());
    return *it;
}
}  // namespace

TEST_CASE("a full arXiv day parses into papers with canonical ids, types and the announcement date") {
    const auto f = parse_feed(read_file(test::golden_feed()).value()).value();
    CHECK(format_iso_day(f.announced) == "2025-07-23");
    CHECK(f.papers.size() == 444);
    std::map<announce_type, int> counts;
    for (const auto& p : f.papers) ++counts[p.type];
    CHECK(counts[announce_type::new_submission] == 180);
    CHECK(counts[announce_type::cross_list] == 82);
    CHECK(counts[announce_type::replacement] == 91);
    CHECK(counts[announce_type::replacement_cross] == 91);

    const auto& p = by_id(f, "2507.16110");
    CHECK(p.title == "Expert-Guided LLM Reasoning for Battery Discovery: From AI-Driven Hypothesis to Synthesis and "
                     "Characterization");
    CHECK(p.authors == std::vector<std::string>{"Shengchao Liu", "Hannan Xu", "Yan Ai", "Huanxin Li", "Yoshua Bengio",
                                                "Harry Guo"});
    CHECK(p.abstract.starts_with("Large language models (LLMs) leverage chain-of-thought"));
    CHECK(p.abstract.find("Announce Type") == std::string::npos);
    CHECK(p.version == 1);
}

TEST_CASE("hostile feed text is decoded, kept on one line and never loses a paper") {
    const auto f = parse_feed(data("feeds/hostile-2025-11-20.xml")).value();
    REQUIRE(f.papers.size() == 5);
    const auto& mention = by_id(f, "2511.00001");
    CHECK(mention.title == "Sparse Mixture-of-Experts <!channel> @everyone @here <@U024BE7LH> Scaling");
    CHECK(mention.authors == std::vector<std::string>{"Ada Lovelace", "Alan Turing"});
    const auto& injection = by_id(f, "2511.00002");
    CHECK(injection.abstract.find('\r') == std::string::npos);
    CHECK(injection.abstract.find('\n') == std::string::npos);
    CHECK(injection.abstract.find("Bcc: victim@example.com") != std::string::npos);
    const auto& newline = by_id(f, "2511.00004");
    CHECK(newline.title == "A title with a newline and tab");
    CHECK(newline.authors == std::vector<std::string>{"X Æ A-12", "O'Brien, Jr."});
    const auto& unicode = by_id(f, "2511.00003");
    CHECK(unicode.title.find("表示学习 🚀") != std::string::npos);
    CHECK(unicode.title.find("$\\mathcal{O}(n^2)$") != std::string::npos);
    const auto& replaced = by_id(f, "2511.00005");
    CHECK(replaced.type == announce_type::replacement);
    CHECK(replaced.version == 2);
}

TEST_CASE("an empty channel is a day without announcements, not an error") {
    const auto f = parse_feed(data("feeds/holiday-empty-2025-12-25.xml")).value();
    CHECK(f.papers.empty());
    CHECK(format_iso_day(f.announced) == "2025-12-25");
}

TEST_CASE("arXiv's error feed is a rejected request carrying arXiv's explanation") {
    const auto r = parse_feed(data("feeds/bad-category-400.xml"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::feed_rejected);
    CHECK(r.error().detail.find("Bad subject class 'XX'") != std::string::npos);
    CHECK_FALSE(r.error().transient());
}

TEST_CASE("a truncated feed is malformed, says where, and is not retried") {
    const auto r = parse_feed(data("feeds/truncated-malformed.xml"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::feed_malformed);
    CHECK(r.error().detail.find("at byte") != std::string::npos);
    CHECK_FALSE(r.error().transient());
}

TEST_CASE("documents that are not RSS, or lack a channel date, are malformed") {
    CHECK(parse_feed("<html><body>hi</body></html>").error().code == errc::feed_malformed);
    CHECK(parse_feed("<rss><channel><title>x</title></channel></rss>").error().code == errc::feed_malformed);
    CHECK(parse_feed("").error().code == errc::feed_malformed);
}

TEST_CASE("arXiv ids are normalised from every form they arrive in") {
    CHECK(parse_arxiv_id("oai:arXiv.org:2507.16110v2").id == "2507.16110");
    CHECK(parse_arxiv_id("oai:arXiv.org:2507.16110v2").version == 2);
    CHECK(parse_arxiv_id("arXiv:2507.16110").id == "2507.16110");
    CHECK(parse_arxiv_id("arXiv:2507.16110").version == 0);
    CHECK(parse_arxiv_id("https://arxiv.org/abs/2507.16110v3").version == 3);
    CHECK(parse_arxiv_id("oai:arXiv.org:hep-ex/0307015v1").id == "hep-ex/0307015");
    CHECK(parse_arxiv_id(" 2507.16110v12 ").version == 12);
}

TEST_CASE("authors split on commas outside parentheses, affiliations dropped") {
    CHECK(split_authors("A One (Uni X, Dept Y), B Two, C Three (Z)") ==
          std::vector<std::string>{"A One", "B Two", "C Three"});
    CHECK(split_authors("").empty());
    CHECK(split_authors("Solo Author").size() == 1);
}

namespace {
std::string one_day(const std::string& items) {
    return "<rss version=\"2.0\" xmlns:arxiv=\"http://arxiv.org/schemas/atom\"><channel><title>cs.LG updates on arXiv.org</title>"
           "<pubDate>Thu, 20 Nov 2025 00:00:00 -0500</pubDate>" + items + "</channel></rss>";
}
std::string xml_text(std::string s) {
    std::string out;
    for (const char c : s) out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    return out;
}
std::string item(const std::string& guid, const std::string& type) {
    return "<item><title>T</title><description>arXiv:x Announce Type: new \nAbstract: A</description><guid>" + xml_text(guid) + "</guid>" +
           (type.empty() ? std::string() : "<arxiv:announce_type>" + type + "</arxiv:announce_type>") + "</item>";
}
}  // namespace

TEST_CASE("only ids of arXiv's grammar are accepted: crafted guids cannot carry mentions, links or markup") {
    for (const auto* id : {"2507.16110", "0704.0001", "1412.9999", "hep-th/9901001", "math.GT/0309136", "cs/0112017", "q-bio/0401001"}) {
        INFO(id);
        CHECK(is_arxiv_id(id));
    }
    for (const auto* id : {"", "<!channel>", "2511.00001|https://evil.example", "2511.0001<b>", "25110.0001", "2511.000011",
                           "2511.00a01", "hep-th/990100", "HEP-TH/9901001", "https://evil.example/0307015", "../etc/0000001",
                           "2511.00001 @here", "math.GT/0309136/x", "-a/0000001"}) {
        INFO(id);
        CHECK_FALSE(is_arxiv_id(id));
    }
    skipped_items skipped;
    const auto f = parse_feed(one_day(item("oai:arXiv.org:2511.00001v1", "new") + item("oai:arXiv.org:<!channel>v1", "new") +
                                      item("2511.00002|https://evil.example/x", "new") + item("oai:arXiv.org:2511.00003v1", "") +
                                      item("oai:arXiv.org:2511.00004v1", "surprise") + item("oai:arXiv.org:2511.00001v2", "replace") +
                                      item("oai:arXiv.org:2511.00005v1", "cross")),
                              &skipped)
                       .value();
    REQUIRE(f.papers.size() == 2);
    CHECK(f.papers[0].id == "2511.00001");
    CHECK(f.papers[1].id == "2511.00005");
    CHECK(f.papers[1].type == announce_type::cross_list);
    CHECK(skipped.count == 5);
    REQUIRE(skipped.reasons.size() == 5);
    CHECK(skipped.reasons[0] == "item 2: 'oai:arXiv.org:<!channel>v1' is not an arXiv id");
    CHECK(skipped.reasons[2] == "item 4 (2511.00003): no announce type");  // never guessed as "new"
    CHECK(skipped.reasons[3] == "item 5 (2511.00004): unknown announce type 'surprise'");
    CHECK(skipped.reasons[4] == "item 6 (2511.00001): repeats an earlier item");
}

TEST_CASE("an Atom document (the arXiv API's format) says to use the RSS URL") {
    const auto r = parse_feed(R"(<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv Query</title></feed>)");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::feed_malformed);
    CHECK(r.error().detail.find("Atom") != std::string::npos);
    CHECK(r.error().detail.find("https://rss.arxiv.org/rss/") != std::string::npos);
}
