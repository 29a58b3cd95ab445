#include "job/daily_run.hpp"

#include "core/files.hpp"
#include "support/fake_openai.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"
#include "support/smtp_server.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace paperboy;
using nlohmann::json;
using test::smtp_server;
using test::temp_dir;

namespace {

// The golden day (262 papers, replayed answers: 18 selected) with one channel "mail".
json mail_config_json(const temp_dir& dir, const json& mail, const std::string& feed = test::golden_feed().string()) {
    return {
        {"arxiv", {{"categories", {"cs.LG", "cs.AI"}}, {"feed_url", "file://" + feed}, {"max_attempts", 1}}},
        {"profiles",
         {{{"name", "golden"},
           {"topics_file", (test::source_dir() / "config/prompts/topics.txt").string()},
           {"authors", {"Yoshua Bengio"}},
           {"channels", {"mail"}}}}},
        {"llm",
         {{"plugin", "replay"},
          {"model", "gpt-4o"},
          {"answers_file", (test::data_dir() / "days/2025-07-23/answers.json").string()},
          {"max_attempts", 2},
          {"retry_delay_ms", 10}}},
        {"channels", {{"mail", mail}}},
        {"delivery", {{"retry_delay_seconds", 0.01}, {"max_attempts", 2}}},
        {"plugin_dir", PAPERBOY_PLUGIN_BUILD_DIR},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
    };
}

config mail_config(const temp_dir& dir, const json& mail, const std::string& feed = test::golden_feed().string()) {
    return parse_config(mail_config_json(dir, mail, feed).dump(), dir.path()).value();
}

json base_mail(const smtp_server& server, const std::string& scheme = "smtp") {
    return {{"plugin", "email"},
            {"smtp_url", server.url(scheme)},
            {"from", "paperboy <digest@lab.example.org>"},
            {"to", {"ada@example.org", "Grace Hopper <grace@example.org>"}}};
}

std::string header(const json& mail, const std::string& name) {
    for (const auto& h : mail["headers"]) {
        if (h[0] == name) return h[1];
    }
    return "<absent>";
}

// SpamAssassin (Debian's, offline rules only) finds nothing to hold against the message: a
// score <= 0, no obfuscated HTML and no alternatives that differ (MPART_ALT_DIFF*).
void check_spam_verdict(const std::filesystem::path& eml) {
    if (std::system("command -v spamassassin >/dev/null 2>&1") != 0) {
        WARN("spamassassin is not installed (scripts/install-deps installs it for the tests): skipped");
        return;
    }
    const auto sa = test::shell_output("spamassassin -t -L < '" + eml.string() + "' 2>/dev/null");
    const auto status = sa.find("X-Spam-Status: ");
    REQUIRE(status != std::string::npos);
    auto line = sa.substr(status, sa.find("\nX-", status + 1) - status);  // the header folds over lines
    INFO(line << "\n" << sa.substr(std::min(sa.size(), sa.rfind("Content analysis details"))));
    const auto score = std::stod(line.substr(line.find("score=") + 6));
    CHECK(score <= 0.0);
    CHECK(line.find("HTML_OBFUSCATE") == std::string::npos);
    CHECK(line.find("MPART_") == std::string::npos);
}

int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("email: the golden day arrives once per recipient over STARTTLS with AUTH, complete and well-formed") {
    temp_dir dir;
    const auto ca = test::make_test_ca(dir);
    smtp_server server({.tls_cert = ca.cert_file, .tls_key = ca.key_file, .user = "lab", .password = "s3cret-pass", .refuse = {}});
    auto mail = base_mail(server);
    mail.update({{"username", "lab"}, {"password", "s3cret-pass"}, {"ca_file", ca.ca_file}, {"cc", {"bob@example.org"}},
                 {"bcc", {"carol@example.org"}}, {"attach_markdown", true}});
    const auto cfg = mail_config(dir, mail);
    const auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-23")});
    REQUIRE(summary.profiles[0].deliveries.size() == 1);
    const auto& d = summary.profiles[0].deliveries[0];
    INFO((d.failure ? d.failure->message() : d.receipt));
    REQUIRE(d.delivered);
    CHECK(summary.profiles[0].stats.selected == 18);

    const auto received = server.messages();
    REQUIRE(received.size() == 4);  // one transaction per recipient, each exactly once
    std::multiset<std::string> rcpts;
    for (const auto& m : received) {
        CHECK(m.mail_from == "digest@lab.example.org");
        REQUIRE(m.rcpt_tos.size() == 1);
        rcpts.insert(m.rcpt_tos[0]);
    }
    CHECK(rcpts == std::multiset<std::string>{"ada@example.org", "bob@example.org", "carol@example.org", "grace@example.org"});

    const auto msg = test::parse_mail(received[0].eml);
    CHECK(msg["defects"].empty());
    CHECK(msg["ascii_only"] == true);
    CHECK(msg["bare_lf"] == 0);
    CHECK(msg["longest_line"].get<int>() <= 78);
    CHECK(header(msg, "Subject") == "paperboy: 18 new papers for 2025-07-23");
    CHECK(header(msg, "From") == "paperboy <digest@lab.example.org>");
    CHECK(header(msg, "To") == "ada@example.org, Grace Hopper <grace@example.org>");
    CHECK(header(msg, "Cc") == "bob@example.org");
    CHECK(header(msg, "Bcc") == "<absent>");
    CHECK(header(msg, "Date") != "<absent>");
    CHECK(header(msg, "Message-ID").starts_with("<paperboy.2025-07-23."));
    CHECK(header(msg, "Message-ID").ends_with("@lab.example.org>"));
    // Every copy is the same message.
    for (const auto& m : received) CHECK(header(test::parse_mail(m.eml), "Message-ID") == header(msg, "Message-ID"));

    const auto& parts = msg["parts"];
    REQUIRE(parts.size() == 5);
    CHECK(parts[0]["type"] == "multipart/mixed");
    CHECK(parts[1]["type"] == "multipart/alternative");
    CHECK(parts[2]["type"] == "text/plain");  // the plain part first: the last alternative is preferred
    CHECK(parts[3]["type"] == "text/html");
    CHECK(parts[4]["type"] == "text/markdown");
    CHECK(parts[4]["disposition"] == "attachment");
    CHECK(parts[4]["filename"] == "paperboy-golden-2025-07-23.md");
    std::string attached = parts[4]["text"];
    for (auto pos = attached.find("\r\n"); pos != std::string::npos; pos = attached.find("\r\n", pos)) attached.erase(pos, 1);
    CHECK(attached == read_file(summary.profiles[0].markdown_path).value());

    const auto report = json::parse(read_file(summary.profiles[0].json_path).value());
    const std::string text = parts[2]["text"], html = parts[3]["text"];
    // The text part is wrapped at 72 columns: every line, and titles read again as one line.
    std::string unwrapped;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "\r\n ") == 0) {
            auto j = i + 2;
            while (j < text.size() && text[j] == ' ') ++j;
            unwrapped += ' ';
            i = j - 1;
        } else {
            unwrapped += text[i];
        }
    }
    for (std::size_t pos = 0, nl = text.find("\r\n"); nl != std::string::npos; pos = nl + 2, nl = text.find("\r\n", pos)) {
        const auto line = text.substr(pos, nl - pos);
        std::size_t columns = 0;
        for (const char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        INFO(line);
        if (line.find("https://") == std::string::npos) CHECK(columns <= 72);
    }
    REQUIRE(report["papers"].size() == 18);
    int rank = 0;
    for (const auto& p : report["papers"]) {
        const std::string id = p["id"], title = p["title"];
        CHECK(unwrapped.find(std::to_string(++rank) + ". " + title) != std::string::npos);
        CHECK(count(html, "href=\"https://arxiv.org/abs/" + id + "\"") == 1);
        CHECK(count(html, "href=\"https://arxiv.org/pdf/" + id + "\"") == 1);
    }
    CHECK(html.find("25575 prompt") == std::string::npos);  // the usage line is in summary form
    CHECK(html.find("Relevance 9") != std::string::npos);

    // The same day again sends nothing.
    const auto again = run_day(cfg, {.date = parse_iso_day("2025-07-23")});
    CHECK(again.profiles[0].deliveries[0].skipped);
    CHECK(server.messages().size() == 4);
}

