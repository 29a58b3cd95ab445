// `paperboy import`: a profile's ranker seeded from the reader's own library.
#include "cli/cli_detail.hpp"

#include "arxiv/api.hpp"
#include "arxiv/feed_source.hpp"
#include "cli/exit_codes.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "feedback/library.hpp"
#include "state/state_store.hpp"

#include <iostream>
#include <set>

namespace paperboy::cli_detail {
namespace {

constexpr std::size_t max_import_bytes = std::size_t(64) << 20;

// The papers an id list names, from the stored days where they are, else from arXiv's API.
std::vector<library_entry> look_up(const config& cfg, state_store& state, const std::vector<std::string>& ids) {
    std::vector<library_entry> out;
    std::vector<std::string> missing;
    // Stored days have the abstract too; a paper there needs no request.
    const auto stored = state.stored_papers(ids);
    for (const auto& id : ids) {
        if (const auto p = stored.find(id); p != stored.end()) out.push_back({id, p->second.title, p->second.abstract, id});
        else missing.push_back(id);
    }
    if (missing.empty()) return out;
    const auto http = arxiv_http_options(cfg.arxiv);
    std::cerr << "paperboy: asking arXiv's API for " << missing.size() << " paper(s) (" << (missing.size() + arxiv_api_batch - 1) / arxiv_api_batch
              << " request(s), one every 3 s)\n";
    auto fetched = fetch_papers_by_id(cfg.arxiv.api_url, missing, http, [](std::size_t done, std::size_t total) {
        std::cerr << "paperboy: " << done << " of " << total << " looked up\n";
    });
    if (!fetched) throw failure(fetched.error());
    std::set<std::string> found;
    for (auto& p : *fetched) {
        found.insert(p.id);
        out.push_back({p.id, std::move(p.title), std::move(p.abstract), p.id});
    }
    for (const auto& id : missing) {
        if (!found.contains(id)) std::cerr << "paperboy: arXiv does not know " << id << ": skipped\n";
    }
    return out;
}

}  // namespace

int cmd_import(const std::vector<std::string>& args) {
    common_options c;
    std::string profile_name, file;
    auto desc = common_description(c);
    desc.add_options()("profile", po::value(&profile_name))("file", po::value(&file));
    po::positional_options_description positional;
    positional.add("file", 1);
    if (!parse_command(args, desc, c, &positional)) return exit_code::ok;
    if (file.empty()) throw failure(make_error(errc::usage, "import needs a file: a BibTeX export (.bib), CSL-JSON (.json) or a list of arXiv ids"));
    const auto cfg = load_config(resolve_config_path(c)).value();
    const auto& profile = pick_profile(cfg, profile_name);
    const auto text = read_file(file, max_import_bytes);
    if (!text) throw failure(make_error(errc::usage, text.error().message()));
    const auto format = detect_library_format(file, *text);
    parsed_library parsed;
    switch (format) {
        case library_format::bibtex: parsed = parse_bibtex(*text); break;
        case library_format::csl_json: {
            auto csl = parse_csl_json(*text);
            if (!csl) throw failure(make_error(errc::usage, file + ": " + csl.error().detail));
            parsed = std::move(*csl);
            break;
        }
        case library_format::id_list: parsed = parse_id_list(*text); break;
    }
    for (const auto& problem : parsed.problems) std::cerr << "paperboy: " << file << ": " << problem << "\n";
    state_store state(cfg.state_path);
    if (format == library_format::id_list) parsed.entries = look_up(cfg, state, parsed.arxiv_ids);
    if (parsed.entries.empty()) {
        throw failure(make_error(errc::usage, file + " (" + std::string(to_string(format)) + "): no paper with a title found"));
    }
    const auto added = state.add_to_library(profile.name, parsed.entries, "import");
    const auto total = state.library(profile.name).size();
    std::cout << "imported " << added << " of " << parsed.entries.size() << " papers (" << to_string(format) << ") into " << profile.name
              << "'s library";
    if (added < parsed.entries.size()) std::cout << " (" << parsed.entries.size() - added << " were there already)";
    std::cout << "; the ranker now learns from " << total << (total == 1 ? " paper" : " papers") << " of the library as likes\n";
    return exit_code::ok;
}

}  // namespace paperboy::cli_detail
