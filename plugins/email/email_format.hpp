// The email channel's pure logic: settings, the digest as a MIME message (plain text and
// HTML alternatives, optional Markdown attachment), and the classification of SMTP failures.
#pragma once

#include "chat_common.hpp"
#include "mime.hpp"
#include "paperboy/plugin.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace paperboy::email {

enum class tls_mode {
    starttls,  // smtp://: STARTTLS is required (CURLUSESSL_ALL); a server without it is refused
    implicit,  // smtps://: TLS from the first byte
    none       // smtp:// with "tls": "none": clear text, for a trusted local relay only
};

struct settings : chat::common_settings {
    settings() : chat::common_settings{0, 5000, 120'000} {}
    std::string smtp_url;              // smtp://host:587[/ehlo-name] or smtps://host:465
    tls_mode tls = tls_mode::starttls;
    std::string username, password;    // AUTH only when username is set
    address from;
    std::vector<address> to, cc, bcc;
    std::optional<address> reply_to;
    std::string subject = "paperboy: {new_papers} for {date}";
    std::string ca;                    // PEM CA certificates trusted instead of the system store ("ca_file"
                                       // in the config: the host reads the file); verification stays on
    std::uint32_t connect_timeout_ms = 30'000;
    bool attach_markdown = false;
    bool send_empty = false;           // a day without selected papers sends nothing unless set
    std::size_t max_html_bytes = 95'000;  // Gmail hides what follows ~102 KB of HTML; 0: no budget

    /// Every envelope recipient (to, cc, bcc), each address once, in that order.
    std::vector<std::string> recipients() const;
};

/// Throws std::invalid_argument naming the key: unknown keys, a URL that is not smtp:// or
/// smtps:// (or carries credentials), "tls": "none" with smtps://, addresses with control
/// characters or outside the accepted syntax, an empty "to", a subject template with CR/LF or
/// an unknown {placeholder}.
settings parse_settings(std::string_view config_json);

/// The subject from the template: {date}, {profile}, {count} and {new_papers} ("18 new
/// papers", "1 new paper", "no new papers"). Nothing from a paper can reach it.
std::string render_subject(const std::string& subject_template, const nlohmann::json& digest);

/// The plain-text alternative, the HTML's twin paper for paper and line for line (spam filters
/// score alternatives that differ): header lines, notes, then each paper (title, authors,
/// scores, comment, links, TL;DR, the abstract as far as the HTML shows it with the link to the
/// rest, the vote links), and the same papers left to the report; lines wrapped at 72 columns
/// (a URL longer than that stays whole).
std::string render_text(const nlohmann::json& digest, const settings& s);

/// The HTML alternative: a table-based layout with inline styles only (what Gmail, Outlook and
/// Apple Mail render alike). Every text from the digest is HTML-escaped; links go only to
/// https://arxiv.org/ and to the digest's http(s) web_url. Over `max_html_bytes`, abstracts are
/// shortened to whole sentences (the longest length that fits, the same for every paper) with a
/// link to the rest (the archive page, else arXiv); if even no abstract fits, the last papers
/// are left to the archive ("N more papers ...").
std::string render_html(const nlohmann::json& digest, const settings& s);

/// The whole sentences of `text` that fit in `limit` bytes ("" when the first does not).
std::string whole_sentences(std::string_view text, std::size_t limit);

/// Every line longer than `width` characters broken at spaces, continuation lines indented
/// like the line they continue; a word longer than the width (a URL) is not broken.
std::string wrap_lines(std::string_view text, std::size_t width);

/// "<paperboy.2025-07-23.<16 hex>@from-domain>": the same for one (date, profile, channel,
/// delivery_key), so a retried delivery carries the Message-ID of the first attempt and mail
/// systems that deduplicate on it (Gmail does) show it once.
std::string message_id(const nlohmann::json& digest, const settings& s);

/// "List-Id: paperboy <profile> <<profile>.paperboy.<from domain>>" and List-Unsubscribe,
/// CRLF-terminated; only [a-z0-9-] of the profile name is used. List-Unsubscribe is a mailto:
/// to the sender, preceded, when `unsubscribe_url` is an http(s) URL fit for a header (the
/// host's signed link for this recipient), by that URL, with "List-Unsubscribe-Post:
/// List-Unsubscribe=One-Click" (RFC 8058) so mail providers offer a one-click unsubscribe, when
/// the URL is https (RFC 8058 requires it; an http link is offered as a plain link).
std::string list_headers(const nlohmann::json& digest, const settings& s, std::string_view unsubscribe_url = {});

/// The host's signed unsubscribe URL for `recipient` (digest["unsubscribe"][channel]), or "".
std::string unsubscribe_url_for(const nlohmann::json& digest, std::string_view recipient);

/// Whether the host says `recipient` unsubscribed from this channel (digest["unsubscribed"]).
bool unsubscribed(const nlohmann::json& digest, std::string_view recipient);

/// The complete message, CRLF line ends, 7-bit, lines of at most 78 characters.
std::string build_message(const nlohmann::json& digest, const settings& s, std::chrono::system_clock::time_point now,
                          std::string_view unsubscribe_url = {});

struct smtp_failure {
    pb_status status = PB_TRANSIENT;
    bool recipient_refused = false;  // only this recipient: the others can still be served
    std::string message;
};

/// What a failed libcurl SMTP transfer means for the retry policy (protocols.md 5.5):
/// wrong credentials (535), a refused recipient or sender (5xx), a missing STARTTLS and an
/// untrusted certificate are permanent; no connection, timeouts and 4xx replies transient.
/// `server_reply` is the last line the server sent, quoted in the message.
smtp_failure classify_failure(int curl_code, long reply_code, std::string_view curl_message, std::string_view server_reply);

}  // namespace paperboy::email
