// ABI glue for the email channel plugin: a digest in, one MIME message out, sent with
// libcurl's SMTP client to each recipient in its own transaction on one reused connection.
//
// Why one transaction per recipient (and not one RCPT list with ALLLOWFAILS): the outcome is
// exact per address, a refused address never stops the others, and a transient failure in
// the middle resumes at the recipient that failed, so nobody gets the digest twice.
#include "chat_common.hpp"
#include "email_format.hpp"

#include "paperboy/plugin_sdk.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace {
using nlohmann::json;
namespace em = paperboy::email;

struct upload {
    std::string_view data;
    std::size_t pos = 0;
};

std::size_t read_chunk(char* buffer, std::size_t size, std::size_t n, void* user) {
    auto* u = static_cast<upload*>(user);
    const auto count = std::min(size * n, u->data.size() - u->pos);
    std::memcpy(buffer, u->data.data() + u->pos, count);
    u->pos += count;
    return count;
}

// Keeps the last reply line the server sent, for error messages. Only server replies
// (CURLINFO_HEADER_IN) are looked at: what we send includes the AUTH exchange.
int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    if (type != CURLINFO_HEADER_IN) return 0;
    std::string line(data, std::min<std::size_t>(size, 400));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    // After a refusal libcurl says QUIT; its "221 Bye" must not hide the reason.
    if (!line.empty() && !line.starts_with("221")) *static_cast<std::string*>(user) = std::move(line);
    return 0;
}

struct send_result {
    CURLcode code = CURLE_OK;
    long reply = 0;
    std::string error, server_reply;
};

class email_plugin {
public:
    email_plugin(paperboy::sdk::host host, std::string_view config_json)
        : host_(host), settings_(paperboy::chat::settings_or_invalid_config(em::parse_settings, config_json)) {
        static std::once_flag once;
        std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        handle_.reset(curl_easy_init());
        if (!handle_) throw paperboy::sdk::plugin_error(PB_INTERNAL, "curl_easy_init failed");
    }

    std::string call(std::string_view request_json) {
        if (paperboy::sdk::is_probe(request_json)) return probe();
        const auto digest = paperboy::chat::digest_of(request_json);
        if (digest["papers"].empty() && !settings_.send_empty) {
            return json{{"skipped", "no papers selected (send_empty is off)"}, {"messages", 0}}.dump();
        }
        const auto now = std::chrono::system_clock::now();
        const auto common = em::build_message(digest, settings_, now);
        const auto id = em::message_id(digest, settings_);
        const auto recipients = settings_.recipients();
        json delivered = json::array();
        json refused = json::array();
        json unsubscribed = json::array();
        for (std::size_t i = digest.value("resume_from", 0UL); i < recipients.size(); ++i) {
            if (em::unsubscribed(digest, recipients[i])) {
                unsubscribed.push_back(recipients[i]);
                continue;
            }
            // Each recipient's own signed one-click link, when the host made one.
            const auto link = em::unsubscribe_url_for(digest, recipients[i]);
            const auto r = send(recipients[i], link.empty() ? common : em::build_message(digest, settings_, now, link));
            if (r.code == CURLE_OK) {
                delivered.push_back(recipients[i]);
                host_.progress(json{{"messages_sent", i + 1}, {"receipts", delivered}}.dump());
                continue;
            }
            const auto f = em::classify_failure(r.code, r.reply, r.error, r.server_reply);
            const auto text = redact("SMTP to " + recipients[i] + ": " + f.message);
            if (f.recipient_refused) {
                host_.log(PB_LOG_WARN, text);
                refused.push_back({{"recipient", recipients[i]}, {"error", redact(f.message)}});
                continue;
            }
            // Recipients before i have the message: a retry resumes at i.
            throw paperboy::sdk::plugin_error(f.status, text, json{{"messages_sent", i}, {"receipts", delivered}}.dump());
        }
        if (delivered.empty() && digest.value("receipts", json::array()).empty() && !refused.empty()) {
            throw paperboy::sdk::plugin_error(PB_PERMANENT, "every recipient was refused: " + refused.dump());
        }
        json out{{"message_id", id}, {"messages", delivered.size()}, {"receipts", delivered}, {"refused", refused}};
        if (!unsubscribed.empty()) out["unsubscribed"] = unsubscribed;
        if (delivered.empty() && refused.empty() && !unsubscribed.empty()) out["skipped"] = "every recipient unsubscribed";
        return out.dump();
    }

private:
    // Connect, STARTTLS, AUTH, NOOP, QUIT on a handle of its own: sends no mail.
    std::string probe() {
        const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), &curl_easy_cleanup);
        if (!h) throw paperboy::sdk::plugin_error(PB_INTERNAL, "curl_easy_init failed");
        send_result r;
        char error[CURL_ERROR_SIZE] = {};
        connection_options(h.get(), error, r);
        curl_easy_setopt(h.get(), CURLOPT_CUSTOMREQUEST, "NOOP");
        curl_easy_setopt(h.get(), CURLOPT_NOBODY, 1L);
        r.code = curl_easy_perform(h.get());
        curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &r.reply);
        r.error = error[0] ? error : curl_easy_strerror(r.code);
        if (r.code != CURLE_OK) {
            const auto f = em::classify_failure(r.code, r.reply, r.error, r.server_reply);
            throw paperboy::sdk::plugin_error(f.status, redact("SMTP " + f.message));
        }
        return json{{"ok", true},
                    {"detail", std::string(settings_.tls == em::tls_mode::none ? "connected" : "connected with TLS") +
                                   (settings_.username.empty() ? "" : ", logged in as " + settings_.username) + ", NOOP answered " +
                                   std::to_string(r.reply)}}
            .dump(-1, ' ', false, json::error_handler_t::replace);
    }

    // What every transaction shares: the server, TLS (always verified), AUTH, deadlines and
    // the reply capture. `error` and `r` must outlive the transfer.
    void connection_options(CURL* h, char* error, send_result& r) const {
        curl_easy_setopt(h, CURLOPT_URL, settings_.smtp_url.c_str());
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(settings_.tls == em::tls_mode::none ? CURLUSESSL_NONE : CURLUSESSL_ALL));
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!settings_.ca.empty()) {
            curl_blob blob{const_cast<char*>(settings_.ca.data()), settings_.ca.size(), CURL_BLOB_COPY};
            curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
        }
        if (!settings_.username.empty()) {
            curl_easy_setopt(h, CURLOPT_USERNAME, settings_.username.c_str());
            curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str());
        }
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout_ms));
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
        curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
        curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &on_debug);
        curl_easy_setopt(h, CURLOPT_DEBUGDATA, &r.server_reply);
    }

    send_result send(const std::string& recipient, const std::string& message) {
        CURL* h = handle_.get();
        send_result r;
        char error[CURL_ERROR_SIZE] = {};
        upload body{message};
        const auto rcpt = "<" + recipient + ">";
        const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpts(curl_slist_append(nullptr, rcpt.c_str()), &curl_slist_free_all);
        const auto from = "<" + settings_.from.addr + ">";
        connection_options(h, error, r);
        curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
        curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts.get());
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, &read_chunk);
        curl_easy_setopt(h, CURLOPT_READDATA, &body);
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
        r.code = curl_easy_perform(h);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.reply);
        r.error = error[0] ? error : curl_easy_strerror(r.code);
        // The options point at locals: clear them before the handle outlives this frame.
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
        curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);
        curl_easy_setopt(h, CURLOPT_READDATA, nullptr);
        curl_easy_setopt(h, CURLOPT_DEBUGDATA, nullptr);
        return r;
    }

    std::string redact(std::string text) const { return paperboy::sdk::redact(std::move(text), settings_.password); }

    paperboy::sdk::host host_;
    em::settings settings_;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle_{nullptr, &curl_easy_cleanup};
};

