#include "mime.hpp"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <vector>

namespace paperboy::email {
namespace {

constexpr std::size_t max_line = 78;

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool printable_ascii(std::string_view s) {
    for (const unsigned char c : s) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(' ');
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(' ') - b + 1));
}

bool local_char(unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~.").find(static_cast<char>(c)) != std::string_view::npos;
}

void check_addr_spec(const std::string& a, std::string_view original) {
    const auto bad = [&](const std::string& why) {
        throw std::invalid_argument("'" + std::string(original) + "' is not a usable email address: " + why);
    };
    const auto at = a.find('@');
    if (at == std::string::npos || a.find('@', at + 1) != std::string::npos) bad("expected exactly one '@'");
    const auto local = std::string_view(a).substr(0, at), domain = std::string_view(a).substr(at + 1);
    if (local.empty() || local.size() > 64) bad("the part before '@' must have 1 to 64 characters");
    if (domain.empty() || domain.size() > 253) bad("the domain must have 1 to 253 characters");
    for (const unsigned char c : local) {
        if (!local_char(c)) bad("only letters, digits and !#$%&'*+-/=?^_`{|}~. are allowed before '@'");
    }
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) bad("misplaced '.'");
    std::size_t label = 0;
    for (std::size_t i = 0; i <= domain.size(); ++i) {
        if (i == domain.size() || domain[i] == '.') {
            if (label == 0 || label > 63) bad("empty or overlong domain label");
            if (domain[i - 1] == '-' || domain[i - label] == '-') bad("a domain label cannot start or end with '-'");
            label = 0;
            continue;
        }
        const unsigned char c = static_cast<unsigned char>(domain[i]);
        if (!std::isalnum(c) && c != '-') bad("only letters, digits, '-' and '.' are allowed in the domain");
        ++label;
    }
}

// Encoded words of at most 39 raw bytes each (64 characters with the =?UTF-8?B?...?= frame),
// split on UTF-8 boundaries.
std::vector<std::string> encoded_words(std::string_view text) {
    constexpr std::size_t chunk = 39;
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = std::min(text.size(), pos + chunk);
        while (end < text.size() && end > pos + 1 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
        words.push_back("=?UTF-8?B?" + base64(text.substr(pos, end - pos)) + "?=");
        pos = end;
    }
    return words;
}

// Appends tokens to "Name: ", folding with CRLF + space whenever a line would pass 78.
std::string fold(std::string_view name, const std::vector<std::string>& tokens, std::string_view separator) {
    std::string out = std::string(name) + ":";
    std::size_t line = out.size();
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string piece = tokens[i] + (i + 1 < tokens.size() ? std::string(separator) : std::string());
        if (i > 0 && line + 1 + piece.size() > max_line) {
            out += "\r\n";
            line = 0;
        }
        out += " " + piece;
        line += 1 + piece.size();
    }
    return out + "\r\n";
}

}  // namespace

address parse_address(std::string_view text) {
    for (const unsigned char c : text) {
        if (is_control(c)) throw std::invalid_argument("an email address must not contain control characters (CR, LF, ...)");
    }
    address a;
    const auto t = trim(text);
    if (!t.empty() && t.back() == '>') {
        const auto open = t.rfind('<');
        if (open == std::string::npos) throw std::invalid_argument("'" + t + "': '>' without '<'");
        a.addr = t.substr(open + 1, t.size() - open - 2);
        a.display = trim(std::string_view(t).substr(0, open));
        if (a.display.size() >= 2 && a.display.front() == '"' && a.display.back() == '"') {
            a.display = a.display.substr(1, a.display.size() - 2);
        }
        if (a.display.find_first_of("<>\"\\") != std::string::npos) {
            throw std::invalid_argument("'" + t + "': the name before <address> must not contain <, >, \" or \\");
        }
    } else {
        if (t.find_first_of("<> ,;") != std::string::npos) throw std::invalid_argument("'" + t + "' is not a single email address");
        a.addr = t;
    }
    check_addr_spec(a.addr, text);
    return a;
}

std::string format_address(const address& a) {
    if (a.display.empty()) return a.addr;
    if (printable_ascii(a.display)) return "\"" + a.display + "\" <" + a.addr + ">";
    std::string out;
    for (const auto& w : encoded_words(a.display)) out += (out.empty() ? "" : " ") + w;
    return out + " <" + a.addr + ">";
}

std::string address_header(std::string_view name, const std::vector<address>& list) {
    std::vector<std::string> tokens;
    for (const auto& a : list) tokens.push_back(format_address(a));
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) tokens[i] += ",";
    return fold(name, tokens, "");
}

std::string strip_controls(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const unsigned char c : text) {
        if (c == '\t' || c == '\r' || c == '\n') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else if (!is_control(c)) {
            if (c == ' ' && !out.empty() && out.back() == ' ') continue;
            out += static_cast<char>(c);
        }
    }
    return trim(out);
}

std::string unstructured_header(std::string_view name, std::string_view value) {
    const auto clean = strip_controls(value);
    std::vector<std::string> tokens;
    bool plain = printable_ascii(clean);
    if (plain) {
        // Folding happens at spaces; a word too long for one line is sent encoded instead.
        for (std::size_t pos = 0; pos < clean.size();) {
            auto end = clean.find(' ', pos);
            if (end == std::string::npos) end = clean.size();
            tokens.push_back(clean.substr(pos, end - pos));
            if (tokens.back().size() + 1 > max_line - name.size() - 2) plain = false;
            pos = end + 1;
        }
        // "=?" in plain text would be read as the start of an encoded word.
        if (clean.find("=?") != std::string::npos) plain = false;
    }
    if (!plain) tokens = encoded_words(clean);
    return fold(name, tokens, "");
}

std::string quoted_printable(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 11 / 10);
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        auto line = text.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t col = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(line[i]);
            const bool last = i + 1 == line.size();
            // At the start of a physical line '.' (SMTP end of data) and 'F' ("From " to
            // mbox) are encoded, so no relay or mailbox can mangle them.
            const bool literal = (c >= 33 && c <= 126 && c != '=' && !(col == 0 && (c == '.' || c == 'F'))) ||
                                 ((c == ' ' || c == '\t') && !last);
            const std::size_t width = literal ? 1 : 3;
            // Keep room for the soft break's '=' (76 characters per line at most).
            if (col + width > 75) {
                out += "=\r\n";
                col = 0;
                if (c == '.' || c == 'F') {
                    out += '=';
                    out += hex[c >> 4];
                    out += hex[c & 15];
                    col = 3;
                    continue;
                }
            }
            if (literal) {
                out += static_cast<char>(c);
            } else {
                out += '=';
                out += hex[c >> 4];
                out += hex[c & 15];
            }
            col += width;
        }
        if (nl == text.size()) break;
        out += "\r\n";
        pos = nl + 1;
    }
    return out;
}

std::string base64(std::string_view bytes) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                                static_cast<unsigned char>(bytes[i + 2]);
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < bytes.size()) {
        std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point t) {
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[static_cast<std::size_t>(tm.tm_wday)],
                  tm.tm_mday, months[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string stable_hex(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace paperboy::email
