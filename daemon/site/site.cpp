#include "site/site.hpp"

#include "feedback/signed_link.hpp"

#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "core/version.hpp"
#include "paperboy/paper_ids.hpp"
#include "paperboy/plugin_sdk.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

namespace paperboy {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view stylesheet = R"css(:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --link: #0969da;
  --line: #d1d9e0; --soft: #f6f8fa; --accent: #ddf4ff; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --link: #4493f8;
  --line: #3d444d; --soft: #151b23; --accent: #0c2d6b; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.55 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main, header, footer { max-width: 860px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 16px; } footer { color: var(--muted); font-size: 13px; padding: 32px 16px; }
a { color: var(--link); text-decoration: none; } a:hover { text-decoration: underline; }
nav.days { display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; padding: 10px 0; border-bottom: 1px solid var(--line); }
nav.days .off { color: var(--muted); }
.site { font-weight: 600; color: var(--muted); }
h1 { font-size: 1.6em; line-height: 1.25; margin: 20px 0 12px; }
h2 { font-size: 1.2em; line-height: 1.3; margin: 0 0 6px; }
table.usage { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
table.usage th, table.usage td { border: 1px solid var(--line); padding: 4px 10px; text-align: center; }
.totals p { margin: 2px 0; }
.note { background: var(--soft); border-left: 3px solid #d4a72c; padding: 8px 12px; margin: 12px 0; }
.incomplete { background: var(--soft); border-left: 4px solid #d1242f; padding: 10px 12px; margin: 12px 0; }
ol.toc li { margin: 6px 0; } ol.toc .authors { display: block; color: var(--muted); font-size: 14px; }
article { border-top: 1px solid var(--line); padding: 18px 0; scroll-margin-top: 12px; }
article:target { background: var(--accent); }
.meta, .authors { color: var(--muted); font-size: 14px; margin: 4px 0; }
.comment { background: var(--soft); border-left: 3px solid var(--link); padding: 6px 12px; font-style: italic; margin: 8px 0; }
.abstract { margin: 8px 0 0; overflow-wrap: anywhere; }
details { border-top: 1px solid var(--line); padding: 16px 0; } pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft); padding: 12px; }
table.calendar { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.calendar th { color: var(--muted); font-weight: 600; padding: 6px 0; }
table.calendar td { border: 1px solid var(--line); height: 64px; vertical-align: top; padding: 4px 6px; }
table.calendar td.report { background: var(--soft); } table.calendar .count { display: block; font-size: 12px; color: var(--muted); }
ul.months li { margin: 4px 0; }
@media (max-width: 560px) { body { font-size: 15px; } table.calendar td { height: 48px; padding: 2px; } table.calendar .count { font-size: 10px; } }
)css";

std::string esc(std::string_view s) { return sdk::html_escape(s); }

std::string str(const json& j, const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string(); }
long num(const json& j, const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<long>() : 0; }

std::string usd(const json& v) {
    if (!v.is_number()) return "unknown";
    char buf[32];
    std::snprintf(buf, sizeof buf, "$%.2f", v.get<double>());
    return buf;
}

// A paper id from the report, checked again: it is the one value that becomes a link.
bool linkable_id(const std::string& id) { return sdk::links_for(id).has_value(); }

std::string head(const std::string& title) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           esc(title) +
           "</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n"
           "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"paperboy digests\" href=\"atom.xml\">\n</head>\n<body>\n";
}

std::string foot() {
    return "<footer>Made by paperboy " + std::string(version_string) +
           ". Scores and comments are a language model's judgement; the papers are on <a href=\"https://arxiv.org/\">arXiv</a>."
           "</footer>\n</body>\n</html>\n";
}

std::string nav_link(const std::optional<std::string>& target, const std::string& label, const char* rel) {
    if (!target) return "<span class=\"off\">" + esc(label) + "</span>";
    return "<a rel=\"" + std::string(rel) + "\" href=\"" + esc(*target) + ".html\">" + esc(label + " " + *target) + "</a>";
}

std::string authors_of(const json& p) {
    std::string out;
    for (const auto& a : p.value("authors", json::array())) {
        if (!out.empty()) out += ", ";
        out += a.get<std::string>();
    }
    return out;
}

bool write_if_changed(const fs::path& path, const std::string& content, site_result& r) {
    if (auto old = read_file(path); old && *old == content) {
        ++r.unchanged;
        return false;
    }
    if (auto w = write_file_atomic(path, content); !w) throw failure(w.error());
    ++r.written;
    return true;
}

std::string atom_date(const std::string& date) { return date + "T05:00:00Z"; }

// The lower-case host of "https://host[:port]/path" (no port: tag: authorities are names), or "".
std::string atom_authority(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return {};
    auto host = url.substr(scheme + 3, url.find_first_of(":/?#", scheme + 3) - scheme - 3);
    for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; });
    return ok ? host : std::string();
}

}  // namespace

