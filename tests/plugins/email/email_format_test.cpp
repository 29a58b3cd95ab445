#include "email_format.hpp"

#include <catch2/catch.hpp>

#include <curl/curl.h>

using namespace paperboy::email;
using nlohmann::json;

namespace {

// A reference decoder, to check that encoding loses nothing.
std::string decode_qp(const std::string& in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '=' && i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
            i += 2;
        } else if (in[i] == '=') {
            out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else if (in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n') {
            out += '\n';
            ++i;
        } else {
            out += in[i];
        }
    }
    return out;
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    for (auto nl = s.find("\r\n"); nl != std::string::npos; nl = s.find("\r\n", pos)) {
        out.push_back(s.substr(pos, nl - pos));
        pos = nl + 2;
    }
    out.push_back(s.substr(pos));
    return out;
}

json settings_json() {
    return {{"smtp_url", "smtp://mail.example.org:587"}, {"from", "paperboy <digest@lab.example.org>"}, {"to", {"ada@example.org"}}};
}

json digest(std::size_t papers) {
    json d{{"schema", 1}, {"date", "2025-07-23"}, {"profile", "golden"}, {"channel", "mail"}, {"model", "gpt-4o"},
           {"stats", {{"scanned", 262}, {"prompt_tokens", 25575}, {"completion_tokens", 3086}, {"cost_usd", 0.094797}}},
           {"notes", json::array()}, {"web_url", nullptr}, {"papers", json::array()}};
    for (std::size_t i = 0; i < papers; ++i) {
        d["papers"].push_back({{"id", "2507.1588" + std::to_string(i)}, {"title", "A <b>bold</b> & \"quoted\" title"},
                               {"authors", {"Ada Lovelace", "Émilie du Châtelet"}}, {"abstract", "We show $x<y$ for all <script>alert(1)</script>."},
                               {"comment", "Relevant."}, {"relevance", 9}, {"novelty", 8}, {"author_match", false},
                               {"url", "https://arxiv.org/abs/2507.1588" + std::to_string(i)},
                               {"pdf_url", "https://arxiv.org/pdf/2507.1588" + std::to_string(i)}});
    }
    return d;
}

}  // namespace

TEST_CASE("email address: plain and named addresses are accepted, anything that could carry a command is not") {
    CHECK(parse_address("ada@example.org").addr == "ada@example.org");
    const auto named = parse_address("  \"Ada Lovelace\" <ada@example.org> ");
    CHECK(named.display == "Ada Lovelace");
    CHECK(named.addr == "ada@example.org");
    CHECK(format_address(named) == "\"Ada Lovelace\" <ada@example.org>");
    CHECK(format_address(parse_address("Émilie <emilie@example.org>")) == "=?UTF-8?B?w4ltaWxpZQ==?= <emilie@example.org>");
    for (const auto* bad : {"ada@example.org\r\nRCPT TO:<eve@example.org>", "ada@example.org\nBcc: eve@example.org", "ada",
                            "ada@@example.org", "a b@example.org", "ada@example.org, eve@example.org", "<ada@example.org>>",
                            "ada@-example.org", "ada@example..org", "Ada <ada@example.org> trailing", "\"A\\\" <ada@example.org>",
                            "ada@exa_mple.org", "ada\t@example.org"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_address(bad), std::invalid_argument);
    }
}