TEST_CASE("email: a wrong password is a permanent failure that quotes the server's 535") {
    temp_dir dir;
    const auto ca = test::make_test_ca(dir);
    smtp_server server({.tls_cert = ca.cert_file, .tls_key = ca.key_file, .user = "lab", .password = "right", .refuse = {}});
    auto mail = base_mail(server);
    mail.update({{"username", "lab"}, {"password", "wrong-password"}, {"ca_file", ca.ca_file}});
    const auto summary = run_day(mail_config(dir, mail), {.date = parse_iso_day("2025-07-23")});
    const auto& d = summary.profiles[0].deliveries[0];
    REQUIRE_FALSE(d.delivered);
    REQUIRE(d.failure);
    CHECK_FALSE(d.failure->transient());
    CHECK(d.failure->detail.find("535") != std::string::npos);
    CHECK(d.failure->detail.find("authentication failed") != std::string::npos);
    CHECK(d.failure->detail.find("wrong-password") == std::string::npos);
    CHECK(server.messages().empty());
}

TEST_CASE("email: a server without STARTTLS is refused before anything is sent, unless tls is none") {
    temp_dir dir;
    smtp_server server;  // clear text only
    auto cfg = mail_config(dir, base_mail(server));
    auto summary = run_day(cfg, {.date = parse_iso_day("2025-07-23")});
    const auto& d = summary.profiles[0].deliveries[0];
    REQUIRE(d.failure);
    CHECK_FALSE(d.failure->transient());
    CHECK(d.failure->detail.find("STARTTLS") != std::string::npos);
    CHECK(server.messages().empty());

    // An explicit opt-out for a local relay works.
    temp_dir dir2;
    auto relay = base_mail(server);
    relay["tls"] = "none";
    const auto ok = run_day(mail_config(dir2, relay), {.date = parse_iso_day("2025-07-23")});
    CHECK(ok.profiles[0].deliveries[0].delivered);
    CHECK(server.messages().size() == 2);
}

