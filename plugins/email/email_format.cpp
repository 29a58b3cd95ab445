#include "email_format.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace paperboy::email {
using nlohmann::json;

namespace {

std::vector<address> address_list(const json& j, const char* key) {
    std::vector<address> out;
    if (!j.contains(key)) return out;
    const auto& v = j[key];
    const auto one = [&](const json& x) {
        if (!x.is_string()) throw std::invalid_argument(std::string(key) + ": expected an address or a list of addresses");
        try {
            out.push_back(parse_address(x.get<std::string>()));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string(key) + ": " + e.what());
        }
    };
    if (v.is_array()) {
        for (const auto& x : v) one(x);
    } else {
        one(v);
    }
    return out;
}

void check_subject_template(const std::string& t) {
    for (const unsigned char c : t) {
        if (c < 0x20 || c == 0x7f) throw std::invalid_argument("subject: must not contain control characters (CR, LF, ...)");
    }
    static const std::set<std::string> known{"date", "profile", "count", "new_papers"};
    for (auto open = t.find('{'); open != std::string::npos; open = t.find('{', open + 1)) {
        const auto close = t.find('}', open);
        if (close == std::string::npos) throw std::invalid_argument("subject: '{' without '}'");
        const auto name = t.substr(open + 1, close - open - 1);
        if (!known.contains(name)) {
            throw std::invalid_argument("subject: unknown placeholder {" + name + "}; use {date}, {profile}, {count} or {new_papers}");
        }
    }
}

using sdk::html_escape;

std::string str(const json& p, const char* key) { return p.contains(key) && p[key].is_string() ? p[key].get<std::string>() : std::string(); }

// Only links to the paper's own server, built here from its checked id (sdk::links_for): a
// link is the one place where a bad value would become clickable.
sdk::paper_links links_of(const json& p) { return sdk::links_for(str(p, "id")).value_or(sdk::paper_links{}); }

// A vote link from the host: http(s) only, like the web page link.
std::string vote_link(const json& p, const char* key) {
    const auto u = str(p, key);
    return (u.starts_with("https://") || u.starts_with("http://")) && u.find_first_of(" \"'<>\\") == std::string::npos ? u : std::string();
}

std::string web_url(const json& digest) {
    const auto url = str(digest, "web_url");
    const bool ok = (url.starts_with("https://") || url.starts_with("http://")) && url.find_first_of("\"'<> \\") == std::string::npos;
    return ok ? url : std::string();
}

std::string long_date(const std::string& iso) {
    static constexpr std::array<const char*, 7> days{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    static constexpr std::array<const char*, 12> months{"January", "February", "March",     "April",   "May",      "June",
                                                        "July",    "August",   "September", "October", "November", "December"};
    int y = 0;
    unsigned m = 0, d = 0;
    if (std::sscanf(iso.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return iso;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!ymd.ok()) return iso;
    const std::chrono::weekday wd{std::chrono::sys_days{ymd}};
    return std::string(days[wd.c_encoding()]) + ", " + std::to_string(d) + " " + months[m - 1] + " " + std::to_string(y);
}

std::vector<json> papers_to_send(const json& digest, const settings& s) {
    std::vector<json> out;
    for (const auto& p : digest["papers"]) {
        if (s.top_n > 0 && out.size() >= static_cast<std::size_t>(s.top_n)) break;
        out.push_back(p);
    }
    return out;
}

std::string summary_line(const json& digest) {
    const auto& st = digest["stats"];
    std::string out = "Selected from " + std::to_string(st.value("scanned", 0L)) + " new papers";
    out += " \xC2\xB7 " + digest.value("model", std::string("?"));
    out += " \xC2\xB7 " + std::to_string(st.value("prompt_tokens", 0L) + st.value("completion_tokens", 0L)) + " tokens";
    if (st.contains("cost_usd") && st["cost_usd"].is_number()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "$%.2f", st["cost_usd"].get<double>());
        out += std::string(" \xC2\xB7 ") + buf;
    }
    return out;
}

std::string papers_phrase(std::size_t n) {
    if (n == 0) return "no new papers";
    return std::to_string(n) + (n == 1 ? " new paper" : " new papers");
}

std::string badge(const std::string& text, const char* bg, const char* fg) {
    return std::string("<span style=\"display:inline-block;padding:2px 9px;margin:0 4px 4px 0;border-radius:10px;background:") + bg +
           ";color:" + fg + ";font-size:12px;font-weight:600;line-height:18px;\">" + html_escape(text) + "</span>\n";
}

const char* relevance_colour(int v) { return v >= 9 ? "#d1fae5" : v >= 7 ? "#e0ecff" : "#f1f5f9"; }

}  // namespace

