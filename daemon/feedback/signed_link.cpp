#include "feedback/signed_link.hpp"

#include "arxiv/feed_parser.hpp"
#include "arxiv/paper.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "paperboy/paper_ids.hpp"
#include "paperboy/plugin_sdk.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <map>

namespace paperboy {
namespace {

std::string hex(const unsigned char* data, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0xf];
    }
    return out;
}

std::string percent_encode(std::string_view s) {
    std::string out;
    for (const unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
            out += static_cast<char>(c);
        } else {
            static constexpr char digits[] = "0123456789ABCDEF";
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0xf];
        }
    }
    return out;
}

// The fields of a query string or form body; nullopt for a malformed escape or a field given
// twice (which would let one link carry two votes).
std::optional<std::map<std::string, std::string>> form_fields(std::string_view query) {
    std::map<std::string, std::string> fields;
    for (std::size_t pos = 0; pos <= query.size();) {
        auto end = query.find('&', pos);
        if (end == std::string_view::npos) end = query.size();
        const auto pair = query.substr(pos, end - pos);
        if (const auto eq = pair.find('='); eq != std::string_view::npos) {
            auto key = text::percent_decode(pair.substr(0, eq), true);
            auto value = text::percent_decode(pair.substr(eq + 1), true);
            if (!key || !value || !fields.emplace(std::move(*key), std::move(*value)).second) return std::nullopt;
        }
        pos = end + 1;
    }
    return fields;
}

bool profile_name(std::string_view s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

std::string signature(std::string_view secret, const std::string& message) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
         &len);
    return hex(mac, std::min<unsigned int>(len, 16));
}

bool signature_matches(const std::string& given, const std::string& expected) {
    return given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

std::string unsubscribe_signature(std::string_view secret, const unsubscribe_link& u) {
    return signature(secret, "paperboy-unsubscribe-1\n" + u.profile + "\n" + u.channel + "\n" + u.address);
}

// An address as the email plugin accepts one: printable, one '@', no spaces or brackets.
bool plain_address(std::string_view a) {
    return a.size() >= 3 && a.size() <= 254 && std::count(a.begin(), a.end(), '@') == 1 && a.front() != '@' && a.back() != '@' &&
           std::all_of(a.begin(), a.end(), [](char c) { return c > ' ' && c < 127 && c != '<' && c != '>' && c != '"' && c != ','; });
}

}  // namespace

std::string vote_signature(std::string_view secret, const vote_link& v) {
    // Fields joined by a byte none of them may contain, so no two votes sign alike.
    return signature(secret, "paperboy-vote-1\n" + v.profile + "\n" + v.date + "\n" + v.paper_id + "\n" + (v.value > 0 ? "up" : "down"));
}

std::string unsubscribe_url(std::string_view public_url, std::string_view secret, const unsubscribe_link& u) {
    const std::string base(text::without_trailing(public_url, '/'));
    return base + "/unsubscribe?p=" + percent_encode(u.profile) + "&c=" + percent_encode(u.channel) + "&a=" + percent_encode(u.address) +
           "&s=" + unsubscribe_signature(secret, u);
}

std::optional<unsubscribe_link> verify_unsubscribe(std::string_view secret, std::string_view query) {
    if (query.size() > 2048 || secret.empty()) return std::nullopt;
    auto parsed = form_fields(query);
    if (!parsed) return std::nullopt;
    auto& fields = *parsed;
    for (const auto* key : {"p", "c", "a", "s"}) {
        if (!fields.contains(key)) return std::nullopt;
    }
    unsubscribe_link u{fields["p"], fields["c"], fields["a"]};
    if (!profile_name(u.profile) || !profile_name(u.channel) || !plain_address(u.address)) return std::nullopt;
    if (!signature_matches(fields["s"], unsubscribe_signature(secret, u))) return std::nullopt;
    return u;
}

std::string vote_url(std::string_view public_url, std::string_view secret, const vote_link& v) {
    const std::string base(text::without_trailing(public_url, '/'));
    return base + "/vote?p=" + percent_encode(v.profile) + "&d=" + percent_encode(v.date) + "&id=" + percent_encode(v.paper_id) +
           "&v=" + (v.value > 0 ? "up" : "down") + "&s=" + vote_signature(secret, v);
}

