"""Parses an .eml with Python's email package and prints what the tests check, as JSON:
the header names and values (decoded), MIME structure, each leaf part's type and decoded text,
and any defects the parser found."""
import email
import email.policy
import json
import sys

with open(sys.argv[1], "rb") as f:
    raw = f.read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
parts = []
for part in msg.walk():
    entry = {"type": part.get_content_type(), "defects": [str(d) for d in part.defects]}
    if not part.is_multipart():
        entry["text"] = part.get_content()
        entry["disposition"] = part.get_content_disposition()
        entry["filename"] = part.get_filename()
        entry["charset"] = part.get_content_charset()
    parts.append(entry)
longest = max(len(line) for line in raw.split(b"\r\n"))
bare_lf = raw.replace(b"\r\n", b"").count(b"\n")
print(json.dumps({
    "headers": [[k, str(v)] for k, v in msg.items()],
    "defects": [str(d) for d in msg.defects],
    "parts": parts,
    "longest_line": longest,
    "bare_lf": bare_lf,
    "ascii_only": all(b < 128 for b in raw),
}))