std::vector<std::string> settings::recipients() const {
    std::vector<std::string> out;
    for (const auto* list : {&to, &cc, &bcc}) {
        for (const auto& a : *list) {
            if (std::find(out.begin(), out.end(), a.addr) == out.end()) out.push_back(a.addr);
        }
    }
    return out;
}

settings parse_settings(std::string_view config_json) {
    const auto j = chat::config_object(config_json,
                                       {"smtp_url", "tls", "username", "password", "from", "to", "cc", "bcc", "reply_to", "subject",
                                        "ca", "connect_timeout_seconds", "attach_markdown", "send_empty", "max_html_bytes"},
                                       "email");
    settings s;
    chat::read_common(j, s, 100'000);
    s.smtp_url = chat::string_key(j, "smtp_url");
    for (const unsigned char c : s.smtp_url) {
        if (c <= 0x20 || c >= 0x7f) throw std::invalid_argument("smtp_url: must not contain spaces or control characters");
    }
    const bool smtps = s.smtp_url.starts_with("smtps://");
    if (!smtps && !s.smtp_url.starts_with("smtp://")) {
        throw std::invalid_argument("smtp_url: expected smtp://host:587 (STARTTLS) or smtps://host:465 (TLS)");
    }
    const auto authority = s.smtp_url.substr(s.smtp_url.find("//") + 2, s.smtp_url.find('/', s.smtp_url.find("//") + 2) - s.smtp_url.find("//") - 2);
    if (authority.find('@') != std::string::npos) {
        throw std::invalid_argument("smtp_url: put credentials in username and password (or password_file), not in the URL");
    }
    if (authority.empty() || authority.front() == ':') throw std::invalid_argument("smtp_url: no host name");
    s.tls = smtps ? tls_mode::implicit : tls_mode::starttls;
    if (j.contains("tls")) {
        const auto t = chat::string_key(j, "tls");
        if (t == "none") {
            if (smtps) throw std::invalid_argument("tls: \"none\" contradicts an smtps:// URL");
            s.tls = tls_mode::none;
        } else if (t != "required") {
            throw std::invalid_argument("tls: expected \"required\" (the default) or \"none\" (clear text, local relay only)");
        }
    }
    if (j.contains("username")) s.username = chat::string_key(j, "username");
    if (j.contains("password")) s.password = chat::string_key(j, "password");
    if (!s.password.empty() && s.username.empty()) throw std::invalid_argument("password: given without username");
    if (!j.contains("from")) throw std::invalid_argument("from: required (the sender address)");
    const auto from = address_list(j, "from");
    if (from.size() != 1) throw std::invalid_argument("from: expected exactly one address");
    s.from = from[0];
    s.to = address_list(j, "to");
    if (s.to.empty()) throw std::invalid_argument("to: at least one recipient is required");
    s.cc = address_list(j, "cc");
    s.bcc = address_list(j, "bcc");
    if (j.contains("reply_to")) {
        const auto r = address_list(j, "reply_to");
        if (r.size() != 1) throw std::invalid_argument("reply_to: expected one address");
        s.reply_to = r[0];
    }
    if (j.contains("subject")) {
        s.subject = chat::string_key(j, "subject");
        check_subject_template(s.subject);
    }
    if (j.contains("ca")) {
        s.ca = chat::string_key(j, "ca");
        if (s.ca.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
            throw std::invalid_argument("ca: expected PEM certificates (give the file as \"ca_file\")");
        }
    }
    if (j.contains("connect_timeout_seconds")) {
        const auto& v = j["connect_timeout_seconds"];
        const auto ms = v.is_number() ? sdk::timeout_setting_ms(v.get<double>()) : std::nullopt;
        if (!ms) throw std::invalid_argument("connect_timeout_seconds: expected a number of seconds above 0 and at most 3600");
        s.connect_timeout_ms = *ms;
    }
    if (j.contains("max_html_bytes")) {
        const auto& v = j["max_html_bytes"];
        if (!v.is_number_unsigned() || (v.get<std::size_t>() != 0 && v.get<std::size_t>() < 20'000) || v.get<std::size_t>() > 10'000'000) {
            throw std::invalid_argument("max_html_bytes: expected 0 (no budget) or a size from 20000 to 10000000 bytes (Gmail clips at about 102000)");
        }
        s.max_html_bytes = v.get<std::size_t>();
    }
    for (const auto& [key, member] : {std::pair{"attach_markdown", &s.attach_markdown}, std::pair{"send_empty", &s.send_empty}}) {
        if (!j.contains(key)) continue;
        if (!j[key].is_boolean()) throw std::invalid_argument(std::string(key) + ": expected true or false");
        *member = j[key].get<bool>();
    }
    return s;
}

std::string render_subject(const std::string& t, const json& digest) {
    const auto n = digest["papers"].size();
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] != '{') {
            out += t[i];
            continue;
        }
        const auto close = t.find('}', i);
        const auto name = t.substr(i + 1, close - i - 1);
        if (name == "date") out += str(digest, "date");
        else if (name == "profile") out += str(digest, "profile");
        else if (name == "count") out += std::to_string(n);
        else if (name == "new_papers") out += papers_phrase(n);
        i = close;
    }
    // The mark is ours, not the template's: a subject template cannot hide it.
    if (!chat::incomplete_text(digest).empty()) out = "[incomplete] " + out;
    return strip_controls(out);
}