std::optional<vote_link> verify_vote(std::string_view secret, std::string_view query) {
    if (query.size() > 2048 || secret.empty()) return std::nullopt;
    auto parsed = form_fields(query);
    if (!parsed) return std::nullopt;
    auto& fields = *parsed;
    for (const auto* key : {"p", "d", "id", "v", "s"}) {
        if (!fields.contains(key)) return std::nullopt;
    }
    vote_link v{fields["p"], fields["d"], fields["id"], fields["v"] == "up" ? 1 : fields["v"] == "down" ? -1 : 0};
    if (v.value == 0 || !profile_name(v.profile) || !parse_iso_day(v.date) || !is_paper_id(v.paper_id)) return std::nullopt;
    if (!signature_matches(fields["s"], vote_signature(secret, v))) return std::nullopt;
    return v;
}

namespace {
std::string page(const std::string& title, const std::string& body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta name=\"robots\" content=\"noindex\"><title>" + sdk::html_escape(title) + "</title>"
           "<style>body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}"
           "button{font-size:1.1rem;padding:.5rem 1.2rem}</style></head><body>\n" + body + "</body></html>\n";
}
// The voted paper's page on its server (a verified vote's id has one).
std::string paper_page(const vote_link& v) {
    const auto links = sdk::links_for(v.paper_id);
    return links ? links->abs : std::string();
}

}  // namespace

std::string vote_confirm_page(const vote_link& v, std::string_view title, std::string_view form_body) {
    const auto what = v.value > 0 ? std::string("\xF0\x9F\x91\x8D More like this") : std::string("\xF0\x9F\x91\x8E Less like this");
    std::string hidden;
    for (const auto& [key, value] : form_fields(form_body).value_or(std::map<std::string, std::string>{})) {
        hidden += "<input type=\"hidden\" name=\"" + sdk::html_escape(key) + "\" value=\"" + sdk::html_escape(value) + "\">";
    }
    return page("paperboy: " + what,
                "<h1>" + sdk::html_escape(what) + "?</h1>\n<p><a href=\"" + sdk::html_escape(paper_page(v)) + "\">" +
                    sdk::html_escape(title) + "</a> (" + sdk::html_escape(v.date) + ", profile " + sdk::html_escape(v.profile) +
                    ")</p>\n<form method=\"post\" action=\"/vote\">" + hidden + "<button type=\"submit\">" + sdk::html_escape(what) +
                    "</button></form>\n<p>Your vote teaches the profile's ranker; a later vote on this paper replaces it.</p>\n");
}

std::string vote_done_page(const vote_link& v, std::string_view title) {
    return page("paperboy: vote recorded", "<h1>Thank you</h1>\n<p>Recorded " + std::string(v.value > 0 ? "\xF0\x9F\x91\x8D" : "\xF0\x9F\x91\x8E") +
                                               " for <a href=\"" + sdk::html_escape(paper_page(v)) + "\">" +
                                               sdk::html_escape(title) + "</a>. The next digest learns from it.</p>\n");
}

std::string unsubscribe_confirm_page(const unsubscribe_link& u, std::string_view query) {
    std::string hidden;
    for (const auto& [key, value] : form_fields(query).value_or(std::map<std::string, std::string>{})) {
        hidden += "<input type=\"hidden\" name=\"" + sdk::html_escape(key) + "\" value=\"" + sdk::html_escape(value) + "\">";
    }
    return page("paperboy: unsubscribe", "<h1>Stop the " + sdk::html_escape(u.profile) + " digest?</h1>\n<p>" + sdk::html_escape(u.address) +
                                             " will get no more digests of profile " + sdk::html_escape(u.profile) + " through " +
                                             sdk::html_escape(u.channel) + ".</p>\n<form method=\"post\" action=\"/unsubscribe\">" + hidden +
                                             "<button type=\"submit\">Unsubscribe</button></form>\n");
}

std::string unsubscribe_done_page(const unsubscribe_link& u) {
    return page("paperboy: unsubscribed", "<h1>Unsubscribed</h1>\n<p>" + sdk::html_escape(u.address) + " gets no more digests of profile " +
                                              sdk::html_escape(u.profile) + ". Whoever runs this paperboy can add it back (paperboy status).</p>\n");
}

}  // namespace paperboy