std::string day_page_url(const std::string& public_url, const std::string& profile, const std::string& date) {
    const std::string base(text::without_trailing(public_url, '/'));
    return base + "/" + profile + "/" + date + ".html";
}

std::string render_day_page(const json& report, const day_links& links) {
    const auto date = str(report, "date"), profile = str(report, "profile");
    const auto& st = report.contains("stats") ? report["stats"] : json::object();
    const auto& papers = report.contains("papers") ? report["papers"] : json::array();
    std::string h = head("paperboy · " + profile + " · " + date);
    h += "<header>\n<a class=\"site\" href=\"index.html\">paperboy · " + esc(profile) + "</a>\n<nav class=\"days\">" +
         nav_link(links.previous, "Previous Day", "prev") + " <a href=\"" + esc(date.substr(0, 7)) + ".html\">Monthly Overview " +
         esc(date.substr(0, 7)) + "</a> " + nav_link(links.next, "Next Day", "next") + "</nav>\n</header>\n<main>\n";
    h += "<h1>Personalized Daily ArXiv Papers " + esc(date) + "</h1>\n";
    if (const auto inc = report.find("incomplete"); inc != report.end() && inc->is_object() && (*inc)["text"].is_string()) {
        h += "<p class=\"incomplete\" role=\"alert\"><strong>&#9888; " + esc((*inc)["text"].get<std::string>()) + "</strong></p>\n";
    }
    const long pt = num(st, "prompt_tokens"), ct = num(st, "completion_tokens");
    h += "<table class=\"usage\">\n<tr><th>" + esc(str(report, "model")) + "</th><th>Prompt</th><th>Completion</th><th>Total</th></tr>\n";
    h += "<tr><th>Token</th><td>" + std::to_string(pt) + "</td><td>" + std::to_string(ct) + "</td><td>" + std::to_string(pt + ct) + "</td></tr>\n";
    h += "<tr><th>Cost</th><td>" + usd(st.value("cost_prompt_usd", json())) + "</td><td>" + usd(st.value("cost_completion_usd", json())) +
         "</td><td>" + usd(st.value("cost_usd", json())) + "</td></tr>\n</table>\n";
    h += "<div class=\"totals\">\n<p>Total arXiv papers: " + std::to_string(num(st, "total")) + "</p>\n<p>Total scanned papers: " +
         std::to_string(num(st, "scanned")) + "</p>\n";
    if (num(st, "failed") > 0) h += "<p>Papers that could not be scored: " + std::to_string(num(st, "failed")) + "</p>\n";
    h += "<p>Total relevant papers: " + std::to_string(papers.size()) + "</p>\n</div>\n";
    for (const auto& n : report.value("notes", json::array())) h += "<p class=\"note\"><strong>Note:</strong> " + esc(n.get<std::string>()) + "</p>\n";
    h += "<h2>Table of contents</h2>\n";
    if (papers.empty()) h += "<p><em>No paper passed the cut-offs that day.</em></p>\n";
    else h += "<ol class=\"toc\">\n";
    for (std::size_t i = 0; i < papers.size(); ++i) {
        const auto& p = papers[i];
        h += "<li><a href=\"#paper-" + std::to_string(i + 1) + "\">" + esc(str(p, "title")) + "</a><span class=\"authors\">" +
             esc(authors_of(p)) + "</span></li>\n";
    }
    if (!papers.empty()) h += "</ol>\n";
    for (std::size_t i = 0; i < papers.size(); ++i) {
        const auto& p = papers[i];
        const auto id = str(p, "id");
        const auto n = std::to_string(i + 1);
        h += "<article id=\"paper-" + n + "\">\n<h2>" + n + ". ";
        const auto paper_links = sdk::links_for(id);
        if (paper_links) h += "<a href=\"" + esc(paper_links->abs) + "\">" + esc(str(p, "title")) + "</a>";
        else h += esc(str(p, "title"));
        h += "</h2>\n<p class=\"meta\">";
        if (paper_links) {
            const auto label = sdk::is_preprint_id(id) ? esc(id) : "arXiv:" + esc(id);
            h += "<a href=\"" + esc(paper_links->abs) + "\">" + label + "</a> · <a href=\"" + esc(paper_links->pdf) + "\">PDF</a> · ";
        }
        if (p.value("author_match", false)) {
            h += "Followed author" + (p.contains("matched_author") ? ": " + esc(str(p, "matched_author")) : std::string());
        } else {
            h += "Relevance " + (p["relevance"].is_number() ? std::to_string(p["relevance"].get<int>()) : std::string("?")) + " · Novelty " +
                 (p["novelty"].is_number() ? std::to_string(p["novelty"].get<int>()) : std::string("not judged"));
        }
        h += "</p>\n<p class=\"authors\">Authors: " + esc(authors_of(p)) + "</p>\n";
        if (const auto c = str(p, "comment"); !c.empty() && !p.value("author_match", false)) h += "<p class=\"comment\">" + esc(c) + "</p>\n";
        h += "<p class=\"abstract\">" + esc(str(p, "abstract")) + "</p>\n";
        if (!links.public_url.empty() && !links.link_secret.empty() && linkable_id(id)) {
            const auto owner = str(report, "profile");
            h += "<p class=\"vote\"><a href=\"" + esc(vote_url(links.public_url, links.link_secret, {owner, date, id, 1})) +
                 "\">&#128077; More like this</a> <a href=\"" + esc(vote_url(links.public_url, links.link_secret, {owner, date, id, -1})) +
                 "\">&#128078; Less like this</a></p>\n";
        }
        h += "</article>\n";
    }
    if (report.contains("prompt") && report["prompt"].is_object()) {
        const auto& pr = report["prompt"];
        h += "<details>\n<summary>Paper selection prompt</summary>\n";
        if (pr.value("sent_to_model", true)) {
            h += "<h3>System prompt</h3>\n<pre>" + esc(str(pr, "system")) + "</pre>\n<h3>User prompt</h3>\n<pre>" + esc(str(pr, "user")) + "</pre>\n";
        } else {
            h += "<h3>How these papers were scored</h3>\n<pre>" + esc(str(pr, "system") + "\n\n" + str(pr, "user")) + "</pre>\n";
        }
        h += "</details>\n";
    }
    return h + "</main>\n" + foot();
}

