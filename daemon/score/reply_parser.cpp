#include "score/reply_parser.hpp"

#include "arxiv/feed_parser.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>

namespace paperboy {
using nlohmann::json;
namespace {

struct bracket_span {
    std::size_t open = 0, close = 0;  // positions of the brackets
};

// Every matched bracket pair outside strings, in one pass. A string cannot span lines in JSON,
// so a stray quote in prose only hides the rest of its line. Closers that match nothing, or
// the wrong kind, are ignored; openers that never close leave no span. Only the innermost
// max_reply_depth open brackets are remembered (the oldest is forgotten), so no span is nested
// deeper than that, and unclosed junk before a good value cannot hide it.
std::vector<bracket_span> matched_spans(std::string_view text) {
    std::vector<bracket_span> spans;
    struct open_bracket {
        std::size_t pos;
        char kind;
    };
    std::deque<open_bracket> stack;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            in_string = escaped = false;
            continue;
        }
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (stack.size() >= static_cast<std::size_t>(max_reply_depth)) stack.pop_front();
            stack.push_back({i, c});
        } else if (c == '}' || c == ']') {
            if (stack.empty() || stack.back().kind != (c == '}' ? '{' : '[')) continue;
            spans.push_back({stack.back().pos, i});
            stack.pop_back();
        }
    }
    std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) { return a.open < b.open; });
    return spans;
}

// The outermost spans of `spans[first, last)` that parse, descending into those that do not.
void parse_spans(std::string_view text, const std::vector<bracket_span>& spans, std::size_t first, std::size_t last,
                 std::vector<json>& out) {
    std::size_t i = first;
    while (i < last) {
        const auto& s = spans[i];
        std::size_t inner_end = i + 1;  // spans inside s follow it directly (sorted by start)
        while (inner_end < last && spans[inner_end].open < s.close) ++inner_end;
        auto value = json::parse(text.substr(s.open, s.close - s.open + 1), nullptr, false);
        if (!value.is_discarded()) {
            out.push_back(std::move(value));
            i = inner_end;
            continue;
        }
        parse_spans(text, spans, i + 1, inner_end, out);
        i = inner_end;
    }
}

void collect(const json& v, std::vector<const json*>& items, int depth) {
    if (depth > max_reply_depth) return;
    if (v.is_array()) {
        for (const auto& e : v) collect(e, items, depth + 1);
    } else if (v.is_object()) {
        if (const auto it = v.find("papers"); it != v.end() && it->is_array()) collect(*it, items, depth + 1);
        else if (v.contains("ARXIVID")) items.push_back(&v);
    }
}

std::string normalise_id(const json& v) {
    if (v.is_string()) return parse_arxiv_id(v.get<std::string>()).id;
    if (v.is_number()) return v.dump();
    return {};
}

std::optional<int> whole_score(double d) {
    if (!std::isfinite(d) || d != std::floor(d) || d < 1 || d > 10) return std::nullopt;
    return static_cast<int>(d);
}

}  // namespace

std::vector<json> embedded_json_values(std::string_view text) {
    const auto spans = matched_spans(text);
    std::vector<json> out;
    parse_spans(text, spans, 0, spans.size(), out);
    return out;
}

std::optional<int> read_score(const json& v) {
    if (v.is_number()) return whole_score(v.get<double>());
    if (!v.is_string()) return std::nullopt;
    const auto s = text::trim(v.get_ref<const std::string&>());
    double n = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc{}) return std::nullopt;
    auto rest = text::trim(s.substr(static_cast<std::size_t>(ptr - s.data())));
    if (!rest.empty()) {
        // "8/10" and "8 out of 10" name the scale; it must be ours.
        if (rest.starts_with("/")) rest = text::trim(rest.substr(1));
        else if (rest.starts_with("out of")) rest = text::trim(rest.substr(6));
        else return std::nullopt;
        if (rest != "10") return std::nullopt;
    }
    return whole_score(n);
}

std::optional<paper_score> parse_answer(const json& answer) {
    if (!answer.is_object()) return std::nullopt;
    const auto r = answer.find("RELEVANCE");
    if (r == answer.end()) return std::nullopt;
    const auto relevance = read_score(*r);
    if (!relevance) return std::nullopt;
    paper_score s{*relevance, std::nullopt, {}};
    if (const auto n = answer.find("NOVELTY"); n != answer.end()) s.novelty = read_score(*n);
    if (const auto c = answer.find("COMMENT"); c != answer.end() && c->is_string()) {
        s.comment = text::clean_line(c->get_ref<const std::string&>(), max_comment_bytes);
    }
    return s;
}

parsed_reply parse_score_reply(std::string_view text, const std::set<std::string>& batch) {
    parsed_reply out;
    if (text.size() > max_reply_bytes) {
        out.too_large = true;
        return out;
    }
    const auto values = embedded_json_values(text);
    std::vector<const json*> items;
    for (const auto& v : values) collect(v, items, 0);
    for (const auto* item : items) {
        const auto id = normalise_id((*item)["ARXIVID"]);
        if (!batch.contains(id)) {
            ++out.ignored_ids;
            continue;
        }
        auto score = parse_answer(*item);
        if (!score) {
            ++out.invalid_entries;
            continue;
        }
        out.scores.insert_or_assign(id, std::move(*score));
    }
    return out;
}

std::map<std::string, std::string> parse_tldr_reply(std::string_view text, const std::set<std::string>& batch) {
    std::map<std::string, std::string> out;
    if (text.size() > max_reply_bytes) return out;
    const auto values = embedded_json_values(text);
    std::vector<const json*> items;
    for (const auto& v : values) collect(v, items, 0);
    for (const auto* item : items) {
        const auto id = normalise_id((*item)["ARXIVID"]);
        const auto it = item->find("TLDR");
        if (!batch.contains(id) || it == item->end() || !it->is_string()) continue;
        // One line, no control characters, cut on a UTF-8 boundary.
        std::string line;
        for (const char c : it->get<std::string>()) line += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
        const auto first = line.find_first_not_of(' ');
        if (first == std::string::npos) continue;
        line = line.substr(first, line.find_last_not_of(' ') - first + 1);
        if (line.size() > max_tldr_bytes) {
            auto cut = max_tldr_bytes;
            while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
            line = line.substr(0, cut) + "\xE2\x80\xA6";
        }
        out.insert_or_assign(id, std::move(line));
    }
    return out;
}

std::optional<std::vector<std::string>> parse_id_list_reply(std::string_view text, const std::set<std::string>& batch) {
    if (text.size() > max_reply_bytes) return std::nullopt;
    for (const auto& a : embedded_json_values(text)) {
        if (!a.is_array() || !std::all_of(a.begin(), a.end(), [](const json& e) { return e.is_string(); })) continue;
        std::vector<std::string> ids;
        for (const auto& e : a) {
            auto id = parse_arxiv_id(e.get<std::string>()).id;
            if (batch.contains(id)) ids.push_back(std::move(id));
        }
        return ids;
    }
    return std::nullopt;
}

}  // namespace paperboy
