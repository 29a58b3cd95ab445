// The ids of a digest's papers and the only links built from them, for the daemon and the
// plugins alike (digest schema 1):
//   - an arXiv id: "2507.16110", "hep-ex/0307015";
//   - a bioRxiv or medRxiv DOI with its server as prefix: "biorxiv:10.1101/2025.07.01.623456".
// An id of neither shape gets no link, so no id can close a link, start a mention or point
// anywhere but the paper's own server.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace paperboy::sdk {

struct paper_links {
    std::string abs;     // the paper's page
    std::string pdf;     // its PDF (the latest version)
    std::string source;  // "arXiv", "bioRxiv", "medRxiv": for link labels
};

/// "biorxiv:" or "medrxiv:", then "10.1101/" and 1 to 40 digits and dots (its DOI).
inline bool is_preprint_id(std::string_view id) noexcept {
    const auto colon = id.find(':');
    if (colon == std::string_view::npos) return false;
    const auto server = id.substr(0, colon);
    if (server != "biorxiv" && server != "medrxiv") return false;
    const auto doi = id.substr(colon + 1);
    constexpr std::string_view prefix = "10.1101/";
    if (!doi.starts_with(prefix) || doi.size() == prefix.size() || doi.size() > prefix.size() + 40) return false;
    return std::all_of(doi.begin() + prefix.size(), doi.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

/// The links of a paper id of either shape; nullopt for anything else. arXiv ids are checked
/// for their alphabet and length only (letters, digits, '.', '-', '/', at most 40 bytes): the
/// daemon sends only ids of arXiv's grammar.
inline std::optional<paper_links> links_for(std::string_view id) {
    if (is_preprint_id(id)) {
        const auto colon = id.find(':');
        const std::string server(id.substr(0, colon));
        const auto abs = "https://www." + server + ".org/content/" + std::string(id.substr(colon + 1));
        return paper_links{abs, abs + ".full.pdf", server == "biorxiv" ? "bioRxiv" : "medRxiv"};
    }
    const bool arxiv = !id.empty() && id.size() <= 40 && id.front() != '/' && id.front() != '.' && id.front() != '-' &&
                       std::all_of(id.begin(), id.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '/';
                       });
    if (!arxiv) return std::nullopt;
    return paper_links{"https://arxiv.org/abs/" + std::string(id), "https://arxiv.org/pdf/" + std::string(id), "arXiv"};
}

}  // namespace paperboy::sdk