std::string render_month_page(const std::string& profile, const std::string& month, const std::vector<std::pair<std::string, long>>& counts,
                              const std::optional<std::string>& previous, const std::optional<std::string>& next) {
    static constexpr std::array<const char*, 12> names{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
    const auto first = parse_iso_day(month + "-01");
    std::string h = head("paperboy · " + profile + " · " + month);
    h += "<header>\n<a class=\"site\" href=\"index.html\">paperboy · " + esc(profile) + "</a>\n<nav class=\"days\">" +
         nav_link(previous, "Previous Month", "prev") + " <a href=\"index.html\">All months</a> " + nav_link(next, "Next Month", "next") +
         "</nav>\n</header>\n<main>\n";
    if (!first) return h + "<p>Unknown month.</p>\n</main>\n" + foot();
    const unsigned m = static_cast<unsigned>(first->month());
    h += "<h1>" + std::string(names[m - 1]) + " " + std::to_string(static_cast<int>(first->year())) + "</h1>\n";
    h += "<table class=\"calendar\">\n<tr><th>Mon</th><th>Tue</th><th>Wed</th><th>Thu</th><th>Fri</th><th>Sat</th><th>Sun</th></tr>\n<tr>";
    const std::chrono::weekday wd{std::chrono::sys_days{*first}};
    const unsigned lead = (wd.c_encoding() + 6) % 7;  // Monday first
    for (unsigned i = 0; i < lead; ++i) h += "<td></td>";
    const auto last = static_cast<unsigned>(std::chrono::year_month_day_last{first->year() / first->month() / std::chrono::last}.day());
    unsigned col = lead;
    for (unsigned d = 1; d <= last; ++d, ++col) {
        if (col > 0 && col % 7 == 0) h += "</tr>\n<tr>";
        char date[16];
        std::snprintf(date, sizeof date, "%s-%02u", month.c_str(), d);
        const auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == date; });
        if (it == counts.end()) {
            h += "<td>" + std::to_string(d) + "</td>";
        } else {
            h += "<td class=\"report\"><a href=\"" + std::string(date) + ".html\">" + std::to_string(d) + "<span class=\"count\">" +
                 std::to_string(it->second) + (it->second == 1 ? " paper" : " papers") + "</span></a></td>";
        }
    }
    while (col % 7 != 0) {
        h += "<td></td>";
        ++col;
    }
    h += "</tr>\n</table>\n";
    return h + "</main>\n" + foot();
}

