// The Markdown report, in the format of the upstream tool's daily report
// (shared/samples/report-2025-07-23.md) with the corrections of
// upstream-report-format.md section 5: costs with two decimals, counts without double
// counting, the prompt in the order it is sent, and escaping of untrusted text.
#pragma once

#include "render/report.hpp"

#include <string>
#include <string_view>

namespace paperboy {

/// Untrusted text made safe as inline Markdown: whitespace (including CR/LF) collapsed so it
/// cannot start a block, '<' written as "&lt;" so it cannot open raw HTML. LaTeX and other
/// punctuation are kept as written.
std::string markdown_inline(std::string_view s);

/// markdown_inline, plus '[' and ']' escaped so the text can sit inside [link text], and a '\'
/// doubled where it would otherwise escape (before punctuation or at the end).
std::string markdown_link_text(std::string_view s);

/// Every line prefixed with "> " (an empty line becomes "> ").
std::string markdown_quote(std::string_view s);

/// The github-style token/cost table headed by the model name.
std::string markdown_token_table(std::string_view model, const token_usage& usage, const std::optional<run_cost>& cost);

/// The whole report; no trailing newline (as the upstream format).
std::string render_markdown(const report& r);

}  // namespace paperboy
