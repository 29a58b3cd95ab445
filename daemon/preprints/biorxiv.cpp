#include "preprints/biorxiv.hpp"

#include "core/text.hpp"
#include "paperboy/paper_ids.hpp"
#include "schedule/schedule.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace paperboy {
namespace {
using nlohmann::json;

std::string clean(std::string_view s) { return text::collapse_whitespace(text::sanitize_utf8(s)); }

std::string category_key(std::string_view s) {
    auto k = text::ascii_lower(text::collapse_whitespace(s));
    std::replace(k.begin(), k.end(), '_', ' ');
    return k;
}

std::string str(const json& o, const char* key) {
    const auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The API writes numbers as strings ("total": "350") or as numbers.
std::optional<std::size_t> count_of(const json& o, const char* key) {
    const auto it = o.find(key);
    if (it == o.end()) return std::nullopt;
    if (it->is_number_unsigned()) return it->get<std::size_t>();
    if (!it->is_string()) return std::nullopt;
    const auto& s = it->get_ref<const std::string&>();
    std::size_t n = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || ptr != s.data() + s.size() || s.size() > 9) return std::nullopt;
    return n;
}

}  // namespace

posting_window posting_window_for(day d, const std::set<day>& no_digest) {
    const auto previous_weekday = [](day from) {
        day p = plus_days(from, -1);
        while (!is_announcement_weekday(p)) p = plus_days(p, -1);
        return p;
    };
    day from = previous_weekday(d);
    while (no_digest.contains(from) && std::chrono::sys_days{d} - std::chrono::sys_days{from} < std::chrono::days{7}) from = previous_weekday(from);
    return {from, plus_days(d, -1)};
}

std::string biorxiv_details_url(std::string_view api_url, std::string_view server, posting_window w, std::size_t cursor) {
    return std::string(text::without_trailing(api_url, '/')) + "/details/" + std::string(server) + "/" + format_iso_day(w.from) + "/" +
           format_iso_day(w.to) + "/" + std::to_string(cursor) + "/json";
}

result<preprint_page> parse_biorxiv_page(std::string_view body, std::string_view server, const std::vector<std::string>& categories) {
    bool too_deep = false;
    json::parser_callback_t limit = [&](int depth, json::parse_event_t, json&) {
        if (depth > 16) too_deep = true;
        return !too_deep;
    };
    const auto doc = json::parse(body.begin(), body.end(), limit, false);
    const auto not_the_api = [&](const std::string& why) {
        return make_error(errc::feed_malformed, "the " + std::string(server) + " API's answer " + why);
    };
    if (too_deep) return not_the_api("is nested too deeply");
    if (!doc.is_object()) return not_the_api("is not JSON");
    const auto messages = doc.find("messages");
    if (messages == doc.end() || !messages->is_array() || messages->empty() || !(*messages)[0].is_object()) return not_the_api("has no messages");
    const auto& message = (*messages)[0];
    preprint_page page;
    const auto status = str(message, "status");
    if (status == "no posts found") return page;
    if (status != "ok") return not_the_api("says '" + text::clean_line(status, 120) + "'");
    page.total = count_of(message, "total");
    const auto collection = doc.find("collection");
    if (collection == doc.end() || !collection->is_array()) return not_the_api("has no collection");
    std::vector<std::string> wanted;
    for (const auto& c : categories) wanted.push_back(category_key(c));
    for (const auto& e : *collection) {
        ++page.count;
        if (!e.is_object() || count_of(e, "version") != 1u) continue;  // a revision: like arXiv's replacements
        if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), category_key(str(e, "category"))) == wanted.end()) continue;
        paper p;
        p.id = std::string(server) + ":" + text::ascii_lower(text::trim(str(e, "doi")));
        p.title = clean(str(e, "title"));
        if (!sdk::is_preprint_id(p.id) || p.title.empty()) continue;
        p.abstract = clean(str(e, "abstract"));
        for (const auto& name : text::split(str(e, "authors"), ';')) {
            if (auto a = clean(name); !a.empty()) p.authors.push_back(std::move(a));
        }
        if (auto c = category_key(clean(str(e, "category"))); !c.empty()) p.categories.push_back(std::move(c));
        page.papers.push_back(std::move(p));
    }
    return page;
}

}  // namespace paperboy
