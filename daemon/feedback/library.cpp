#include "feedback/library.hpp"

#include "arxiv/feed_parser.hpp"
#include "config/json_reader.hpp"
#include "core/text.hpp"
#include "score/prompt.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace paperboy {
namespace {

constexpr int max_depth = 32;
constexpr std::size_t title_bytes = 1000, abstract_bytes = 8000;

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

// TeX markup out of a BibTeX value: commands ("\emph", "\'"), braces and ties go; what they
// wrap stays. Good enough for words to rank by, which is all the value is used for.
std::string untex(std::string_view v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (c == '\\') {
            if (i + 1 < v.size() && std::isalpha(static_cast<unsigned char>(v[i + 1]))) {
                while (i + 1 < v.size() && std::isalpha(static_cast<unsigned char>(v[i + 1]))) ++i;
            } else if (i + 1 < v.size()) {
                ++i;
                if (std::string_view("&%$#_").find(v[i]) != std::string_view::npos) out += v[i];
            }
            continue;
        }
        if (c == '{' || c == '}') continue;
        out += c == '~' ? ' ' : c;
    }
    return out;
}

// The arXiv id in an eprint value, a URL or a DOI, if any.
std::string arxiv_id_in(std::string_view value) {
    std::string v(text::trim(value));
    for (const std::string_view marker : {"arxiv.org/abs/", "arxiv.org/pdf/", "10.48550/arxiv.", "arxiv:"}) {
        if (const auto pos = lowered(v).find(marker); pos != std::string::npos) v = v.substr(pos + marker.size());
    }
    if (v.ends_with(".pdf")) v.resize(v.size() - 4);
    const auto id = parse_arxiv_id(v).id;
    return is_arxiv_id(id) ? id : std::string();
}

library_entry make_entry(std::string_view title, std::string_view abstract, std::string arxiv_id) {
    library_entry e;
    e.title = text::clean_line(title, title_bytes);
    e.abstract = text::clean_line(abstract, abstract_bytes);
    e.arxiv_id = std::move(arxiv_id);
    e.key = e.arxiv_id.empty() ? title_key(e.title) : e.arxiv_id;
    return e;
}

// Adds an entry unless its key is already there or the limit is reached.
void add(parsed_library& out, std::set<std::string>& keys, library_entry e, std::string_view where) {
    if (e.title.empty()) {
        out.problems.push_back(std::string(where) + ": no title, skipped");
        return;
    }
    if (!keys.insert(e.key).second) return;
    if (out.entries.size() >= max_library_entries) {
        if (out.entries.size() == max_library_entries && out.problems.size() < 1000) {
            out.problems.push_back("more than " + std::to_string(max_library_entries) + " entries: the rest is left out");
        }
        return;
    }
    out.entries.push_back(std::move(e));
}

class bibtex_reader {
public:
    explicit bibtex_reader(std::string_view t) : t_(t) {}

    parsed_library read() {
        parsed_library out;
        std::set<std::string> keys;
        while ((pos_ = t_.find('@', pos_)) != std::string_view::npos) {
            ++pos_;
            const auto type = lowered(word());
            skip_space();
            if (pos_ >= t_.size() || (t_[pos_] != '{' && t_[pos_] != '(')) continue;  // an '@' in free text
            const char close = t_[pos_] == '{' ? '}' : ')';
            ++pos_;
            if (type == "comment" || type == "string" || type == "preamble") {
                skip_balanced();
                continue;
            }
            const auto key_end = t_.find_first_of(",}\n", pos_);
            const std::string key(text::trim(t_.substr(pos_, key_end == std::string_view::npos ? 0 : key_end - pos_)));
            pos_ = key_end == std::string_view::npos ? t_.size() : key_end;
            std::map<std::string, std::string> fields;
            if (!read_fields(close, fields)) {
                out.problems.push_back("@" + type + "{" + text::clean_line(key, 60) + "}: malformed, skipped");
                continue;
            }
            std::string id = arxiv_id_in(fields["eprint"]);
            if (id.empty()) id = arxiv_id_in(fields["url"]);
            if (id.empty()) id = arxiv_id_in(fields["doi"]);
            if (id.empty()) id = arxiv_id_in(fields["journal"]);
            add(out, keys, make_entry(untex(fields["title"]), untex(fields["abstract"]), std::move(id)),
                "@" + type + "{" + text::clean_line(key, 60) + "}");
        }
        return out;
    }

private:
    std::string_view t_;
    std::size_t pos_ = 0;