TEST_CASE("email: a stopped server is a transient failure: the delivery stays pending for a later attempt") {
    temp_dir dir;
    smtp_server server;
    auto mail = base_mail(server);
    mail["tls"] = "none";
    const auto port = server.port();
    server.stop();
    auto j = mail_config_json(dir, mail);
    j["delivery"]["wait_seconds"] = 0;  // no waiting in the run: the ledger keeps it for later
    const auto summary = run_day(parse_config(j.dump(), dir.path()).value(), {.date = parse_iso_day("2025-07-23")});
    const auto& d = summary.profiles[0].deliveries[0];
    REQUIRE(d.failure);
    CHECK(d.pending);
    CHECK(d.failure->transient());
    CHECK(d.failure->detail.find("cannot reach the SMTP server") != std::string::npos);
    CHECK(port > 0);
}

TEST_CASE("email: one refused recipient does not stop the others, and the outcome names it") {
    temp_dir dir;
    smtp_server server({.tls_cert = {}, .tls_key = {}, .user = {}, .password = {}, .refuse = {"grace@example.org"}});
    auto mail = base_mail(server);
    mail["tls"] = "none";
    mail["to"] = {"grace@example.org", "ada@example.org"};
    const auto summary = run_day(mail_config(dir, mail), {.date = parse_iso_day("2025-07-23")});
    const auto& d = summary.profiles[0].deliveries[0];
    REQUIRE(d.delivered);
    const auto receipt = json::parse(d.receipt);
    CHECK(receipt["receipts"] == json{"ada@example.org"});
    REQUIRE(receipt["refused"].size() == 1);
    CHECK(receipt["refused"][0]["recipient"] == "grace@example.org");
    CHECK(receipt["refused"][0]["error"].get<std::string>().find("550") != std::string::npos);
    REQUIRE(server.messages().size() == 1);
    CHECK(server.messages()[0].rcpt_tos == std::vector<std::string>{"ada@example.org"});
}

