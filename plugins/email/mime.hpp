// Internet message primitives (RFC 5322, 2045, 2047) as pure functions: addresses, encoded
// words, quoted-printable, dates. Everything here returns 7-bit text with CRLF line ends and
// no line over 78 characters, so a message built from it passes any SMTP server unchanged.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace paperboy::email {

struct address {
    std::string display;  // UTF-8, may be empty
    std::string addr;     // addr-spec: local@domain, printable ASCII, no spaces, < or >
};

/// "ada@example.org" or "Ada Lovelace <ada@example.org>". Throws std::invalid_argument for CR,
/// LF or any other control character, a missing or doubled '@', characters outside a
/// conservative addr-spec set, or text after the closing '>'. Deliberately stricter than RFC
/// 5322 (no quoted local parts, no comments, no groups): an address libcurl passes to the SMTP
/// server as written must not be able to carry anything but an address.
address parse_address(std::string_view text);

/// The address as a header value: `addr` alone, `"Display" <addr>` for ASCII names (quoted,
/// with \ and " escaped), or an RFC 2047 encoded word for non-ASCII names.
std::string format_address(const address& a);

/// "To: a, b, ..." folded between addresses; ends with CRLF.
std::string address_header(std::string_view name, const std::vector<address>& list);

/// `text` with C0 control characters and DEL removed (tab, CR and LF become spaces) and runs
/// of spaces collapsed: for anything from a paper that might end up near a header.
std::string strip_controls(std::string_view text);

/// A header field "Name: value" folded to lines of at most 78 characters, with value (UTF-8,
/// control characters stripped) written as RFC 2047 "=?UTF-8?B?...?=" words when it is not
/// plain printable ASCII. Never splits a UTF-8 sequence between words. Ends with CRLF.
std::string unstructured_header(std::string_view name, std::string_view value);

/// RFC 2045 quoted-printable for UTF-8 text: '\n' (or "\r\n") become CRLF hard breaks, lines
/// are soft-broken at 76 characters, '=' and non-ASCII bytes are encoded, as are trailing
/// white space, a leading '.' and a leading "From " (so no relay can mangle them).
std::string quoted_printable(std::string_view text);

/// Standard base64 without line breaks.
std::string base64(std::string_view bytes);

/// RFC 5322 date in UTC and the C locale: "Wed, 23 Jul 2025 06:00:00 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point t);

/// 64-bit FNV-1a, as 16 hex digits: stable identifiers (Message-ID, boundaries).
std::string stable_hex(std::string_view text);

}  // namespace paperboy::email