namespace {

// What the month pages, the index and the feed need of a day's report: a few hundred bytes
// instead of its abstracts, kept beside the reports (summaries/DATE.json) and made again when
// the report is newer, so a run reads the month's and the feed's days cheaply.
struct day_summary {
    long papers = 0, scanned = 0;
    std::vector<std::string> titles;
};

// The profile's reports by date, each read only when a page needs it.
class report_shelf {
public:
    explicit report_shelf(const fs::path& dir) : dir_(dir) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            if (e.path().extension() == ".json" && parse_iso_day(e.path().stem().string())) dates_.push_back(e.path().stem().string());
        }
        std::sort(dates_.begin(), dates_.end());
    }
    const std::vector<std::string>& dates() const noexcept { return dates_; }
    const json& get(const std::string& date) {
        if (const auto it = cache_.find(date); it != cache_.end()) return it->second;
        json j;
        if (auto text = read_file(dir_ / (date + ".json"))) j = json::parse(*text, nullptr, false);
        if (!j.is_object() || !j.contains("papers") || !j["papers"].is_array()) j = json{{"papers", json::array()}};
        // Bounded: a full rebuild holds a few reports at a time, not the whole archive.
        if (cache_.size() >= 64) cache_.clear();
        return cache_[date] = std::move(j);
    }
    day_summary summary(const std::string& date) {
        const auto path = dir_ / "summaries" / (date + ".json");
        std::error_code ec, kept_ec;
        const auto report_time = fs::last_write_time(dir_ / (date + ".json"), ec);
        const auto kept_time = fs::last_write_time(path, kept_ec);
        if (!ec && !kept_ec && kept_time > report_time) {
            const auto kept = read_file(path);
            const auto j = kept ? json::parse(*kept, nullptr, false) : json();
            if (j.is_object() && j.value("papers", json()).is_number_integer() && j.value("titles", json()).is_array()) {
                day_summary out{j["papers"].get<long>(), num(j, "scanned"), {}};
                for (const auto& t : j["titles"]) out.titles.push_back(t.is_string() ? t.get<std::string>() : std::string());
                return out;
            }
        }
        const auto& rep = get(date);
        day_summary out{static_cast<long>(rep["papers"].size()), num(rep.value("stats", json::object()), "scanned"), {}};
        for (const auto& p : rep["papers"]) out.titles.push_back(str(p, "title"));
        // A summary that cannot be written is made again next time: nothing is lost.
        fs::create_directories(path.parent_path(), ec);
        (void)write_file_atomic(path, json{{"papers", out.papers}, {"scanned", out.scanned}, {"titles", out.titles}}.dump(-1, ' ', false, json::error_handler_t::replace));
        return out;
    }

private:
    fs::path dir_;
    std::vector<std::string> dates_;
    std::map<std::string, json> cache_;
};

}  // namespace