std::string whole_sentences(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return std::string(text);
    std::size_t end = 0;
    for (std::size_t i = 0; i + 1 < text.size() && i < limit; ++i) {
        const char c = text[i];
        if ((c == '.' || c == '?' || c == '!') && text[i + 1] == ' ') end = i + 1;
    }
    return std::string(text.substr(0, end));
}

std::string wrap_lines(std::string_view text, std::size_t width) {
    std::string out;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string line(text.substr(0, nl));
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        // Continuation lines align with the text: under a paper's title ("12. "), or at the
        // line's own indent.
        auto first_word = line.find_first_not_of(' ');
        if (first_word == 0) {
            const auto digits = line.find_first_not_of("0123456789");
            if (digits != std::string::npos && digits > 0 && line.compare(digits, 2, ". ") == 0) first_word = digits + 2;
        }
        const std::string indent(first_word == std::string::npos ? 0 : first_word, ' ');
        while (line != "-- ") {
            // The last space that keeps the line within the width; else the first one after a
            // word longer than the width (a URL), which stays whole.
            std::size_t cut = std::string::npos, chars = 0;
            for (std::size_t i = 0; i < line.size(); ++i) {
                if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++chars;
                if (line[i] == ' ' && i > indent.size() && chars - 1 <= width) cut = i;
                if (chars > width + 1) break;
            }
            if (chars <= width) break;
            if (cut == std::string::npos) cut = line.find(' ', indent.size() + 1);
            if (cut == std::string::npos) break;
            out += line.substr(0, cut);
            out += '\n';
            line = indent + line.substr(cut + 1);
        }
        out += line;
        if (nl != std::string_view::npos) out += '\n';
    }
    return out;
}