TEST_CASE("email headers: non-ASCII subjects become RFC 2047 words of at most 75 characters, split on characters") {
    const std::string subject = "paperboy: 18 new papers — Schrödinger, 表示学习 and 🚀 for the lab's reading group this week";
    const auto h = unstructured_header("Subject", subject);
    CHECK(h.starts_with("Subject: =?UTF-8?B?"));
    CHECK(h.ends_with("?=\r\n"));
    std::string decoded;
    for (const auto& line : lines(h.substr(0, h.size() - 2))) {
        CHECK(line.size() <= 78);
        const auto start = line.find("=?UTF-8?B?");
        REQUIRE(start != std::string::npos);
        const auto word = line.substr(start);
        CHECK(word.size() <= 75);
        // Every word decodes to complete UTF-8 on its own: no sequence is split.
        const auto b64 = word.substr(10, word.size() - 12);
        std::string raw;
        int val = 0, bits = -8;
        for (const char c : b64) {
            if (c == '=') break;
            val = (val << 6) + static_cast<int>(std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/").find(c));
            bits += 6;
            if (bits >= 0) {
                raw += static_cast<char>((val >> bits) & 0xFF);
                bits -= 8;
            }
        }
        CHECK((static_cast<unsigned char>(raw[0]) & 0xC0) != 0x80);
        decoded += raw;
    }
    CHECK(decoded == subject);
    CHECK(unstructured_header("Subject", "plain ascii subject") == "Subject: plain ascii subject\r\n");
    // CR/LF cannot start a new header line.
    CHECK(unstructured_header("Subject", "hi\r\nBcc: eve@example.org") == "Subject: hi Bcc: eve@example.org\r\n");
}

TEST_CASE("email body: quoted-printable keeps lines under 77 characters and decodes back exactly") {
    std::string text = "Ünïcödé line with = signs and a very long line " + std::string(300, 'x') + " end \n.leading dot\nFrom the start\n\ttab \n";
    const auto qp = quoted_printable(text);
    for (const auto& line : lines(qp)) {
        CHECK(line.size() <= 76);
        CHECK_FALSE(line.starts_with("."));
        CHECK_FALSE(line.starts_with("From "));
        CHECK((line.empty() || (line.back() != ' ' && line.back() != '\t')));
        for (const unsigned char c : line) CHECK(c < 128);
    }
    CHECK(decode_qp(qp) == text);
}

TEST_CASE("email settings: clear errors name the key") {
    const auto err = [](json j) {
        try {
            parse_settings(j.dump());
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK(err(settings_json()) == "accepted");
    auto j = settings_json();
    j["smtp_url"] = "smtp://lab:pw@mail.example.org";
    CHECK(err(j).starts_with("smtp_url: put credentials in username"));
    j["smtp_url"] = "http://mail.example.org";
    CHECK(err(j).starts_with("smtp_url: expected smtp://"));
    j = settings_json();
    j["smtp_url"] = "smtps://mail.example.org";
    j["tls"] = "none";
    CHECK(err(j) == "tls: \"none\" contradicts an smtps:// URL");
    j = settings_json();
    j["to"] = json::array();
    CHECK(err(j) == "to: at least one recipient is required");
    j["to"] = {"ada@example.org\r\nBcc: eve@example.org"};
    CHECK(err(j).starts_with("to: an email address must not contain control characters"));
    j = settings_json();
    j["subject"] = "{date}: {title}";
    CHECK(err(j).starts_with("subject: unknown placeholder {title}"));
    j["subject"] = "x\nBcc: eve@example.org";
    CHECK(err(j).starts_with("subject: must not contain control characters"));
    j = settings_json();
    j["smtp_port"] = 25;
    CHECK(err(j) == "smtp_port: unknown key for the email plugin");
    j = settings_json();
    j["password"] = "pw";
    CHECK(err(j) == "password: given without username");

    auto s = parse_settings(json{{"smtp_url", "smtp://m.example.org"}, {"from", "d@example.org"}, {"to", "a@example.org"},
                                 {"cc", {"b@example.org", "a@example.org"}}, {"bcc", {"c@example.org"}}}
                                .dump());
    CHECK(s.tls == tls_mode::starttls);
    CHECK(s.recipients() == std::vector<std::string>{"a@example.org", "b@example.org", "c@example.org"});
}

TEST_CASE("email message: subject template, stable Message-ID, escaped HTML, bcc nowhere") {
    auto s = parse_settings(settings_json().dump());
    s.bcc = {parse_address("secret@example.org")};
    const auto d = digest(2);
    CHECK(render_subject(s.subject, d) == "paperboy: 2 new papers for 2025-07-23");
    CHECK(render_subject(s.subject, digest(1)) == "paperboy: 1 new paper for 2025-07-23");
    CHECK(render_subject("[{profile}] {count} on {date}", d) == "[golden] 2 on 2025-07-23");

    const auto id = message_id(d, s);
    CHECK(id == message_id(d, s));
    CHECK(id.starts_with("<paperboy.2025-07-23."));
    CHECK(id.ends_with("@lab.example.org>"));
    auto other = d;
    other["channel"] = "other-mail";
    CHECK(message_id(other, s) != id);
    other = d;
    other["delivery_key"] = "resend-1";
    CHECK(message_id(other, s) != id);

    const auto html = render_html(d, s);
    CHECK(html.find("<script>") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; title") != std::string::npos);
    CHECK(html.find("Wednesday, 23 July 2025") != std::string::npos);

    auto bad_link = digest(1);
    bad_link["papers"][0]["url"] = "javascript:alert(1)";
    bad_link["web_url"] = "javascript:alert(2)";
    const auto h2 = render_html(bad_link, s);
    CHECK(h2.find("javascript:") == std::string::npos);
    CHECK(h2.find("href=\"https://arxiv.org/abs/2507.15880\"") != std::string::npos);  // built from the id, not the url field

    // A bioRxiv paper links to bioRxiv, in both parts; an id of neither kind gets no link at all.
    auto bio = digest(2);
    bio["papers"][0]["id"] = "biorxiv:10.1101/2025.11.19.623456";
    bio["papers"][1]["id"] = "biorxiv:10.1101/../evil";
    const auto h3 = render_html(bio, s);
    CHECK(h3.find("href=\"https://www.biorxiv.org/content/10.1101/2025.11.19.623456\"") != std::string::npos);
    CHECK(h3.find("https://www.biorxiv.org/content/10.1101/2025.11.19.623456.full.pdf") != std::string::npos);
    CHECK(h3.find("evil") == std::string::npos);
    CHECK(render_text(bio, s).find("https://www.biorxiv.org/content/10.1101/2025.11.19.623456.full.pdf") != std::string::npos);

    const auto m = build_message(d, s, std::chrono::sys_days{std::chrono::year{2025} / 7 / 23} + std::chrono::hours{6});
    CHECK(m.find("Date: Wed, 23 Jul 2025 06:00:00 +0000\r\n") == 0);
    CHECK(m.find("secret@example.org") == std::string::npos);
    CHECK(m.find("Bcc") == std::string::npos);
    for (const auto& line : lines(m)) CHECK(line.size() <= 78);
}

TEST_CASE("email failures: permanent and transient as the retry policy needs them") {
    auto f = classify_failure(CURLE_LOGIN_DENIED, 535, "Login denied", "535 5.7.8 Authentication credentials invalid");
    CHECK(f.status == PB_PERMANENT);
    CHECK(f.message.find("535 5.7.8") != std::string::npos);
    CHECK(classify_failure(CURLE_USE_SSL_FAILED, 0, "STARTTLS not supported.", "").status == PB_PERMANENT);
    CHECK(classify_failure(CURLE_PEER_FAILED_VERIFICATION, 0, "SSL certificate problem", "").status == PB_PERMANENT);
    CHECK(classify_failure(CURLE_COULDNT_CONNECT, 0, "Connection refused", "").status == PB_TRANSIENT);
    CHECK(classify_failure(CURLE_OPERATION_TIMEDOUT, 0, "timed out", "").status == PB_TIMEOUT);
    CHECK(classify_failure(CURLE_RECV_ERROR, 0, "Failure when receiving data", "").status == PB_TRANSIENT);
    f = classify_failure(CURLE_SEND_ERROR, 550, "RCPT failed: 550", "550 5.1.1 User unknown");
    CHECK(f.status == PB_PERMANENT);
    CHECK(f.recipient_refused);
    f = classify_failure(CURLE_SEND_ERROR, 451, "RCPT failed: 451", "451 try later");
    CHECK(f.status == PB_TRANSIENT);
    f = classify_failure(CURLE_SEND_ERROR, 530, "MAIL failed: 530", "530 Authentication required");
    CHECK(f.status == PB_PERMANENT);
    CHECK_FALSE(f.recipient_refused);
}

TEST_CASE("email: an incomplete digest says so in the subject, the text and the HTML, whatever the subject template") {
    const auto s = parse_settings(settings_json().dump());
    auto d = digest(2);
    d["incomplete"] = {{"unscored", 37}, {"fallback_scored", 0}, {"reason", "the model provider failed"},
                       {"text", "Incomplete digest: 37 of 262 papers could not be scored (the model provider failed <x>); relevant papers may be missing."}};
    CHECK(render_subject(s.subject, d) == "[incomplete] paperboy: 2 new papers for 2025-07-23");
    CHECK(render_subject("{date}", d) == "[incomplete] 2025-07-23");
    CHECK(render_text(d, s).find("*** Incomplete digest: 37 of 262 papers could not be scored") != std::string::npos);
    const auto html = render_html(d, s);
    CHECK(html.find("Incomplete digest: 37 of 262 papers") != std::string::npos);
    CHECK(html.find("failed &lt;x&gt;") != std::string::npos);
    CHECK(render_subject(s.subject, digest(2)).find("incomplete") == std::string::npos);
}

TEST_CASE("email: each paper carries the host's signed vote links, and only http(s) ones") {
    const auto s = parse_settings(settings_json().dump());
    auto d = digest(2);
    d["papers"][0]["vote_up_url"] = "https://digest.example.org/vote?p=lab&d=2025-07-23&id=2507.00001&v=up&s=abc";
    d["papers"][0]["vote_down_url"] = "https://digest.example.org/vote?p=lab&d=2025-07-23&id=2507.00001&v=down&s=def";
    d["papers"][1]["vote_up_url"] = "javascript:alert(1)";
    d["papers"][1]["vote_down_url"] = "javascript:alert(2)";
    const auto html = render_html(d, s);
    CHECK(html.find("href=\"https://digest.example.org/vote?p=lab&amp;d=2025-07-23&amp;id=2507.00001&amp;v=up&amp;s=abc\"") != std::string::npos);
    CHECK(html.find("More like this") != html.rfind("More like this") + 1);  // present
    CHECK(html.find("javascript:") == std::string::npos);
}

TEST_CASE("email text: abstracts shorten to whole sentences, lines wrap at 72 columns under their own indent") {
    CHECK(whole_sentences("One. Two? Three! Four.", 100) == "One. Two? Three! Four.");
    CHECK(whole_sentences("One. Two? Three! Four.", 12) == "One. Two?");
    CHECK(whole_sentences("A sentence with e.g. inside. Next.", 27) == "A sentence with e.g.");  // a known limit: abbreviations end sentences
    CHECK(whole_sentences("No sentence end in reach", 10).empty());

    const std::string long_line = "   " + std::string(30, 'a') + " " + std::string(30, 'b') + " " + std::string(30, 'c');
    CHECK(wrap_lines(long_line + "\n", 72) == "   " + std::string(30, 'a') + " " + std::string(30, 'b') + "\n   " + std::string(30, 'c') + "\n");
    CHECK(wrap_lines("12. " + std::string(40, 't') + " " + std::string(40, 'u'), 72) == "12. " + std::string(40, 't') + "\n    " + std::string(40, 'u'));
    const std::string url = "   https://arxiv.org/abs/" + std::string(80, '9');
    CHECK(wrap_lines(url, 72) == url);  // a URL stays whole
    CHECK(wrap_lines("-- \nsig", 72) == "-- \nsig");
    CHECK(wrap_lines("É" + std::string(69, 'x') + " y", 72) == "É" + std::string(69, 'x') + " y");  // 72 characters, more bytes
}

TEST_CASE("email: List-Unsubscribe carries the host's https link and one-click only when the URL is fit for a header") {
    const auto s = parse_settings(R"({"smtp_url": "smtp://127.0.0.1:25", "from": "paperboy <digest@lab.example.org>", "to": ["ada@example.org"]})");
    const json digest{{"profile", "lab"}, {"channel", "mail"}, {"unsubscribe", {{"mail", {{"ada@example.org", "https://d.example.org/unsubscribe?a=1"}}}}}};
    CHECK(unsubscribe_url_for(digest, "ada@example.org") == "https://d.example.org/unsubscribe?a=1");
    CHECK(unsubscribe_url_for(digest, "grace@example.org").empty());
    const auto h = list_headers(digest, s, "https://d.example.org/unsubscribe?a=1");
    CHECK(h.find("List-Unsubscribe: <https://d.example.org/unsubscribe?a=1>,\r\n <mailto:digest@lab.example.org?subject=unsubscribe%20lab>\r\n") != std::string::npos);
    CHECK(h.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") != std::string::npos);
    const auto bad = list_headers(digest, s, "https://d.example.org/u?a=1\r\nBcc: evil@example.org");
    CHECK(bad.find("Bcc") == std::string::npos);
    CHECK(bad.find("List-Unsubscribe-Post") == std::string::npos);  // one-click only with a usable URL
    // RFC 8058 asks for https: over http the link stays, one-click does not.
    const auto plain = list_headers(digest, s, "http://d.example.org/unsubscribe?a=1");
    CHECK(plain.find("List-Unsubscribe: <http://d.example.org/unsubscribe?a=1>,") != std::string::npos);
    CHECK(plain.find("List-Unsubscribe-Post") == std::string::npos);
    CHECK(unsubscribed(json{{"unsubscribed", {"ada@example.org"}}}, "ada@example.org"));
    CHECK_FALSE(unsubscribed(digest, "ada@example.org"));
}