TEST_CASE("email: hostile paper text adds no header, no live script and keeps the structure") {
    temp_dir dir;
    smtp_server server;
    auto mail = base_mail(server);
    mail["tls"] = "none";
    auto j = mail_config_json(dir, mail, (test::data_dir() / "feeds/hostile-2025-11-20.xml").string());
    j["llm"] = {{"plugin", "offline"}};
    j["profiles"][0]["keywords"] = {"sparse", "quantization", "representation learning", "abstract"};
    j["profiles"][0]["relevance_cutoff"] = 1;
    j["server"] = {{"public_url", "https://digest.example.org/"}};
    const auto summary = run_day(parse_config(j.dump(), dir.path()).value(), {.date = parse_iso_day("2025-11-20")});
    REQUIRE(summary.profiles[0].deliveries[0].delivered);
    const auto received = server.messages();
    REQUIRE(received.size() == 2);
    const auto msg = test::parse_mail(received[0].eml);
    CHECK(msg["defects"].empty());
    std::set<std::string> names;
    for (const auto& h : msg["headers"]) names.insert(h[0]);
    CHECK(names == std::set<std::string>{"Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Auto-Submitted",
                                         "X-Auto-Response-Suppress", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Content-Type"});
    REQUIRE(msg["parts"].size() == 3);
    const std::string html = msg["parts"][2]["text"];
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("&lt;script&gt;") != std::string::npos);
    CHECK(html.find("href=\"javascript:") == std::string::npos);
    CHECK(html.find("Schrödinger Bridges for Représentation Learning — 表示学习 🚀 with $\\mathcal{O}(n^2)$ cost") != std::string::npos);
    CHECK(count(html, "href=\"https://arxiv.org/abs/") == summary.profiles[0].stats.selected);
    // With server.public_url, the message links to the day's archive page, which exists.
    CHECK(html.find("href=\"https://digest.example.org/golden/2025-11-20.html\"") != std::string::npos);
    CHECK(std::string(msg["parts"][1]["text"]).find("In the archive: https://digest.example.org/golden/2025-11-20.html") != std::string::npos);
    CHECK(std::filesystem::exists(dir / "out/golden/site/2025-11-20.html"));
    // The raw message has exactly one Bcc-looking line: none in the headers.
    const auto raw = read_file(received[0].eml).value();
    CHECK(raw.substr(0, raw.find("\r\n\r\n")).find("Bcc") == std::string::npos);
}

TEST_CASE("email: a day without selected papers sends nothing unless send_empty is on, send-test sends a sample") {
    temp_dir dir;
    smtp_server server;
    auto mail = base_mail(server);
    mail["tls"] = "none";
    auto j = mail_config_json(dir, mail);
    j["profiles"][0]["authors"] = json::array();
    j["profiles"][0]["relevance_cutoff"] = 10;
    j["profiles"][0]["novelty_cutoff"] = 10;
    const auto quiet = run_day(parse_config(j.dump(), dir.path()).value(), {.date = parse_iso_day("2025-07-23")});
    REQUIRE(quiet.profiles[0].stats.selected == 0);
    CHECK(quiet.profiles[0].deliveries[0].delivered);
    CHECK(json::parse(quiet.profiles[0].deliveries[0].receipt).contains("skipped"));
    CHECK(server.messages().empty());

    temp_dir dir2;
    auto j2 = j;
    j2["channels"]["mail"]["send_empty"] = true;
    j2["state"]["path"] = (dir2 / "state.db").string();
    run_day(parse_config(j2.dump(), dir2.path()).value(), {.date = parse_iso_day("2025-07-23")});
    REQUIRE(server.messages().size() == 2);
    // Without the followed author, the one paper the recorded answers lack is unscored: the
    // digest says so even on an empty day.
    CHECK(header(test::parse_mail(server.messages()[0].eml), "Subject") == "[incomplete] paperboy: no new papers for 2025-07-23");

    write_file_atomic(dir / "paperboy.json", j.dump()).value();
    const auto r = test::run_paperboy("send-test --config '" + (dir / "paperboy.json").string() + "' --channel mail");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    REQUIRE(server.messages().size() == 4);
    const auto sample = test::parse_mail(server.messages()[2].eml);
    CHECK(header(sample, "Subject") == "paperboy: 2 new papers for 2025-07-23");
    CHECK(std::string(sample["parts"][1]["text"]).find("The Recursive Coherence Principle") != std::string::npos);
}

TEST_CASE("check --probe: SMTP connect, STARTTLS, AUTH and NOOP prove the mail channel without sending mail") {
    temp_dir dir;
    const auto ca = test::make_test_ca(dir);
    smtp_server server({.tls_cert = ca.cert_file, .tls_key = ca.key_file, .user = "lab", .password = "s3cret-pass", .refuse = {}});
    auto mail = base_mail(server);
    mail.update({{"username", "lab"}, {"password", "s3cret-pass"}, {"ca_file", ca.ca_file}});
    write_file_atomic(dir / "good.json", mail_config_json(dir, mail).dump()).value();
    const auto good = test::run_paperboy("check --probe --config '" + (dir / "good.json").string() + "'");
    INFO(good.out << good.err);
    CHECK(good.exit_code == 0);
    CHECK(good.out.find("channel mail (email): ok: connected with TLS, logged in as lab, NOOP answered 250") != std::string::npos);
    CHECK(server.messages().empty());

    mail["password"] = "wrong-password";
    write_file_atomic(dir / "bad.json", mail_config_json(dir, mail).dump()).value();
    const auto bad = test::run_paperboy("check --probe --config '" + (dir / "bad.json").string() + "'");
    CHECK(bad.exit_code == 1);
    CHECK(bad.out.find("channel mail (email): FAILED") != std::string::npos);
    CHECK(bad.out.find("535") != std::string::npos);
    CHECK(bad.out.find("wrong-password") == std::string::npos);
}

TEST_CASE("email: the 48-paper day 2025-07-08 fits Gmail's clipping size, abstracts cut to whole sentences, every paper there") {
    const auto day = test::source_dir() / "../shared/fixtures/days/2025-07-08";
    temp_dir dir;
    smtp_server server;  // clear text only
    auto mail = base_mail(server);
    mail["tls"] = "none";
    const auto html_of = [&](const json& extra, const std::string& profile) {
        auto j = mail_config_json(dir, mail, (day / "feed.xml").string());
        j["llm"]["answers_file"] = (day / "answers.json").string();
        j["channels"]["mail"].update(extra);
        j["profiles"][0]["name"] = profile;
        j["profiles"][0].erase("authors");
        const auto before = server.messages().size();
        const auto summary = run_day(parse_config(j.dump(), dir.path()).value(), {.date = parse_iso_day("2025-07-08")});
        REQUIRE(summary.profiles[0].deliveries[0].delivered);
        const auto received = server.messages();
        REQUIRE(received.size() == before + 2);
        const auto msg = test::parse_mail(received.back().eml);
        CHECK(msg["defects"].empty());
        return std::pair{std::string(msg["parts"][2]["text"]), received.back().eml};
    };
    const auto [full, full_eml] = html_of({{"max_html_bytes", 0}}, "unbudgeted");
    const auto [html, eml] = html_of(json::object(), "golden");
    INFO("HTML part: " << full.size() << " bytes without the budget, " << html.size() << " with it");
    CHECK(full.size() > 102'000);  // what Gmail would have clipped
    CHECK(html.size() <= 95'000);
    CHECK(html.size() > 80'000);   // the budget is used, not wasted
    const auto expected = json::parse(read_file(day / "expected.json").value());
    REQUIRE(expected.size() == 48);
    for (const auto& id : expected) CHECK(count(html, "href=\"https://arxiv.org/abs/" + id.get<std::string>() + "\"") >= 1);
    CHECK(count(html, "The whole abstract on arXiv") > 0);
    CHECK(html.find("</html>") != std::string::npos);

    check_spam_verdict(eml);
}

TEST_CASE("email: a day with TLDRs says the same in both alternatives, and SpamAssassin holds nothing against it") {
    const auto day = test::source_dir() / "../shared/fixtures/days/2025-07-08";
    const auto answers = json::parse(read_file(day / "answers.json").value());
    test::fake_openai model({.answers = answers});  // TL;DR calls are answered "Summary of <id>."
    temp_dir dir;
    smtp_server server;
    auto mail = base_mail(server);
    mail["tls"] = "none";
    auto j = mail_config_json(dir, mail, (day / "feed.xml").string());
    j["llm"] = {{"plugin", "openai"}, {"model", "gpt-4o"}, {"base_url", model.base_url()}, {"api_key", "sk-test"}, {"retry_delay_ms", 1}};
    j["profiles"][0].erase("authors");
    const auto summary = run_day(parse_config(j.dump(), dir.path()).value(), {.date = parse_iso_day("2025-07-08")});
    REQUIRE(summary.profiles[0].deliveries[0].delivered);
    const auto received = server.messages();
    REQUIRE_FALSE(received.empty());
    const auto msg = test::parse_mail(received.back().eml);
    const std::string text = msg["parts"][1]["text"], html = msg["parts"][2]["text"];
    REQUIRE(count(html, "<strong>TL;DR:</strong>") == static_cast<int>(summary.profiles[0].stats.selected));
    // Paper for paper: the same TL;DRs, the same abstracts cut at the same sentence, the same links.
    CHECK(count(text, "TL;DR: Summary of ") == count(html, "<strong>TL;DR:</strong> Summary of "));
    CHECK(count(text, "The whole abstract on arXiv: ") == count(html, "The whole abstract on arXiv</a>"));
    CHECK(count(text, "https://arxiv.org/abs/") >= count(html, "href=\"https://arxiv.org/abs/"));
    check_spam_verdict(received.back().eml);
}