namespace {

// The HTML with abstracts cut to `abstract_limit` bytes of whole sentences (npos: whole) and
// at most `paper_limit` papers.
std::string render_html_sized(const json& digest, const settings& s, std::size_t abstract_limit, std::size_t paper_limit) {
    auto papers = papers_to_send(digest, s);
    if (papers.size() > paper_limit) papers.resize(paper_limit);
    const auto date = long_date(str(digest, "date"));
    const auto headline = papers_phrase(digest["papers"].size());
    std::string h;
    h.reserve(4096 + papers.size() * 2048);
    h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"color-scheme\" content=\"light\">\n<title>";
    h += html_escape("paperboy: " + headline + " for " + date);
    h += "</title>\n</head>\n<body style=\"margin:0;padding:0;background:#f3f4f6;\">\n"
         "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"background:#f3f4f6;\">\n"
         "<tr><td align=\"center\" style=\"padding:24px 12px;\">\n"
         "<table role=\"presentation\" width=\"640\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:100%;max-width:640px;"
         "background:#ffffff;border:1px solid #e5e7eb;border-radius:8px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
         "color:#111827;\">\n";
    h += "<tr><td style=\"padding:24px 28px 16px;\">\n";
    h += "<div style=\"font-size:12px;color:#6b7280;letter-spacing:0.06em;text-transform:uppercase;\">paperboy &middot; " +
         html_escape(str(digest, "profile")) + "</div>\n";
    h += "<h1 style=\"margin:6px 0 6px;font-size:22px;line-height:1.3;font-weight:700;\">" + html_escape(headline) + " for " +
         html_escape(date) + "</h1>\n";
    h += "<div style=\"font-size:13px;color:#4b5563;\">" + html_escape(summary_line(digest)) + "</div>\n";
    if (const auto url = web_url(digest); !url.empty()) {
        h += "<div style=\"margin-top:10px;font-size:14px;\"><a href=\"" + html_escape(url) +
             "\" style=\"color:#1d4ed8;\">Read this digest in the archive</a></div>\n";
    }
    h += "</td></tr>\n";
    if (const auto notice = chat::incomplete_text(digest); !notice.empty()) {
        h += "<tr><td style=\"padding:0 28px 12px;\"><div style=\"padding:12px 14px;background:#fee2e2;border-left:4px solid #dc2626;"
             "font-size:15px;color:#7f1d1d;\"><strong>&#9888; " +
             html_escape(notice) + "</strong></div></td></tr>\n";
    }
    for (const auto& note : digest.value("notes", json::array())) {
        h += "<tr><td style=\"padding:0 28px 12px;\"><div style=\"padding:10px 12px;background:#fef3c7;border-left:3px solid #d97706;"
             "font-size:14px;color:#78350f;\"><strong>Note:</strong> " +
             html_escape(note.get<std::string>()) + "</div></td></tr>\n";
    }
    std::size_t rank = 0;
    for (const auto& p : papers) {
        ++rank;
        const auto links = links_of(p);
        const auto &url = links.abs, &pdf = links.pdf;
        const auto title = html_escape(str(p, "title"));
        h += "<tr><td style=\"padding:18px 28px;border-top:1px solid #e5e7eb;\">\n";
        h += "<div style=\"font-size:17px;line-height:1.35;font-weight:600;\"><span style=\"color:#9ca3af;\">" + std::to_string(rank) +
             ".</span> ";
        h += url.empty() ? title : "<a href=\"" + html_escape(url) + "\" style=\"color:#1d4ed8;text-decoration:none;\">" + title + "</a>";
        h += "</div>\n";
        h += "<div style=\"margin-top:4px;font-size:13px;line-height:1.4;color:#4b5563;\">" + html_escape(chat::join_authors(p["authors"])) +
             "</div>\n<div style=\"margin-top:8px;\">";
        if (p.value("author_match", false)) {
            h += badge("Followed author" + (p.contains("matched_author") ? ": " + str(p, "matched_author") : std::string()), "#dcfce7",
                       "#166534");
        } else {
            const int rel = p["relevance"].is_number() ? p["relevance"].get<int>() : 0;
            h += badge("Relevance " + (p["relevance"].is_number() ? std::to_string(rel) : std::string("?")), relevance_colour(rel), "#1e3a8a");
            h += badge("Novelty " + (p["novelty"].is_number() ? std::to_string(p["novelty"].get<int>()) : std::string("not judged")),
                       "#f3e8ff", "#6b21a8");
        }
        if (!pdf.empty()) {
            h += "<a href=\"" + html_escape(pdf) + "\" style=\"font-size:12px;color:#1d4ed8;margin-left:4px;\">PDF</a>";
        }
        h += "</div>\n";
        if (const auto c = str(p, "comment"); !c.empty() && !p.value("author_match", false)) {
            h += "<div style=\"margin-top:10px;padding:8px 12px;background:#f8fafc;border-left:3px solid #93c5fd;font-size:14px;"
                 "line-height:1.45;font-style:italic;color:#374151;\">" +
                 html_escape(c) + "</div>\n";
        }
        if (const auto tldr = str(p, "tldr"); !tldr.empty()) {
            h += "<div style=\"margin-top:10px;font-size:14px;line-height:1.5;color:#111827;\"><strong>TL;DR:</strong> " + html_escape(tldr) +
                 "</div>\n";
        }
        if (s.abstract_chars > 0) {
            const auto abstract = chat::truncate(str(p, "abstract"), s.abstract_chars);
            const auto shown = abstract_limit == std::string::npos ? abstract : whole_sentences(abstract, abstract_limit);
            h += "<div style=\"margin-top:10px;font-size:14px;line-height:1.55;color:#1f2937;\">" + html_escape(shown);
            if (shown.size() < abstract.size()) {
                const auto rest = web_url(digest).empty() ? url : web_url(digest);
                if (!rest.empty()) {
                    h += std::string(shown.empty() ? "" : " ") + "<a href=\"" + html_escape(rest) + "\" style=\"color:#1d4ed8;\">" +
                         (shown.empty() ? "Abstract" : "The whole abstract") + (web_url(digest).empty() ? " on " + links.source : std::string(" in the archive")) + "</a>";
                }
            }
            h += "</div>\n";
        }
        if (const auto up = vote_link(p, "vote_up_url"), down = vote_link(p, "vote_down_url"); !up.empty() && !down.empty()) {
            h += "<div style=\"margin-top:10px;font-size:13px;\"><a href=\"" + html_escape(up) +
                 "\" style=\"color:#166534;text-decoration:none;\">&#128077; More like this</a> &nbsp; <a href=\"" + html_escape(down) +
                 "\" style=\"color:#991b1b;text-decoration:none;\">&#128078; Less like this</a></div>\n";
        }
        h += "</td></tr>\n";
    }
    if (papers.size() < digest["papers"].size()) {
        h += "<tr><td style=\"padding:14px 28px;border-top:1px solid #e5e7eb;font-size:14px;color:#4b5563;\">" +
             std::to_string(digest["papers"].size() - papers.size()) + " more papers are in the full report.</td></tr>\n";
    }
    h += "<tr><td style=\"padding:14px 28px 20px;border-top:1px solid #e5e7eb;font-size:12px;color:#9ca3af;\">Sent by paperboy for "
         "the profile &ldquo;" +
         html_escape(str(digest, "profile")) + "&rdquo;. Scores and comments are a language model&rsquo;s judgement.</td></tr>\n";
    h += "</table>\n</td></tr>\n</table>\n</body>\n</html>\n";
    return h;
}

}  // namespace