constexpr const char* config_doc = R"doc([
  {"key": "smtp_url", "type": "string", "required": true, "secret": false, "doc": "smtp://host:587 (STARTTLS required) or smtps://host:465; the path, if any, is the EHLO name"},
  {"key": "tls", "type": "string", "required": false, "secret": false, "doc": "\"required\" (default) or \"none\" for a trusted local relay on smtp://"},
  {"key": "username", "type": "string", "required": false, "secret": false, "doc": "SMTP AUTH user; no AUTH without it"},
  {"key": "password", "type": "string", "required": false, "secret": true, "doc": "SMTP AUTH password (or password_file, or ${ENV})"},
  {"key": "from", "type": "string", "required": true, "secret": false, "doc": "sender, e.g. \"paperboy <digest@lab.example.org>\""},
  {"key": "to", "type": "array", "required": true, "secret": false, "doc": "recipients (a list or one address)"},
  {"key": "cc", "type": "array", "required": false, "secret": false, "doc": "copy recipients"},
  {"key": "bcc", "type": "array", "required": false, "secret": false, "doc": "blind copy recipients (never in a header)"},
  {"key": "reply_to", "type": "string", "required": false, "secret": false, "doc": "Reply-To address"},
  {"key": "subject", "type": "string", "required": false, "secret": false, "doc": "template with {date} {profile} {count} {new_papers}; default \"paperboy: {new_papers} for {date}\""},
  {"key": "ca", "type": "string", "required": false, "secret": false, "doc": "PEM CA certificates trusted instead of the system store, usually as ca_file (verification stays on)"},
  {"key": "attach_markdown", "type": "boolean", "required": false, "secret": false, "doc": "attach the Markdown report"},
  {"key": "send_empty", "type": "boolean", "required": false, "secret": false, "doc": "send a message on days without selected papers; default false"},
  {"key": "top_n", "type": "integer", "required": false, "secret": false, "doc": "list at most this many papers; 0 = all"},
  {"key": "abstract_chars", "type": "integer", "required": false, "secret": false, "doc": "abstracts shortened to this length; 0 = no abstracts; default 5000"},
  {"key": "connect_timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "default 30"},
  {"key": "timeout_seconds", "type": "number", "required": false, "secret": false, "doc": "per message; default 120"}
])doc";

}  // namespace

PAPERBOY_DEFINE_PLUGIN(email_plugin, "email", "1.0.0", PB_KIND_CHANNEL, config_doc)
