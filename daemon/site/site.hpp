// The web archive: a static site per profile, made from the stored JSON reports
// (<output.dir>/<profile>/YYYY-MM-DD.json) into <output.dir>/<profile>/site/:
//   index.html        the latest day (its table of contents) and the list of months
//   YYYY-MM-DD.html   a day: token/cost table, totals, table of contents with anchors, papers
//                     (arXiv and PDF links, authors, comment, scores, abstract), the selection
//                     prompt collapsed; Previous Day / Monthly Overview / Next Day
//   YYYY-MM.html      a month: a calendar linking each day with a report and its paper count
//   atom.xml          an Atom feed of the latest 30 digests
//   style.css         one small stylesheet (light and dark via prefers-color-scheme)
// No JavaScript. Every text from arXiv or a model is HTML-escaped; links go only to
// https://arxiv.org/ and within the site. Pure apart from the file reading and writing.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace paperboy {

struct day_links {
    std::optional<std::string> previous, next;  // neighbouring days with a report (YYYY-MM-DD)
    std::string public_url, link_secret;        // both set: each paper gets signed vote links
};

/// The page of one day's JSON report (render/json_report.hpp).
std::string render_day_page(const nlohmann::json& report, const day_links& links);

/// The calendar of `month` ("YYYY-MM"); `counts` maps each day with a report to its number
/// of papers; `previous`/`next` are neighbouring months with reports.
std::string render_month_page(const std::string& profile, const std::string& month, const std::vector<std::pair<std::string, long>>& counts,
                              const std::optional<std::string>& previous, const std::optional<std::string>& next);

struct site_result {
    int written = 0;     // pages whose content changed
    int unchanged = 0;   // pages left as they were
    int days = 0;
};

/// (Re)generates the profile's site from the reports in `profile_dir`. Only pages whose
/// content changes are written (atomically). `public_url` (may be empty) makes the Atom
/// feed's links absolute; with `link_secret` too, every paper gets signed 👍/👎 vote links.
/// With `changed_day` (the day a run just reported) and a site already there, only the pages
/// that day can change are rendered: its page and its neighbours', its month (and the
/// neighbouring months when it opens its month), the index and the feed, so a run's cost does not grow with the
/// archive (`rebuild-site` renders everything). Throws paperboy::failure(errc::io) when a
/// file cannot be written.
site_result build_site(const std::filesystem::path& profile_dir, const std::string& profile, const std::string& public_url,
                       const std::string& link_secret = {}, const std::optional<std::string>& changed_day = std::nullopt);

/// The URL of a day's page under `public_url`: "<public_url>/<profile>/YYYY-MM-DD.html".
std::string day_page_url(const std::string& public_url, const std::string& profile, const std::string& date);

}  // namespace paperboy
