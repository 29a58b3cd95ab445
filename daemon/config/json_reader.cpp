#include "config/json_reader.hpp"

#include "core/files.hpp"
#include "core/text.hpp"

#include <cmath>
#include <cstdlib>

namespace paperboy::config_reader {
namespace fs = std::filesystem;
using nlohmann::json;

void fail(const std::string& pointer, const std::string& what) {
    throw config_error{(pointer.empty() ? "/" : pointer) + ": " + what};
}

json parse_strict(std::string_view text) {
    struct frame {
        bool object;
        std::set<std::string> keys;
        std::string key;   // the member being read (objects)
        long index = -1;   // the element being read (arrays)
    };
    std::vector<frame> stack;
    std::optional<std::string> problem;
    const auto pointer = [&] {
        std::string p;
        for (const auto& f : stack) p += "/" + (f.object ? f.key : std::to_string(f.index));
        return p.empty() ? std::string("/") : p;
    };
    const auto element_starts = [&] {
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
    };
    json::parser_callback_t check = [&](int depth, json::parse_event_t event, json& parsed) {
        if (problem) return true;
        if (depth > 64) problem = pointer() + ": nested too deeply";
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                element_starts();
                stack.push_back({event == json::parse_event_t::object_start, {}, {}, -1});
                break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!stack.empty()) stack.pop_back();
                break;
            case json::parse_event_t::key: {
                auto& f = stack.back();
                f.key = parsed.get<std::string>();
                if (!f.key.starts_with("//") && !f.keys.insert(f.key).second) problem = pointer() + ": given twice; keep one (JSON objects have unique keys)";
                break;
            }
            case json::parse_event_t::value:
                element_starts();
                if (parsed.is_number_float() && !std::isfinite(parsed.get<double>())) problem = pointer() + ": number out of range";
                break;
        }
        return true;
    };
    json root;
    try {
        root = json::parse(text, check);
    } catch (const json::exception& e) {
        // nlohmann reports numbers out of range (1e400) as out_of_range, not parse_error.
        std::string what = e.what();
        if (const auto bracket = what.find("] "); bracket != std::string::npos) what = what.substr(bracket + 2);
        // The value being read when the lexer gave up is the next element of an array.
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
        if (e.id == 406) throw config_error{pointer() + ": number out of range (" + what + ")"};
        throw config_error{"/: not valid JSON: " + what};
    }
    if (problem) throw config_error{*problem};
    // Keys that start with "//" are comments, in any object: gone before anyone reads the tree.
    const auto strip = [](auto& self, json& j) -> void {
        if (j.is_object()) {
            for (auto it = j.begin(); it != j.end();) {
                if (it.key().starts_with("//")) it = j.erase(it);
                else self(self, *it++);
            }
        } else if (j.is_array()) {
            for (auto& e : j) self(self, e);
        }
    };
    strip(strip, root);
    return root;
}

std::string expand_env(const std::string& pointer, const std::string& value) {
    std::string out;
    for (std::size_t i = 0; i < value.size();) {
        if (value.compare(i, 3, "$${") == 0) {
            out += "${";
            i += 3;
        } else if (value.compare(i, 2, "${") == 0) {
            const auto end = value.find('}', i + 2);
            if (end == std::string::npos) fail(pointer, "unterminated ${ in value");
            const auto name = value.substr(i + 2, end - i - 2);
            const char* env = name.empty() ? nullptr : std::getenv(name.c_str());
            if (!env) fail(pointer, "environment variable " + name + " is not set");
            out += env;
            i = end + 1;
        } else {
            out += value[i++];
        }
    }
    return out;
}

bool valid_name(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (const char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

object_reader::object_reader(const json& obj, std::string pointer, const fs::path& base_dir)
    : obj_(obj), pointer_(std::move(pointer)), base_dir_(base_dir) {
    if (!obj_.is_object()) fail(pointer_, std::string("expected an object, got ") + obj_.type_name());
}

const json* object_reader::find(const std::string& key) {
    used_.insert(key);
    const auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &*it;
}

std::optional<std::string> object_reader::string(const std::string& key) {
    const auto* v = find(key);
    const auto* f = find(key + "_file");
    if (v && f) fail(at(key), "give either " + key + " or " + key + "_file, not both");
    if (f) {
        const auto file = resolve(key + "_file", *f);
        auto content = read_file(file, max_included_file_bytes);
        if (!content) fail(at(key + "_file"), content.error().detail);
        auto s = std::move(*content);
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
        return s;
    }
    if (!v) return std::nullopt;
    if (!v->is_string()) fail(at(key), std::string("expected a string, got ") + v->type_name());
    return expand_env(at(key), v->get<std::string>());
}

std::optional<fs::path> object_reader::path(const std::string& key) {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    return resolve(key, *v);
}

std::optional<long> object_reader::integer(const std::string& key, long min, long max) {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) fail(at(key), std::string("expected an integer, got ") + v->type_name());
    const auto range = "must be between " + std::to_string(min) + " and " + std::to_string(max);
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) fail(at(key), range);
    const auto n = v->get<long>();
    if (n < min || n > max) fail(at(key), range);
    return n;
}

std::optional<double> object_reader::number(const std::string& key, double min, double max) {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_number()) fail(at(key), std::string("expected a number, got ") + v->type_name());
    const auto n = v->get<double>();
    if (!std::isfinite(n) || n < min || n > max) {
        fail(at(key), "must be between " + nlohmann::json(min).dump() + " and " + nlohmann::json(max).dump());
    }
    return n;
}

std::optional<bool> object_reader::boolean(const std::string& key) {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) fail(at(key), std::string("expected true or false, got ") + v->type_name());
    return v->get<bool>();
}

std::optional<std::vector<std::string>> object_reader::strings(const std::string& key) {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_array()) fail(at(key), std::string("expected an array of strings, got ") + v->type_name());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v->size(); ++i) {
        const auto& e = (*v)[i];
        const auto p = at(key) + "/" + std::to_string(i);
        if (!e.is_string()) fail(p, std::string("expected a string, got ") + e.type_name());
        out.push_back(expand_env(p, e.get<std::string>()));
    }
    return out;
}

std::vector<std::string> object_reader::unused_keys() const {
    std::vector<std::string> out;
    for (const auto& [key, value] : obj_.items()) {
        if (!used_.contains(key)) out.push_back(key);
    }
    return out;
}

void object_reader::finish() const {
    const auto unused = unused_keys();
    if (unused.empty()) return;
    std::vector<std::string> known;
    for (const auto& k : used_) {
        if (!k.ends_with("_file") || obj_.contains(k)) known.push_back(k);
    }
    std::string what = "unknown key";
    if (const auto near = text::closest(unused.front(), known); !near.empty()) what += " (did you mean '" + near + "'?)";
    fail(at(unused.front()), what);
}

fs::path object_reader::resolve(const std::string& key, const json& v) const {
    if (!v.is_string()) fail(at(key), std::string("expected a path string, got ") + v.type_name());
    fs::path p = expand_env(at(key), v.get<std::string>());
    if (p.empty()) fail(at(key), "must not be empty");
    return p.is_absolute() ? p : (base_dir_ / p).lexically_normal();
}

}  // namespace paperboy::config_reader