site_result build_site(const fs::path& profile_dir, const std::string& profile, const std::string& public_url, const std::string& link_secret,
                       const std::optional<std::string>& changed_day) {
    site_result r;
    report_shelf reports(profile_dir);
    const auto& dates = reports.dates();
    const auto site = profile_dir / "site";
    std::error_code ec;
    const auto changed = changed_day ? std::lower_bound(dates.begin(), dates.end(), *changed_day) : dates.end();
    const bool incremental = changed != dates.end() && *changed == *changed_day && fs::exists(site / "index.html", ec);
    write_if_changed(site / "style.css", std::string(stylesheet), r);
    // A new day changes its own page, its neighbours' links, its month (and, when it opens
    // that month, the neighbouring months' links), the index and the feed; nothing older.
    std::size_t from = 0, to = dates.size();
    if (incremental) {
        const auto at = static_cast<std::size_t>(changed - dates.begin());
        from = at > 0 ? at - 1 : 0;
        to = std::min(dates.size(), at + 2);
    }
    for (std::size_t i = from; i < to; ++i) {
        day_links links;
        links.public_url = public_url;
        links.link_secret = link_secret;
        if (i > 0) links.previous = dates[i - 1];
        if (i + 1 < dates.size()) links.next = dates[i + 1];
        write_if_changed(site / (dates[i] + ".html"), render_day_page(reports.get(dates[i]), links), r);
    }
    r.days = static_cast<int>(dates.size());
    std::vector<std::string> month_names;
    std::map<std::string, std::size_t> days_in_month;
    for (const auto& d : dates) {
        if (month_names.empty() || month_names.back() != d.substr(0, 7)) month_names.push_back(d.substr(0, 7));
        ++days_in_month[d.substr(0, 7)];
    }
    const auto changed_month = incremental ? std::find(month_names.begin(), month_names.end(), changed->substr(0, 7)) - month_names.begin() : 0;
    const bool opened_month = incremental && days_in_month[changed->substr(0, 7)] == 1;
    for (std::size_t i = 0; i < month_names.size(); ++i) {
        const auto k = static_cast<std::ptrdiff_t>(i);
        // The neighbouring months' links change only when the day opened its month.
        const bool neighbour = k + 1 == changed_month || k == changed_month + 1;
        if (incremental && k != changed_month && !(neighbour && opened_month)) continue;
        std::vector<std::pair<std::string, long>> counts;
        for (auto it = std::lower_bound(dates.begin(), dates.end(), month_names[i]); it != dates.end() && it->starts_with(month_names[i]); ++it) {
            counts.emplace_back(*it, reports.summary(*it).papers);
        }
        const auto prev = i > 0 ? std::optional<std::string>(month_names[i - 1]) : std::nullopt;
        const auto next = i + 1 < month_names.size() ? std::optional<std::string>(month_names[i + 1]) : std::nullopt;
        write_if_changed(site / (month_names[i] + ".html"), render_month_page(profile, month_names[i], counts, prev, next), r);
    }

    std::string idx = head("paperboy · " + profile);
    idx += "<header>\n<a class=\"site\" href=\"index.html\">paperboy · " + esc(profile) + "</a>\n</header>\n<main>\n";
    if (dates.empty()) {
        idx += "<h1>No digests yet</h1>\n";
    } else {
        const auto latest = reports.summary(dates.back());
        idx += "<h1>Latest: <a href=\"" + esc(dates.back()) + ".html\">" + esc(dates.back()) + "</a></h1>\n<p>" + std::to_string(latest.papers) +
               " papers selected from " + std::to_string(latest.scanned) + " scanned.</p>\n<ol class=\"toc\">\n";
        for (std::size_t i = 0; i < latest.titles.size(); ++i) {
            idx += "<li><a href=\"" + esc(dates.back()) + ".html#paper-" + std::to_string(i + 1) + "\">" + esc(latest.titles[i]) + "</a></li>\n";
        }
        idx += "</ol>\n<h2>Months</h2>\n<ul class=\"months\">\n";
        for (auto it = month_names.rbegin(); it != month_names.rend(); ++it) {
            idx += "<li><a href=\"" + esc(*it) + ".html\">" + esc(*it) + "</a> (" + std::to_string(days_in_month[*it]) + " days)</li>\n";
        }
        idx += "</ul>\n";
    }
    write_if_changed(site / "index.html", idx + "<p><a href=\"atom.xml\">Atom feed</a></p>\n</main>\n" + foot(), r);

    const std::string base(text::without_trailing(public_url, '/'));
    const auto link = [&](const std::string& page) { return base.empty() ? page : base + "/" + profile + "/" + page; };
    // RFC 4151 tag: URIs from the public URL's host, unique across installations and stable as
    // long as that host serves the archive; without a public URL only a local urn is possible.
    const auto host = atom_authority(base);
    const auto feed_id = host.empty() ? "urn:paperboy:" + profile
                                      : "tag:" + host + "," + (dates.empty() ? std::string("2025") : dates.front().substr(0, 4)) + ":paperboy/" + profile;
    const auto entry_id = [&](const std::string& d) { return host.empty() ? "urn:paperboy:" + profile + ":" + d : "tag:" + host + "," + d + ":paperboy/" + profile; };
    std::string atom = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>paperboy · " + esc(profile) +
                       "</title>\n<id>" + esc(feed_id) + "</id>\n<link rel=\"alternate\" href=\"" + esc(link("index.html")) + "\"/>\n" +
                       (base.empty() ? std::string() : "<link rel=\"self\" type=\"application/atom+xml\" href=\"" + esc(link("atom.xml")) + "\"/>\n") +
                       "<updated>" + (dates.empty() ? std::string("1970-01-01T00:00:00Z") : atom_date(dates.back())) +
                       "</updated>\n<author><name>paperboy</name></author>\n";
    for (std::size_t k = 0; k < dates.size() && k < 30; ++k) {
        const auto& d = dates[dates.size() - 1 - k];
        const auto rep = reports.summary(d);
        std::string summary;
        for (const auto& t : rep.titles) summary += "<li>" + esc(t) + "</li>";
        atom += "<entry>\n<title>" + std::to_string(rep.papers) + " papers for " + d + "</title>\n<id>" + esc(entry_id(d)) +
                "</id>\n<link rel=\"alternate\" href=\"" + esc(link(d + ".html")) + "\"/>\n<updated>" + atom_date(d) +
                "</updated>\n<content type=\"html\">" + esc("<ol>" + summary + "</ol>") + "</content>\n</entry>\n";
    }
    write_if_changed(site / "atom.xml", atom + "</feed>\n", r);
    return r;
}

}  // namespace paperboy