std::string unsubscribe_url_for(const json& digest, std::string_view recipient) {
    const auto& channel = digest.value("channel", std::string());
    const auto all = digest.find("unsubscribe");
    if (all == digest.end() || !all->is_object() || !all->contains(channel) || !(*all)[channel].is_object()) return {};
    const auto& urls = (*all)[channel];
    const auto it = urls.find(std::string(recipient));
    return it != urls.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool unsubscribed(const json& digest, std::string_view recipient) {
    const auto it = digest.find("unsubscribed");
    if (it == digest.end() || !it->is_array()) return false;
    return std::any_of(it->begin(), it->end(), [&](const json& a) { return a.is_string() && a.get<std::string>() == recipient; });
}

std::string list_headers(const json& digest, const settings& s, std::string_view unsubscribe_url) {
    // RFC 2919 List-Id and RFC 2369 List-Unsubscribe: what mail providers expect of bulk mail.
    // Only [a-z0-9-] of the profile name reaches the header; the rest is the sender's domain.
    std::string label;
    for (const char c : str(digest, "profile")) {
        const char l = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-') label += l;
        if (label.size() >= 40) break;
    }
    if (label.empty()) label = "digest";
    const auto domain = s.from.addr.substr(s.from.addr.find('@') + 1);
    std::string h = "List-Id: paperboy " + label + " <" + label + ".paperboy." + domain + ">\r\n";
    const auto mailto = "<mailto:" + s.from.addr + "?subject=unsubscribe%20" + label + ">";
    // The URL goes into a header: only a plain http(s) URL of printable ASCII, no brackets.
    const bool url_ok = (unsubscribe_url.starts_with("https://") || unsubscribe_url.starts_with("http://")) && unsubscribe_url.size() <= 900 &&
                        std::all_of(unsubscribe_url.begin(), unsubscribe_url.end(), [](char c) { return c > ' ' && c < 127 && c != '<' && c != '>' && c != ','; });
    if (url_ok) {
        h += "List-Unsubscribe: <" + std::string(unsubscribe_url) + ">,\r\n " + mailto + "\r\n";
        // RFC 8058 section 3.1: one-click needs an HTTPS URI; over http the link is only a link.
        if (unsubscribe_url.starts_with("https://")) h += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    } else {
        h += "List-Unsubscribe: " + mailto + "\r\n";
    }
    return h;
}

namespace {

// What of the digest the email shows: abstracts cut to whole sentences of at most
// `abstract_limit` bytes, at most `paper_limit` papers (npos: all). Both alternatives follow it,
// so that they say the same thing (spam filters score alternatives that differ).
struct email_layout {
    std::size_t abstract_limit = std::string::npos, paper_limit = std::string::npos;
};

email_layout fit_layout(const json& digest, const settings& s) {
    constexpr auto all = std::string::npos;
    // As received: every line ends in CRLF on the wire.
    const auto fits = [&](const email_layout& l) {
        const auto html = render_html_sized(digest, s, l.abstract_limit, l.paper_limit);
        return html.size() + static_cast<std::size_t>(std::count(html.begin(), html.end(), '\n')) <= s.max_html_bytes;
    };
    if (s.max_html_bytes == 0 || fits({all, all})) return {all, all};
    if (fits({0, all})) {
        std::size_t longest = 0;
        for (const auto& p : digest["papers"]) longest = std::max(longest, str(p, "abstract").size());
        // The longest abstract length that fits: the size only grows with it.
        std::size_t lo = 0, hi = longest;
        while (lo < hi) {
            const auto mid = lo + (hi - lo + 1) / 2;
            if (fits({mid, all})) lo = mid;
            else hi = mid - 1;
        }
        return {lo, all};
    }
    auto n = papers_to_send(digest, s).size();
    while (n > 1 && !fits({0, n - 1})) --n;
    return {0, n > 1 ? n - 1 : 1};
}

}  // namespace

std::string render_html(const json& digest, const settings& s) {
    const auto l = fit_layout(digest, s);
    return render_html_sized(digest, s, l.abstract_limit, l.paper_limit);
}

std::string render_text(const json& digest, const settings& s) {
    const auto layout = fit_layout(digest, s);
    auto papers = papers_to_send(digest, s);
    if (papers.size() > layout.paper_limit) papers.resize(layout.paper_limit);
    std::string out = "paperboy: " + papers_phrase(digest["papers"].size()) + " for " + long_date(str(digest, "date")) +
                      " (profile " + str(digest, "profile") + ")\n";
    out += summary_line(digest) + "\n";
    if (const auto url = web_url(digest); !url.empty()) out += "In the archive: " + url + "\n";
    if (const auto notice = chat::incomplete_text(digest); !notice.empty()) out += "\n*** " + strip_controls(notice) + " ***\n";
    for (const auto& note : digest.value("notes", json::array())) out += "\nNote: " + note.get<std::string>() + "\n";
    std::size_t rank = 0;
    for (const auto& p : papers) {
        out += "\n\n" + std::to_string(++rank) + ". " + str(p, "title") + "\n";
        out += "   " + chat::join_authors(p["authors"]) + "\n";
        out += "   " + chat::scores_line(p) + "\n";
        if (const auto c = str(p, "comment"); !c.empty() && !p.value("author_match", false)) out += "   " + c + "\n";
        if (p.value("author_match", false) && p.contains("matched_author")) out += "   Followed author: " + str(p, "matched_author") + "\n";
        const auto links = links_of(p);
        out += "   " + links.abs + "  (PDF: " + links.pdf + ")\n";
        if (const auto tldr = str(p, "tldr"); !tldr.empty()) out += "   TL;DR: " + tldr + "\n";
        if (s.abstract_chars > 0) {
            const auto abstract = chat::truncate(str(p, "abstract"), s.abstract_chars);
            const auto shown = layout.abstract_limit == std::string::npos ? abstract : whole_sentences(abstract, layout.abstract_limit);
            if (!shown.empty()) out += "\n   " + shown + "\n";
            const auto rest = web_url(digest).empty() ? links.abs : web_url(digest);
            if (shown.size() < abstract.size() && !rest.empty()) {
                out += std::string(shown.empty() ? "   Abstract" : "   The whole abstract") +
                       (web_url(digest).empty() ? " on " + links.source : std::string(" in the archive")) + ": " + rest + "\n";
            }
        }
        if (const auto up = vote_link(p, "vote_up_url"), down = vote_link(p, "vote_down_url"); !up.empty() && !down.empty()) {
            out += "   More like this: " + up + "\n   Less like this: " + down + "\n";
        }
    }
    if (papers.size() < digest["papers"].size()) {
        out += "\n\n" + std::to_string(digest["papers"].size() - papers.size()) + " more papers are in the full report.\n";
    }
    out += "\n-- \nSent by paperboy for the profile \"" + str(digest, "profile") + "\". Scores and comments are a language model's judgement.\n";
    return wrap_lines(out, 72);
}

std::string message_id(const json& digest, const settings& s) {
    const auto key = str(digest, "date") + "\n" + str(digest, "profile") + "\n" + str(digest, "channel") + "\n" + str(digest, "delivery_key");
    return "<paperboy." + str(digest, "date") + "." + stable_hex(key) + "@" + s.from.addr.substr(s.from.addr.find('@') + 1) + ">";
}

std::string build_message(const json& digest, const settings& s, std::chrono::system_clock::time_point now, std::string_view unsubscribe_url) {
    const auto id = message_id(digest, s);
    // Boundaries start with "=_": quoted-printable always writes '=' as "=3D", so no encoded
    // body line can ever equal a boundary.
    const auto alt = "=_pb_alt_" + stable_hex(id);
    const auto mixed = "=_pb_mix_" + stable_hex(id);
    std::string m;
    m += "Date: " + rfc5322_date(now) + "\r\n";
    m += address_header("From", {s.from});
    m += address_header("To", s.to);
    if (!s.cc.empty()) m += address_header("Cc", s.cc);
    if (s.reply_to) m += address_header("Reply-To", {*s.reply_to});
    m += unstructured_header("Subject", render_subject(s.subject, digest));
    m += "Message-ID: " + id + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    // RFC 3834: automatic mail; also keeps vacation responders quiet.
    m += "Auto-Submitted: auto-generated\r\n";
    m += list_headers(digest, s, unsubscribe_url);
    m += "X-Auto-Response-Suppress: All\r\n";
    const bool attach = s.attach_markdown && digest.contains("markdown") && digest["markdown"].is_string();
    if (attach) {
        m += "Content-Type: multipart/mixed;\r\n boundary=\"" + mixed + "\"\r\n\r\n";
        m += "This is a MIME message.\r\n\r\n--" + mixed + "\r\n";
    }
    m += "Content-Type: multipart/alternative;\r\n boundary=\"" + alt + "\"\r\n\r\n";
    if (!attach) m += "This is a MIME message.\r\n\r\n";
    m += "--" + alt + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    m += quoted_printable(render_text(digest, s)) + "\r\n";
    m += "--" + alt + "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    m += quoted_printable(render_html(digest, s)) + "\r\n";
    m += "--" + alt + "--\r\n";
    if (attach) {
        const auto name = "paperboy-" + str(digest, "profile") + "-" + str(digest, "date") + ".md";
        m += "\r\n--" + mixed + "\r\nContent-Type: text/markdown; charset=UTF-8;\r\n name=\"" + name +
             "\"\r\nContent-Disposition: attachment;\r\n filename=\"" + name + "\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
        m += quoted_printable(digest["markdown"].get<std::string>()) + "\r\n";
        m += "--" + mixed + "--\r\n";
    }
    return m;
}

smtp_failure classify_failure(int curl_code, long reply_code, std::string_view curl_message, std::string_view server_reply) {
    smtp_failure f;
    const std::string reply = server_reply.empty() ? std::string() : " (server said: " + strip_controls(server_reply) + ")";
    const std::string what = std::string(curl_message) + reply;
    switch (curl_code) {
        case CURLE_LOGIN_DENIED:
            return {PB_PERMANENT, false, "authentication failed: check username and password" + reply};
        case CURLE_USE_SSL_FAILED:
            return {PB_PERMANENT, false,
                    "the server does not offer STARTTLS, so nothing was sent (use smtps://, or \"tls\": \"none\" only for a "
                    "trusted local relay)"};
        case CURLE_PEER_FAILED_VERIFICATION:
            return {PB_PERMANENT, false, "the server's TLS certificate could not be verified: " + std::string(curl_message)};
        case CURLE_SSL_CACERT_BADFILE:
            return {PB_INVALID_CONFIG, false, "ca: " + std::string(curl_message)};
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
            return {PB_INVALID_CONFIG, false, "smtp_url: " + std::string(curl_message)};
        case CURLE_OPERATION_TIMEDOUT:
            return {PB_TIMEOUT, false, "timed out: " + what};
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
            return {PB_TRANSIENT, false, "cannot reach the SMTP server: " + std::string(curl_message)};
        default:
            break;
    }
    f.message = what;
    if (reply_code >= 500 && reply_code < 600) {
        f.status = PB_PERMANENT;
        f.recipient_refused = curl_message.starts_with("RCPT failed");
    } else {
        // 4xx replies, dropped connections and TLS handshake failures may pass.
        f.status = PB_TRANSIENT;
    }
    return f;
}

}  // namespace paperboy::email
