#include "webhook_format.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <optional>

namespace paperboy::webhook {
using nlohmann::json;

namespace {

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    return out;
}

std::string base64(const unsigned char* p, std::size_t n) {
    std::string out(4 * ((n + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(std::max(written, 0)));
    return out;
}

// Standard base64 with padding, as the spec serialises keys; nullopt for anything else.
std::optional<std::string> from_base64(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) return std::nullopt;
    std::string out(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    std::size_t size = static_cast<std::size_t>(n);
    // EVP_DecodeBlock counts the padding as zero bytes.
    for (std::size_t k = text.size(); k > 0 && text[k - 1] == '='; --k) --size;
    out.resize(size);
    return out;
}

bool printable(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127; });
}

}  // namespace

settings parse_settings(std::string_view config_json) {
    const auto j = json::parse(config_json, nullptr, false);
    if (!j.is_object()) throw std::invalid_argument("the configuration must be a JSON object");
    for (const auto& [key, v] : j.items()) {
        if (key != "url" && key != "secret" && key != "bearer_token" && key != "timeout_seconds") {
            throw std::invalid_argument(key + ": unknown key for the webhook plugin");
        }
    }
    settings s;
    if (!j.contains("url")) throw std::invalid_argument("url: required (where the digest is POSTed)");
    s.url = chat::string_key(j, "url");
    if (!(s.url.starts_with("https://") || s.url.starts_with("http://")) || !printable(s.url) || s.url.size() > 2048) {
        throw std::invalid_argument("url: expected an http(s) URL");
    }
    if (j.contains("secret")) {
        s.secret = chat::string_key(j, "secret");
        if (s.secret.starts_with("whsec_")) {
            const auto key = from_base64(std::string_view(s.secret).substr(6));
            if (!key || key->size() < 24 || key->size() > 64) {
                throw std::invalid_argument("secret: a whsec_ secret is base64 of 24 to 64 random bytes (Standard Webhooks), e.g. whsec_ followed by `openssl rand -base64 32`");
            }
            s.standard_key = *key;
        } else if (s.secret.size() < 16) {
            throw std::invalid_argument("secret: at least 16 characters (a random string both sides know), or a whsec_ key for Standard Webhooks");
        }
    }
    if (j.contains("bearer_token")) {
        s.bearer_token = chat::string_key(j, "bearer_token");
        if (s.bearer_token.empty() || !printable(s.bearer_token) || s.bearer_token.size() > 4096) {
            throw std::invalid_argument("bearer_token: expected printable ASCII without spaces");
        }
    }
    if (j.contains("timeout_seconds")) {
        const auto ms = j["timeout_seconds"].is_number() ? sdk::timeout_setting_ms(j["timeout_seconds"].get<double>()) : std::nullopt;
        if (!ms) throw std::invalid_argument("timeout_seconds: expected a number of seconds above 0 and at most 3600");
        s.timeout_ms = *ms;
    }
    return s;
}

std::string delivery_id(const json& digest) { return chat::delivery_id(digest); }

std::string body(const json& digest) {
    auto out = digest;
    out.erase("resume_from");
    out.erase("receipts");
    out["event"] = "paperboy.digest";
    out["delivery_id"] = delivery_id(digest);
    return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string signature(std::string_view secret, std::int64_t timestamp, std::string_view body) {
    const auto message = std::to_string(timestamp) + "." + std::string(body);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
    return "sha256=" + hex(mac, len);
}

std::string standard_signature(std::string_view key, std::string_view id, std::int64_t timestamp, std::string_view body) {
    const auto message = std::string(id) + "." + std::to_string(timestamp) + "." + std::string(body);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
    return "v1," + base64(mac, len);
}

json headers(const settings& s, const json& digest, std::int64_t timestamp, std::string_view body_text) {
    const auto id = delivery_id(digest);
    json h{{"Content-Type", "application/json"}, {"X-Paperboy-Event", "digest"}, {"X-Paperboy-Delivery", id}};
    if (!s.standard_key.empty()) {
        h["webhook-id"] = id;
        h["webhook-timestamp"] = std::to_string(timestamp);
        h["webhook-signature"] = standard_signature(s.standard_key, id, timestamp, body_text);
    } else if (!s.secret.empty()) {
        h["X-Paperboy-Timestamp"] = std::to_string(timestamp);
        h["X-Paperboy-Signature-256"] = signature(s.secret, timestamp, body_text);
    }
    if (!s.bearer_token.empty()) h["Authorization"] = "Bearer " + s.bearer_token;
    return h;
}

answer interpret(int http_status, std::string_view body_text, const json& hdrs) {
    answer a;
    if (http_status >= 200 && http_status < 300) return a;
    std::string snippet;
    for (const char c : body_text.substr(0, 200)) snippet += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    a.error = "the webhook answered HTTP " + std::to_string(http_status) + (snippet.empty() ? "" : ": " + snippet);
    const bool transient = http_status == 408 || http_status == 425 || http_status == 429 || http_status >= 500;
    a.status = transient ? PB_TRANSIENT : PB_PERMANENT;
    if (transient && hdrs.contains("retry-after") && hdrs["retry-after"].is_string()) a.retry_after_ms = chat::seconds_to_ms(hdrs["retry-after"].get<std::string>());
    return a;
}

}  // namespace paperboy::webhook
