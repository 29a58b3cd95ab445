// A real SMTP server for tests: aiosmtpd (Debian's python3-aiosmtpd, run with /usr/bin/python3)
// on 127.0.0.1 with an ephemeral port, optionally with STARTTLS (a test CA made with the
// openssl CLI) and AUTH. Messages it accepts are read back as files.
#pragma once

#include "core/files.hpp"
#include "support/child_process.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace paperboy::test {

/// A CA and a server certificate for IP 127.0.0.1 signed by it.
struct test_ca {
    std::string ca_file, cert_file, key_file;
};

inline test_ca make_test_ca(const temp_dir& dir) {
    const auto p = [&](const char* name) { return (dir / name).string(); };
    {
        std::FILE* f = std::fopen(p("ext.cnf").c_str(), "w");
        std::fputs("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n", f);
        std::fclose(f);
    }
    const auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=paperboy-test-ca -keyout '" + p("ca.key") +
                     "' -out '" + p("ca.pem") + "' && openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout '" + p("key.pem") +
                     "' -out '" + p("req.csr") + "' && openssl x509 -req -in '" + p("req.csr") + "' -CA '" + p("ca.pem") + "' -CAkey '" +
                     p("ca.key") + "' -CAcreateserial -days 1 -extfile '" + p("ext.cnf") + "' -out '" + p("cert.pem") + "'";
    if (std::system(("(" + cmd + ") >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("openssl could not make the test CA");
    return {p("ca.pem"), p("cert.pem"), p("key.pem")};
}

struct received_mail {
    std::string mail_from;
    std::vector<std::string> rcpt_tos;
    std::filesystem::path eml;
};

class smtp_server {
public:
    struct options {
        std::string tls_cert, tls_key;   // STARTTLS offered and required
        std::string user, password;      // AUTH required
        std::vector<std::string> refuse; // RCPT TO answered with 550
    };

    explicit smtp_server(const options& o = {}) {
        std::vector<std::string> argv{"/usr/bin/python3", (source_dir() / "tests/support/smtp_server.py").string(), "--dir",
                                      dir_.path().string()};
        if (!o.tls_cert.empty()) argv.insert(argv.end(), {"--tls-cert", o.tls_cert, "--tls-key", o.tls_key});
        if (!o.user.empty()) argv.insert(argv.end(), {"--user", o.user, "--password", o.password});
        for (const auto& r : o.refuse) argv.insert(argv.end(), {"--refuse", r});
        child_ = std::make_unique<child_process>(argv);
        const auto line = child_->read_line();
        if (!line.starts_with("PORT ")) throw std::runtime_error("smtp_server.py: unexpected '" + line + "'");
        port_ = std::stoi(line.substr(5));
    }

    int port() const { return port_; }
    std::string url(const std::string& scheme = "smtp") const { return scheme + "://127.0.0.1:" + std::to_string(port_); }
    void stop() { child_->terminate(); }

    /// The messages accepted so far, in order.
    std::vector<received_mail> messages() const {
        std::vector<received_mail> out;
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
            if (e.path().extension() == ".eml") files.push_back(e.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            auto meta = nlohmann::json::parse(read_file(std::filesystem::path(f).replace_extension(".json")).value());
            out.push_back({meta["mail_from"], meta["rcpt_tos"].get<std::vector<std::string>>(), f});
        }
        return out;
    }

private:
    temp_dir dir_;
    std::unique_ptr<child_process> child_;
    int port_ = 0;
};

/// The message parsed by Python's email package (tests/support/parse_mail.py): headers,
/// parts with decoded text, defects, longest line.
inline nlohmann::json parse_mail(const std::filesystem::path& eml) {
    int status = 0;
    const auto out = shell_output("/usr/bin/python3 '" + (source_dir() / "tests/support/parse_mail.py").string() + "' '" + eml.string() + "'", &status);
    if (status != 0) throw std::runtime_error("parse_mail.py failed on " + eml.string());
    return nlohmann::json::parse(out);
}

}  // namespace paperboy::test
