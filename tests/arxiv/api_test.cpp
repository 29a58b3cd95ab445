#include "arxiv/api.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("arXiv API: the id_list query, and an Atom answer read as papers") {
    const std::vector<std::string> ids{"2507.16110", "hep-th/9901001"};
    CHECK(api_query_url("https://export.arxiv.org/api/query", ids) ==
          "https://export.arxiv.org/api/query?id_list=2507.16110,hep-th/9901001&max_results=2");
    const auto atom = R"(<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>arXiv Query: id_list=2507.16110</title>
  <entry>
    <id>http://arxiv.org/abs/2507.16110v2</id>
    <title>A   Title
      over lines</title>
    <summary>  The abstract. </summary>
    <author><name>Ada Lovelace</name></author><author><name>Alan Turing</name></author>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/><category term="cs.AI"/>
  </entry>
  <entry><id>http://example.org/not-arxiv</id><title>skipped</title></entry>
</feed>)";
    const auto papers = parse_api_feed(atom).value();
    REQUIRE(papers.size() == 1);
    CHECK(papers[0].id == "2507.16110");
    CHECK(papers[0].version == 2);
    CHECK(papers[0].title == "A Title over lines");
    CHECK(papers[0].abstract == "The abstract.");
    CHECK(papers[0].authors == std::vector<std::string>{"Ada Lovelace", "Alan Turing"});
    CHECK(papers[0].categories == std::vector<std::string>{"cs.LG", "cs.AI"});
}

TEST_CASE("arXiv API: its error answer is a refusal with arXiv's message, junk is malformed") {
    const auto error = R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id>
      <title>Error</title><summary>incorrect id format for 1234.12345</summary></entry></feed>)";
    const auto r = parse_api_feed(error);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::feed_rejected);
    CHECK(r.error().detail.find("incorrect id format for 1234.12345") != std::string::npos);
    CHECK(parse_api_feed("<html>").error().code == errc::feed_malformed);
    CHECK(parse_api_feed("<rss/>").error().code == errc::feed_malformed);
}

TEST_CASE("arXiv API: a feed day's submission window follows arXiv's 14:00 Eastern deadlines, in daylight saving time and out of it") {
    // Tuesday's feed: Friday 14:00 to Monday 13:59 EDT (UTC-4).
    auto w = feed_day_window(*parse_iso_day("2025-07-08"));
    CHECK(w.from == "202507041800");
    CHECK(w.to == "202507071759");
    // Monday's feed (announced on Sunday): Thursday 14:00 to Friday 13:59.
    w = feed_day_window(*parse_iso_day("2025-07-07"));
    CHECK(w.from == "202507031800");
    CHECK(w.to == "202507041759");
    // Wednesday in winter (EST, UTC-5).
    w = feed_day_window(*parse_iso_day("2025-12-03"));
    CHECK(w.from == "202512011900");
    CHECK(w.to == "202512021859");
    CHECK(api_listing_url("https://export.arxiv.org/api/query", {"cs.LG", "cs.AI"}, w, 500) ==
          "https://export.arxiv.org/api/query?search_query=%28cat:cs.LG+OR+cat:cs.AI%29+AND+submittedDate:%5B202512011900+TO+202512021859%5D"
          "&sortBy=submittedDate&sortOrder=ascending&start=500&max_results=500");
}

TEST_CASE("arXiv API: a page's total count is read beside its papers") {
    const auto page = parse_api_page(R"(<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
      <opensearch:totalResults>1234</opensearch:totalResults><entry><id>http://arxiv.org/abs/2507.04742v2</id><title>T</title><summary>S</summary></entry></feed>)");
    REQUIRE(page.has_value());
    CHECK(page->total == 1234);
    REQUIRE(page->papers.size() == 1);
    CHECK(page->papers[0].version == 2);
    CHECK_FALSE(parse_api_page(R"(<feed xmlns="http://www.w3.org/2005/Atom"></feed>)")->total);
}
