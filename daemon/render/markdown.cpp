#include "render/markdown.hpp"

#include "core/text.hpp"
#include "paperboy/paper_ids.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace paperboy {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += sep;
        out += parts[i];
    }
    return out;
}

std::string authors_line(const paper& p) {
    std::vector<std::string> names;
    names.reserve(p.authors.size());
    for (const auto& a : p.authors) names.push_back(markdown_inline(a));
    return "**Authors:** " + join(names, ", ");
}

// arXiv's papers as upstream writes them; the others say their server and DOI.
std::string id_line(const paper& p) {
    if (!sdk::is_preprint_id(p.id)) return "**ArXiv ID:** " + markdown_inline(p.id);
    return "**" + p.source() + " DOI:** " + markdown_inline(p.id.substr(p.id.find(':') + 1));
}

std::string paper_block(const selected_paper& s, std::size_t n) {
    const auto& p = *s.item;
    const auto num = std::to_string(n);
    std::vector<std::string> fields{
        "## " + num + ". [" + markdown_link_text(p.title) + "](" + p.abs_url() + ") <a id=\"link" + num + "\"></a>",
        id_line(p),
        authors_line(p),
        "**Abstract:** " + markdown_inline(p.abstract),
    };
    if (s.author_match) {
        fields.push_back("**Comment:** Author match");
        fields.emplace_back();  // upstream leaves the score slot empty for author matches
    } else if (s.score) {
        if (const auto comment = markdown_inline(s.score->comment); !comment.empty()) fields.push_back("**Comment:** " + comment);
        const auto novelty = s.score->novelty ? std::to_string(*s.score->novelty) : std::string("not judged");
        fields.push_back("**Relevance:** " + std::to_string(s.score->relevance) + "\n**Novelty:** " + novelty);
    }
    return join(fields, "\n\n");
}

}  // namespace

std::string markdown_inline(std::string_view s) {
    return text::replace_all(text::collapse_whitespace(s), "<", "&lt;");
}

std::string markdown_link_text(std::string_view s) {
    const auto in = markdown_inline(s);
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        // A backslash only escapes ASCII punctuation (CommonMark), so LaTeX such as
        // "\mathcal" is kept as written; one that would escape, or end the text and so
        // escape our closing bracket, is doubled.
        const bool escaping_backslash = c == '\\' && (i + 1 == in.size() || std::ispunct(static_cast<unsigned char>(in[i + 1])));
        if (c == '[' || c == ']' || escaping_backslash) out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

std::string markdown_quote(std::string_view s) {
    std::string out;
    std::size_t start = 0;
    while (true) {
        const auto end = s.find('\n', start);
        const auto line = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!out.empty()) out += '\n';
        out += "> ";
        out += line;
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return out;
}

std::string markdown_token_table(std::string_view model, const token_usage& usage, const std::optional<run_cost>& cost) {
    auto usd = [&](double v) { return cost ? format_usd(v) : std::string("unknown"); };
    const std::array<std::array<std::string, 4>, 3> rows{{
        {"*[" + markdown_link_text(model) + "]*", "Prompt", "Completion", "Total"},
        {"**Token**", std::to_string(usage.prompt_tokens), std::to_string(usage.completion_tokens),
         std::to_string(usage.prompt_tokens + usage.completion_tokens)},
        {"**Cost**", usd(cost ? cost->prompt_usd : 0), usd(cost ? cost->completion_usd : 0), usd(cost ? cost->total_usd() : 0)},
    }};
    // tabulate's "github" layout: width = max(longest cell, header + 2), cells left-aligned.
    std::array<std::size_t, 4> width{};
    for (std::size_t c = 0; c < 4; ++c) {
        width[c] = rows[0][c].size() + 2;
        for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
    }
    auto line = [&](const std::array<std::string, 4>& row) {
        std::string out = "|";
        for (std::size_t c = 0; c < 4; ++c) out += " " + row[c] + std::string(width[c] - row[c].size(), ' ') + " |";
        return out;
    };
    std::string out = line(rows[0]) + "\n|";
    for (std::size_t c = 0; c < 4; ++c) out += ":" + std::string(width[c], '-') + ":|";
    out += "\n" + line(rows[1]) + "\n" + line(rows[2]);
    return out;
}

std::string render_markdown(const report& r) {
    std::vector<std::string> parts{"# Personalized Daily ArXiv Papers " + format_iso_day(r.date)};
    if (r.incomplete) parts.push_back("> **\xE2\x9A\xA0 " + markdown_inline(describe(*r.incomplete, r.stats.scanned)) + "**");
    parts.insert(parts.end(), {
        markdown_token_table(r.model, r.stats.usage, r.stats.cost),
        "Total arXiv papers: " + std::to_string(r.stats.total),
        "Total scanned papers: " + std::to_string(r.stats.scanned),
    });
    if (r.stats.failed > 0) parts.push_back("Papers that could not be scored: " + std::to_string(r.stats.failed));
    parts.push_back("Total relevant papers: " + std::to_string(r.papers.size()));
    for (const auto& note : r.notes) parts.push_back("**Note:** " + markdown_inline(note));
    parts.emplace_back("**Table of contents with paper titles:**");

    if (r.papers.empty()) {
        parts.emplace_back("*No paper passed the cut-offs today.*");
    } else {
        std::vector<std::string> toc, blocks;
        for (std::size_t i = 0; i < r.papers.size(); ++i) {
            const auto n = std::to_string(i + 1);
            const auto& p = *r.papers[i].item;
            toc.push_back(n + ". [" + markdown_link_text(p.title) + "](#user-content-link" + n + ")\n" + authors_line(p));
            blocks.push_back(paper_block(r.papers[i], i + 1));
        }
        parts.push_back(join(toc, "\n\n"));
        parts.emplace_back("---");
        parts.push_back(join(blocks, "\n\n---\n\n"));
    }
    if (!r.near_misses.empty()) {
        std::vector<std::string> lines;
        for (const auto& m : r.near_misses) {
            const auto novelty = m.score && m.score->novelty ? std::to_string(*m.score->novelty) : std::string("not judged");
            lines.push_back("- [" + markdown_link_text(m.item->title) + "](" + m.item->abs_url() + ") (relevance " +
                            std::to_string(m.score ? m.score->relevance : 0) + ", novelty " + novelty + ")" +
                            (m.score && !m.score->comment.empty() ? ": " + markdown_inline(m.score->comment) : std::string()));
        }
        parts.emplace_back("---");
        parts.emplace_back("## Near misses");
        parts.push_back(join(lines, "\n"));
    }
    parts.emplace_back("---");
    parts.emplace_back("# Paper Selection Prompt");
    if (r.prompt.sent_to_model) {
        parts.emplace_back("## System Prompt");
        parts.push_back(markdown_quote(r.prompt.system));
        parts.emplace_back("## User Prompt");
        parts.push_back(markdown_quote(r.prompt.user));
    } else {
        parts.emplace_back("## How these papers were scored");
        parts.push_back(markdown_quote(r.prompt.system + "\n\n" + r.prompt.user));
    }
    return join(parts, "\n\n");
}

}  // namespace paperboy
