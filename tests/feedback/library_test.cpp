#include "feedback/library.hpp"

#include <catch2/catch.hpp>

using namespace paperboy;

TEST_CASE("import: a Zotero BibTeX export gives titles, abstracts and arXiv ids, TeX and braces out") {
    const auto bib = R"(% exported by Zotero
@comment{jabref-meta: databaseType:bibtex;}
@string{neurips = "Advances in Neural Information Processing Systems"}
@misc{vaswani_attention_2017,
	title = {Attention {Is} {All} {You} {Need}},
	url = {http://arxiv.org/abs/1706.03762},
	abstract = {The dominant sequence transduction models are based on complex recurrent or convolutional neural networks \& more.},
	publisher = {arXiv},
	author = {Vaswani, Ashish and Shazeer, Noam},
	year = {2017},
	note = {arXiv:1706.03762 [cs]},
}
@article{ho2020,
  title = "Denoising Diffusion Probabilistic Models with {\em nested {braces}} and {\"u}mlauts",
  eprint = {2006.11239v2}, archivePrefix = {arXiv},
  journal = neurips # { 33},
}
@inproceedings{no_id,
  title={Learning to {R}ank without an identifier},
  booktitle={Proceedings},
}
@article{broken, title = {never closed
)";
    const auto lib = parse_bibtex(bib);
    REQUIRE(lib.entries.size() == 3);
    CHECK(lib.entries[0].title == "Attention Is All You Need");
    CHECK(lib.entries[0].arxiv_id == "1706.03762");
    CHECK(lib.entries[0].key == "1706.03762");
    CHECK(lib.entries[0].abstract.find("convolutional neural networks & more.") != std::string::npos);
    CHECK(lib.entries[1].title == "Denoising Diffusion Probabilistic Models with nested braces and umlauts");
    CHECK(lib.entries[1].arxiv_id == "2006.11239");
    CHECK(lib.entries[2].title == "Learning to Rank without an identifier");
    CHECK(lib.entries[2].arxiv_id.empty());
    CHECK(lib.entries[2].key == title_key("learning to rank WITHOUT an identifier"));
    REQUIRE(lib.problems.size() == 1);
    CHECK(lib.problems[0] == "@article{broken}: malformed, skipped");
}

TEST_CASE("import: hostile BibTeX (deep nesting, stray braces, no entries) ends quickly with what it could read") {
    const auto deep = "@article{k, title = " + std::string(100'000, '{') + "x" + std::string(100'000, '}') + "}\n@misc{ok, title={Fine}}";
    const auto lib = parse_bibtex(deep);
    REQUIRE(lib.entries.size() == 1);
    CHECK(lib.entries[0].title == "Fine");
    CHECK(parse_bibtex("just text with an @ sign and } braces {").entries.empty());
    CHECK(parse_bibtex("@article{dup, title={Same}}\n@article{dup2, title={same}}").entries.size() == 1);  // one paper, imported once
    const auto long_title = parse_bibtex("@article{k, title={" + std::string(5000, 'a') + "}}");
    REQUIRE(long_title.entries.size() == 1);
    CHECK(long_title.entries[0].title.size() <= 1000 + 3);
}

TEST_CASE("import: Zotero CSL-JSON, arXiv ids from number, URL or DOI") {
    const auto csl = R"([
      {"id": "a", "type": "article", "title": "Scaling Laws", "abstract": "We study.", "number": "arXiv:2001.08361"},
      {"id": "b", "type": "article", "title": "From a DOI", "DOI": "10.48550/arXiv.2303.08774"},
      {"id": "c", "type": "book", "title": "No arXiv", "URL": "https://example.org/book"},
      {"id": "d", "type": "article"},
      17
    ])";
    const auto lib = parse_csl_json(csl).value();
    REQUIRE(lib.entries.size() == 3);
    CHECK(lib.entries[0].arxiv_id == "2001.08361");
    CHECK(lib.entries[0].abstract == "We study.");
    CHECK(lib.entries[1].arxiv_id == "2303.08774");
    CHECK(lib.entries[2].arxiv_id.empty());
    CHECK(lib.problems == std::vector<std::string>{"item 4: no title, skipped", "item 5: not an object, skipped"});
    CHECK_FALSE(parse_csl_json(R"({"title": "an object, not an array"})").has_value());
    CHECK_FALSE(parse_csl_json(std::string(10'000, '[')).has_value());  // nesting bounded, not a stack overflow
}

TEST_CASE("import: an id list takes ids and abs or pdf URLs, skips comments and names the bad lines") {
    const auto lib = parse_id_list("# my reading list\n2507.16110\nhttps://arxiv.org/abs/2507.15880v2\n\nhttps://arxiv.org/pdf/2507.16003.pdf  # great\n"
                                   "arXiv:hep-th/9901001\nnot an id\n2507.16110v3\n");
    CHECK(lib.arxiv_ids == std::vector<std::string>{"2507.16110", "2507.15880", "2507.16003", "hep-th/9901001"});
    CHECK(lib.problems == std::vector<std::string>{"line 7: 'not an id' is not an arXiv id or URL"});
    // Found by fuzz_library_import: two markers in one line once cut past the end.
    CHECK(parse_id_list("arxiv:10.48550/arxiv.").arxiv_ids.empty());
    CHECK(parse_id_list("arxiv:10.48550/arxiv.2303.08774").arxiv_ids == std::vector<std::string>{"2303.08774"});
}

TEST_CASE("import: the format comes from the file name, else from the first character") {
    CHECK(detect_library_format("zotero.bib", "") == library_format::bibtex);
    CHECK(detect_library_format("My Library.json", "") == library_format::csl_json);
    CHECK(detect_library_format("export", "\n  @article{x}") == library_format::bibtex);
    CHECK(detect_library_format("export", "[{}]") == library_format::csl_json);
    CHECK(detect_library_format("reading.txt", "2507.16110") == library_format::id_list);
}
