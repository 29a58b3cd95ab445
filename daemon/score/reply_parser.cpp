#include "score/reply_parser.hpp"

#include "arxiv/feed_parser.hpp"
#include "score/replay_scorer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace paperboy {
using nlohmann::json;
namespace {

bool is_kind(const json& v, char close) { return close == '}' ? v.is_object() : v.is_array(); }

// Every top-level JSON value that starts with `open` ('{' or '['), found by matching brackets
// outside strings, in order. Text between values (prose, fences, commas) is skipped.
std::vector<json> embedded_values(std::string_view text, char open) {
    const char close = open == '{' ? '}' : ']';
    std::vector<json> out;
    std::size_t i = 0;
    while ((i = text.find(open, i)) != std::string_view::npos) {
        int depth = 0;
        bool in_string = false, escaped = false;
        std::size_t j = i;
        for (; j < text.size(); ++j) {
            const char c = text[j];
            if (in_string) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') in_string = false;
                continue;
            }
            if (c == '"') in_string = true;
            else if (c == '{' || c == '[') ++depth;
            else if (c == '}' || c == ']') {
                if (--depth == 0) break;
            }
        }
        if (j >= text.size()) break;  // unbalanced: the rest is truncated
        auto value = json::parse(text.substr(i, j - i + 1), nullptr, false);
        if (!value.is_discarded() && is_kind(value, close)) {
            out.push_back(std::move(value));
            i = j + 1;
        } else {
            ++i;
        }
    }
    return out;
}

void collect(const json& v, std::vector<const json*>& items) {
    if (v.is_array()) {
        for (const auto& e : v) collect(e, items);
    } else if (v.is_object()) {
        if (v.contains("papers") && v["papers"].is_array()) collect(v["papers"], items);
        else if (v.contains("ARXIVID")) items.push_back(&v);
    }
}

std::string normalise_id(const json& v) {
    if (v.is_string()) return parse_arxiv_id(v.get<std::string>()).id;
    if (v.is_number()) return v.dump();
    return {};
}

}  // namespace

parsed_reply parse_score_reply(std::string_view text, const std::set<std::string>& batch) {
    parsed_reply out;
    std::vector<json> values;
    if (auto whole = json::parse(text, nullptr, false); !whole.is_discarded()) values.push_back(std::move(whole));
    else {
        values = embedded_values(text, '[');
        auto objects = embedded_values(text, '{');
        // Objects inside an array found above would be counted twice; keep them only when no
        // array held scores.
        std::vector<const json*> from_arrays;
        for (const auto& v : values) collect(v, from_arrays);
        if (from_arrays.empty()) values = std::move(objects);
    }
    std::vector<const json*> items;
    for (const auto& v : values) collect(v, items);
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

std::optional<std::vector<std::string>> parse_id_list_reply(std::string_view text, const std::set<std::string>& batch) {
    std::vector<json> arrays;
    if (auto whole = json::parse(text, nullptr, false); whole.is_array()) arrays.push_back(std::move(whole));
    else arrays = embedded_values(text, '[');
    for (const auto& a : arrays) {
        if (!std::all_of(a.begin(), a.end(), [](const json& e) { return e.is_string(); })) continue;
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