    void skip_space() {
        while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_]))) ++pos_;
    }
    std::string_view word() {
        const auto start = pos_;
        while (pos_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '_' || t_[pos_] == '-' || t_[pos_] == ':')) ++pos_;
        return t_.substr(start, pos_ - start);
    }
    void skip_balanced() {
        int depth = 1;
        for (; pos_ < t_.size() && depth > 0; ++pos_) {
            if (t_[pos_] == '{' || t_[pos_] == '(') ++depth;
            else if (t_[pos_] == '}' || t_[pos_] == ')') --depth;
        }
    }
    // A value delimited by `open` ('{' or '"') at pos_, braces nested inside; false when it
    // is unterminated, unbalanced or nested too deep.
    bool delimited(std::string& out) {
        const char open = t_[pos_++];
        int depth = 0;
        for (; pos_ < t_.size(); ++pos_) {
            const char c = t_[pos_];
            if (c == '{' && ++depth > max_depth) return false;
            if (c == '}' && --depth < 0) {
                if (open != '{') return false;
                ++pos_;
                return true;
            }
            if (c == '"' && open == '"' && depth == 0) {
                ++pos_;
                return true;
            }
            out += c;
        }
        return false;
    }
    bool value(std::string& out) {
        while (true) {
            skip_space();
            if (pos_ >= t_.size()) return false;
            if (t_[pos_] == '{' || t_[pos_] == '"') {
                if (!delimited(out)) return false;
            } else if (const auto w = word(); !w.empty()) {
                out += w;  // a number, or a @string macro's name (its text is not looked up)
            } else {
                return false;
            }
            skip_space();
            if (pos_ < t_.size() && t_[pos_] == '#') {
                ++pos_;
                continue;
            }
            return true;
        }
    }
    bool read_fields(char close, std::map<std::string, std::string>& fields) {
        while (true) {
            skip_space();
            if (pos_ >= t_.size()) return false;
            if (t_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (t_[pos_] == close) {
                ++pos_;
                return true;
            }
            const auto name = lowered(word());
            if (name.empty()) return false;
            skip_space();
            if (pos_ >= t_.size() || t_[pos_] != '=') return false;
            ++pos_;
            std::string v;
            if (!value(v)) return false;
            fields[name] = std::move(v);
        }
    }
};

}  // namespace

std::string title_key(std::string_view title) { return "title:" + stable_hash(text::fold(title)); }

std::string_view to_string(library_format f) {
    switch (f) {
        case library_format::bibtex: return "BibTeX";
        case library_format::csl_json: return "CSL-JSON";
        case library_format::id_list: return "arXiv id list";
    }
    return "?";
}

library_format detect_library_format(const std::filesystem::path& path, std::string_view text) {
    const auto ext = lowered(path.extension().string());
    if (ext == ".bib" || ext == ".bibtex") return library_format::bibtex;
    if (ext == ".json") return library_format::csl_json;
    const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (first != std::string_view::npos && text[first] == '@') return library_format::bibtex;
    if (first != std::string_view::npos && text[first] == '[') return library_format::csl_json;
    return library_format::id_list;
}

parsed_library parse_bibtex(std::string_view text) { return bibtex_reader(text).read(); }

result<parsed_library> parse_csl_json(std::string_view text) {
    nlohmann::json items;
    try {
        items = config_reader::parse_strict(text);
    } catch (const config_reader::config_error& e) {
        return make_error(errc::usage, "not CSL-JSON: " + e.message);
    } catch (const std::exception& e) {
        return make_error(errc::usage, std::string("not CSL-JSON: ") + e.what());
    }
    if (!items.is_array()) return make_error(errc::usage, "not CSL-JSON: expected an array of items");
    parsed_library out;
    std::set<std::string> keys;
    const auto str = [](const nlohmann::json& item, const char* k) {
        return item.contains(k) && item[k].is_string() ? item[k].get<std::string>() : std::string();
    };
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& item = items[i];
        const auto where = "item " + std::to_string(i + 1);
        if (!item.is_object()) {
            out.problems.push_back(where + ": not an object, skipped");
            continue;
        }
        std::string id = arxiv_id_in(str(item, "number"));
        if (id.empty()) id = arxiv_id_in(str(item, "URL"));
        if (id.empty()) id = arxiv_id_in(str(item, "DOI"));
        add(out, keys, make_entry(str(item, "title"), str(item, "abstract"), std::move(id)), where);
    }
    return out;
}

parsed_library parse_id_list(std::string_view text) {
    parsed_library out;
    std::set<std::string> seen;
    std::size_t line_no = 0;
    for (std::size_t start = 0; start <= text.size();) {
        const auto end = std::min(text.find('\n', start), text.size());
        const auto raw = text.substr(start, end - start);
        start = end + 1;
        ++line_no;
        auto line = text::trim(raw);
        if (const auto hash = line.find('#'); hash != std::string_view::npos) line = text::trim(line.substr(0, hash));
        if (line.empty()) continue;
        const auto id = arxiv_id_in(line);
        if (id.empty()) {
            if (out.problems.size() < 100) out.problems.push_back("line " + std::to_string(line_no) + ": '" + text::clean_line(line, 60) + "' is not an arXiv id or URL");
            continue;
        }
        if (seen.size() >= max_library_entries) continue;
        if (seen.insert(id).second) out.arxiv_ids.push_back(id);
    }
    return out;
}

}  // namespace paperboy
