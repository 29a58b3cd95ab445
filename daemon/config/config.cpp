#include "config/config.hpp"

#include "arxiv/taxonomy.hpp"
#include "config/config_sections.hpp"
#include "config/json_reader.hpp"

#include "core/dates.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "score/builtin_prompts.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

namespace paperboy {
namespace fs = std::filesystem;
using nlohmann::json;
using namespace config_reader;

namespace {

void read_arxiv(object_reader r, arxiv_config& a, const fs::path& base_dir) {
    auto cats = r.strings("categories");
    if (!cats || cats->empty()) fail(r.at("categories"), "at least one arXiv category is required, e.g. [\"cs.LG\"]");
    for (std::size_t i = 0; i < cats->size(); ++i) {
        if (const auto problem = arxiv_category_problem((*cats)[i]); !problem.empty()) {
            fail(r.at("categories") + "/" + std::to_string(i), problem);
        }
    }
    a.categories = std::move(*cats);
    if (auto types = r.strings("announce_types")) {
        a.announce_types.clear();
        for (std::size_t i = 0; i < types->size(); ++i) {
            const auto t = parse_announce_type((*types)[i]);
            if (!t) fail(r.at("announce_types") + "/" + std::to_string(i), "must be one of new, cross, replace, replace-cross");
            a.announce_types.push_back(*t);
        }
        if (a.announce_types.empty()) fail(r.at("announce_types"), "must name at least one announce type");
    }
    if (auto url = r.string("feed_url")) {
        if (!url->starts_with("https://") && !url->starts_with("http://") && !url->starts_with("file://")) {
            fail(r.at("feed_url"), "must be an https://, http:// or file:// URL");
        }
        a.feed_url = *url;
        // A file:// URL names a local path; a relative one resolves like every other path.
        if (url->starts_with("file://")) {
            fs::path file = url->substr(7);
            if (file.empty()) fail(r.at("feed_url"), "file:// URL without a path");
            if (file.is_relative()) file = (base_dir / file).lexically_normal();
            a.feed_url = "file://" + file.string();
        }
    }
    if (auto url = r.string("api_url")) {
        if (!url->starts_with("https://") && !url->starts_with("http://")) fail(r.at("api_url"), "must be an https:// or http:// URL");
        a.api_url = *url;
    }
    if (auto t = r.integer("timeout_seconds", 1, 600)) a.timeout = std::chrono::seconds(*t);
    if (auto n = r.integer("max_attempts", 1, 20)) a.max_attempts = static_cast<int>(*n);
    if (auto d = r.integer("retry_delay_seconds", 3, 3600)) a.retry_delay = std::chrono::seconds(*d);
    if (auto m = r.integer("max_feed_mb", 1, 1024)) a.max_feed_bytes = static_cast<std::size_t>(*m) * 1024 * 1024;
    r.finish();
}

profile_config read_profile(object_reader r) {
    profile_config p;
    auto name = r.string("name");
    if (!name) fail(r.at("name"), "every profile needs a name");
    if (!valid_name(*name)) fail(r.at("name"), "'" + *name + "' must be 1-64 letters, digits, '-' or '_'");
    p.name = *name;
    auto topics = r.string("topics");
    if (!topics || text::trim(*topics).empty()) {
        fail(r.at("topics"), "describe the research interests with topics or topics_file");
    }
    p.topics = *topics;
    if (auto k = r.strings("keywords")) p.keywords = std::move(*k);
    if (auto a = r.strings("authors")) p.authors = std::move(*a);
    if (auto c = r.integer("relevance_cutoff", 1, 10)) p.relevance_cutoff = static_cast<int>(*c);
    if (auto c = r.integer("novelty_cutoff", 1, 10)) p.novelty_cutoff = static_cast<int>(*c);
    if (auto n = r.integer("top_n", 0, 10'000)) p.top_n = static_cast<int>(*n);
    if (auto c = r.strings("channels")) p.channels = std::move(*c);
    r.finish();
    return p;
}

// The keys of `r` not read yet, as a plugin gets them: ${VAR} expanded and "<key>_file" read
// into "<key>", so that plugins never touch files or the environment.
nlohmann::json plugin_settings(object_reader& r) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& key : r.unused_keys()) {
        const std::string base = key.ends_with("_file") ? key.substr(0, key.size() - 5) : key;
        const auto* v = r.find(key);
        if (v->is_string() || key.ends_with("_file")) {
            if (auto value = r.string(base)) out[base] = *value;
        } else {
            out[key] = *v;
        }
    }
    return out;
}

bool builtin_scorer(const std::string& name) { return name == "offline" || name == "replay"; }

void read_llm(object_reader r, llm_config& l) {
    if (auto p = r.string("plugin")) l.plugin = *p;
    if (!valid_name(l.plugin)) fail(r.at("plugin"), "'" + l.plugin + "' is not a plugin name");
    if (auto m = r.string("model")) l.model = *m;
    if (l.model.empty()) {
        // A misspelt plugin is the mistake to name, not the model it would need.
        static const std::vector<std::string> shipped{"offline", "replay", "openai"};
        if (const auto near = text::closest(l.plugin, shipped); !near.empty() && near != l.plugin) {
            fail(r.at("plugin"), "'" + l.plugin + "' is not a plugin paperboy ships (offline and replay are built in, openai is a plugin; did you mean '" +
                                     near + "'?)");
        }
        if (!builtin_scorer(l.plugin)) fail(r.at("model"), "required for the " + l.plugin + " plugin (e.g. \"gpt-6-luna\")");
        l.model = l.plugin;
    }
    if (auto f = r.path("answers_file")) l.answers_file = *f;
    if (l.plugin == "replay" && l.answers_file.empty()) fail(r.at("answers_file"), "the replay scorer needs answers_file");
    l.prompts.system = r.string("system_prompt").value_or(std::string(builtin_prompts::system));
    l.prompts.criteria = r.string("criteria").value_or(std::string(builtin_prompts::criteria));
    l.prompts.instructions = r.string("instructions").value_or(std::string(builtin_prompts::instructions));
    l.prompts.title_instructions = r.string("title_instructions").value_or(std::string(builtin_prompts::title_instructions));
    if (auto n = r.integer("prompt_authors", 0, 50)) l.prompts.authors = static_cast<int>(*n);
    if (auto n = r.integer("concurrency", 1, 64)) l.concurrency = static_cast<int>(*n);
    if (auto n = r.integer("batch_size", 0, 100)) l.batch_size = static_cast<int>(*n);
    if (const auto* t = r.find("title_filter")) {
        if (!t->is_boolean()) fail(r.at("title_filter"), std::string("expected true or false, got ") + t->type_name());
        l.title_filter = t->get<bool>();
    }
    if (auto m = r.string("title_model")) {
        if (builtin_scorer(l.plugin)) fail(r.at("title_model"), "the title pre-filter is a language model's; the built-in scorers have none");
        if (m->empty() || m->size() > 200 || m->find_first_of(" \t\r\n\"") != std::string::npos) fail(r.at("title_model"), "expected a model id such as \"gpt-6-luna\"");
        l.title_model = *m;
    }
    if (auto n = r.integer("title_batch_size", 0, 500)) l.title_batch_size = static_cast<int>(*n);
    if (auto c = r.number("max_cost_usd", 0)) l.max_cost_usd = *c;
    if (auto f = r.string("on_failure")) {
        if (*f == "hold") l.on_failure = scoring_failure_policy::hold;
        else if (*f == "send_marked") l.on_failure = scoring_failure_policy::send_marked;
        else if (*f == "offline") l.on_failure = scoring_failure_policy::offline;
        else fail(r.at("on_failure"), "must be \"hold\", \"send_marked\" or \"offline\"");
    }
    // "fallback" is the 0.1 name: "offline" there means on_failure "offline".
    if (auto f = r.string("fallback")) {
        if (*f != "offline" && *f != "none") fail(r.at("fallback"), "must be \"none\" or \"offline\" (or use on_failure)");
        if (r.find("on_failure") && (*f == "offline") != (l.on_failure == scoring_failure_policy::offline)) {
            fail(r.at("fallback"), "contradicts on_failure; keep on_failure only");
        }
        if (*f == "offline") l.on_failure = scoring_failure_policy::offline;
    }
    if (auto h = r.number("hold_max_hours", 0, 72)) l.hold_max = std::chrono::seconds(static_cast<long long>(*h * 3600));
    if (auto n = r.integer("max_attempts", 1, 20)) l.max_attempts = static_cast<int>(*n);
    if (auto n = r.integer("retry_delay_ms", 0, 600'000)) l.retry_delay = std::chrono::milliseconds(*n);
    if (auto n = r.integer("max_paper_retries", 0, 10)) l.max_paper_retries = static_cast<int>(*n);
    if (auto n = r.integer("examples", 0, 40)) {
        if (builtin_scorer(l.plugin)) fail(r.at("examples"), "few-shot examples are for a language model; the built-in ranker learns from the votes directly");
        l.examples = static_cast<int>(*n);
    }
    if (auto m = r.string("mode")) {
        if (*m == "batch") l.batch_mode = true;
        else if (*m != "sync") fail(r.at("mode"), "must be \"sync\" (a call per batch, now) or \"batch\" (the provider's Batch API, half the price)");
        if (l.batch_mode && builtin_scorer(l.plugin)) fail(r.at("mode"), "the Batch API is a language model provider's; the built-in scorers make no calls");
    }
    if (auto n = r.number("batch_max_wait_minutes", 0.001, 1440)) l.batch_max_wait = std::chrono::seconds(static_cast<long long>(*n * 60));
    if (const auto* d = r.find("batch_deadline")) {
        const std::string fix = "expected a time of day \"HH:MM\" in schedule.timezone (the daemon cancels an unfinished batch then) or minutes after submission, e.g. 120";
        if (!l.batch_mode) fail(r.at("batch_deadline"), "only with \"mode\": \"batch\" (a direct call has no batch to wait for)");
        if (d->is_number()) {
            if (r.find("batch_max_wait_minutes")) fail(r.at("batch_deadline"), "batch_max_wait_minutes says the same; keep one of them");
            const auto n = d->get<double>();
            if (!(n >= 0.001 && n <= 1440)) fail(r.at("batch_deadline"), fix + " (at most 1440, a day)");
            l.batch_max_wait = std::chrono::seconds(static_cast<long long>(n * 60));
        } else if (const auto clock = d->is_string() ? parse_clock_time(d->get<std::string>()) : std::nullopt) {
            l.batch_deadline = *clock;
        } else {
            fail(r.at("batch_deadline"), fix + ", got " + d->dump().substr(0, 40));
        }
    }
    if (auto n = r.number("batch_poll_seconds", 0.01, 3600)) l.batch_poll = std::chrono::milliseconds(static_cast<long long>(*n * 1000));
    if (const auto* t = r.find("teach_ranker")) {
        if (!t->is_boolean()) fail(r.at("teach_ranker"), std::string("expected true or false, got ") + t->type_name());
        l.teach_ranker = t->get<bool>();
    }
    if (const auto* pf = r.find("prefilter")) {
        object_reader p(*pf, r.at("prefilter"), {});
        prefilter_config c;
        if (auto n = p.integer("keep_top", 1, 100'000)) c.keep_top = static_cast<int>(*n);
        if (auto f = p.number("keep_fraction", 0.01, 1.0)) c.keep_fraction = *f;
        p.finish();
        if (c.keep_top.has_value() == c.keep_fraction.has_value()) {
            fail(r.at("prefilter"), "give exactly one of keep_top (a number of papers) or keep_fraction (a share, e.g. 0.5)");
        }
        if (builtin_scorer(l.plugin)) fail(r.at("prefilter"), "the pre-filter chooses what a language model reads; the built-in scorers read everything");
        l.prefilter = c;
    }
    l.prices = default_prices();
    if (const auto* prices = r.find("prices")) {
        object_reader pr(*prices, r.at("prices"), {});
        for (const auto& [model, value] : prices->items()) {
            object_reader one(value, pr.at(model), {});
            pr.find(model);
            price p;
            p.prompt_per_million = one.number("prompt", 0).value_or(0);
            p.completion_per_million = one.number("completion", 0).value_or(0);
            p.cached_per_million = one.number("cached", 0);
            one.finish();
            l.prices[model] = p;
        }
        pr.finish();
    }
    if (builtin_scorer(l.plugin)) {
        r.finish();
        return;
    }
    // Every other key belongs to the plugin, which validates it when it is created.
    l.plugin_settings = plugin_settings(r);
    l.plugin_settings["model"] = l.model;
}

}  // namespace

std::map<std::string, price> default_prices() {
    return {
        {"offline", {0, 0, 0}},
        {"gpt-4o", {2.50, 10.00, 1.25, "2027-01-14"}},
        {"gpt-4o-mini", {0.15, 0.60, 0.075, "2027-01-14"}},
        {"gpt-4.1", {2.00, 8.00, 0.50, "2027-01-14"}},
        {"gpt-4.1-mini", {0.40, 1.60, 0.10, "2027-01-14"}},
        {"gpt-4.1-nano", {0.10, 0.40, 0.025, "2026-10-23"}},
        {"gpt-5", {1.25, 10.00, 0.125, "2026-12-11"}},
        {"gpt-5-mini", {0.25, 2.00, 0.025, "2026-12-11"}},
        {"gpt-5-nano", {0.05, 0.40, 0.005, "2026-12-11"}},
        {"gpt-5.4-mini", {0.75, 4.50, 0.075}},
        {"gpt-5.4-nano", {0.20, 1.25, 0.02}},
        {"gpt-5.6-luna", {0.20, 1.20, 0.02}},
        {"gpt-6-luna", {0.10, 0.50, 0.01}},
    };
}

// "sources": [{"server": "arxiv"}, {"server": "biorxiv", "categories": ["neuroscience"]}, ...]:
// arXiv is the "arxiv" section (and decides the days); the others are added to its days.
void read_sources(const json& sources, std::vector<preprint_source>& out, const fs::path& base_dir) {
    if (!sources.is_array()) fail("/sources", std::string("expected an array such as [{\"server\": \"biorxiv\", \"categories\": [\"neuroscience\"]}], got ") + sources.type_name());
    if (sources.size() > 8) fail("/sources", "at most 8 sources");
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const auto at = "/sources/" + std::to_string(i);
        object_reader s(sources[i], at, base_dir);
        const auto server = s.string("server");
        if (!server) fail(at + "/server", "required: \"arxiv\", \"biorxiv\" or \"medrxiv\"");
        if (*server == "arxiv") {
            s.finish();  // the "arxiv" section configures it
            continue;
        }
        if (*server != "biorxiv" && *server != "medrxiv") fail(at + "/server", "must be \"arxiv\", \"biorxiv\" or \"medrxiv\"");
        if (std::any_of(out.begin(), out.end(), [&](const preprint_source& p) { return p.server == *server; })) fail(at + "/server", "listed twice");
        preprint_source p;
        p.server = *server;
        if (auto cats = s.strings("categories")) {
            for (std::size_t k = 0; k < cats->size(); ++k) {
                const auto& c = (*cats)[k];
                const bool ok = !c.empty() && c.size() <= 60 && std::all_of(c.begin(), c.end(), [](char ch) {
                    // medRxiv's subjects include "Infectious Diseases (except HIV/AIDS)".
                    return std::isalpha(static_cast<unsigned char>(ch)) || std::string_view(" _-/(),&").find(ch) != std::string_view::npos;
                });
                if (!ok) fail(at + "/categories/" + std::to_string(k), "expected a " + p.server + " subject area such as \"neuroscience\" or \"cell biology\"");
            }
            p.categories = std::move(*cats);
        }
        if (auto u = s.string("api_url")) {
            if (!(u->starts_with("https://") || u->starts_with("http://")) || u->find_first_of(" \"'<>\\?#") != std::string::npos) {
                fail(at + "/api_url", "expected an http(s) URL such as https://api.biorxiv.org");
            }
            p.api_url = *u;
        }
        s.finish();
        out.push_back(std::move(p));
    }
}

namespace {

// Each section is read on its own, so one file's mistakes are reported together (each with its
// pointer) rather than one per attempt; the bound keeps a garbage file's report short.
class problems {
public:
    static constexpr std::size_t most = 20;
    template <class F>
    void section(F&& read) {
        try {
            read();
        } catch (const config_error& e) {
            note(e.message);
        } catch (const std::exception& e) {
            // A value nlohmann cannot convert (an integer beyond long, say) is still the
            // configuration's fault, never an internal error or a dead daemon on SIGHUP.
            note(std::string("/: unusable value: ") + e.what());
        }
    }
    std::optional<std::string> report() const {
        if (found_ == 0) return std::nullopt;
        if (found_ == 1) return messages_.front();
        std::string out = std::to_string(found_) + " problems:";
        for (const auto& m : messages_) out += "\n  " + m;
        if (found_ > messages_.size()) out += "\n  ... and " + std::to_string(found_ - messages_.size()) + " more";
        return out;
    }

private:
    void note(std::string m) {
        ++found_;
        if (messages_.size() < most) messages_.push_back(std::move(m));
    }
    std::vector<std::string> messages_;
    std::size_t found_ = 0;
};

void read_channels(object_reader& r, config& c, const fs::path& base_dir, problems& found) {
    const auto* chans = r.find("channels");
    if (!chans) return;
    object_reader cr(*chans, "/channels", base_dir);
    for (const auto& item : chans->items()) {
        // Named copies: a lambda may not capture structured bindings before C++20 in clang 14.
        const std::string name = item.key();
        const auto& value = item.value();
        cr.find(name);
        found.section([&] {
            const auto p = "/channels/" + name;
            if (!valid_name(name)) fail(p, "channel names must be 1-64 letters, digits, '-' or '_'");
            object_reader ch(value, p, base_dir);
            const auto plugin = ch.string("plugin");
            if (!plugin || !valid_name(*plugin)) fail(p + "/plugin", "every channel needs a plugin name");
            c.channels.push_back({name, *plugin, plugin_settings(ch)});
        });
    }
}

// A profile's channels are checked against the names under /channels as written, so a channel
// whose own settings are wrong is reported once, there, and not again by every profile.
void read_one_profile(const json& value, const std::string& p, const json* chans, std::set<std::string>& names, config& c,
                      const fs::path& base_dir) {
    auto prof = read_profile(object_reader(value, p, base_dir));
    if (!names.insert(prof.name).second) fail(p + "/name", "duplicate profile name '" + prof.name + "'");
    for (std::size_t k = 0; k < prof.channels.size(); ++k) {
        const auto& ch = prof.channels[k];
        if (!chans || !chans->is_object() || !chans->contains(ch)) fail(p + "/channels/" + std::to_string(k), "no channel named '" + ch + "' in /channels");
    }
    c.profiles.push_back(std::move(prof));
}

}  // namespace

result<config> parse_config(std::string_view json_text, const fs::path& base_dir) {
    json root;
    std::optional<object_reader> root_reader;  // what is not an object has no sections to read
    try {
        root = parse_strict(json_text);
        root_reader.emplace(root, "", base_dir);
    } catch (const config_error& e) {
        return make_error(errc::config_invalid, e.message);
    }
    auto& r = *root_reader;
    config c;
    problems found;
    found.section([&] {
        if (const auto* a = r.find("arxiv")) read_arxiv(object_reader(*a, "/arxiv", base_dir), c.arxiv, base_dir);
        else fail("/arxiv", "missing; at least {\"categories\": [\"cs.LG\"]} is required");
    });
    found.section([&] {
        if (const auto* s = r.find("sources")) read_sources(*s, c.preprints, base_dir);
    });
    found.section([&] {
        const auto* llm = r.find("llm");
        read_llm(object_reader(llm ? *llm : json::object(), "/llm", base_dir), c.llm);
    });
    found.section([&] { read_channels(r, c, base_dir, found); });
    found.section([&] { read_delivery(r, c.delivery, base_dir); });
    const auto* profiles = r.find("profiles");
    if (!profiles || !profiles->is_array() || profiles->empty()) {
        found.section([] { fail("/profiles", "at least one profile is required (a list of objects)"); });
    } else {
        std::set<std::string> names;
        for (std::size_t i = 0; i < profiles->size(); ++i) {
            found.section([&] { read_one_profile((*profiles)[i], "/profiles/" + std::to_string(i), r.find("channels"), names, c, base_dir); });
        }
    }
    found.section([&] {
        if (auto dir = r.path("plugin_dir")) c.plugin_dir = *dir;
    });
    found.section([&] { read_feedback(r, c.feedback, base_dir); });
    found.section([&] { read_report(r, c, base_dir); });
    found.section([&] { read_files(r, c, base_dir); });
    found.section([&] { read_schedule(r, c.schedule, base_dir); });
    found.section([&] {
        if (c.llm.batch_deadline && *c.llm.batch_deadline == *parse_clock_time(c.schedule.time)) {
            fail("/llm/batch_deadline", "is schedule.time itself; give the time of day by which the digest must be out, some hours after schedule.time");
        }
    });
    found.section([&] { read_server(r, c, base_dir); });
    found.section([&] { r.finish(); });
    if (const auto report = found.report()) return make_error(errc::config_invalid, *report);
    return c;
}

result<config> load_config(const fs::path& path) {
    auto text = read_file(path, max_config_bytes);
    if (!text) return make_error(errc::config_invalid, text.error().detail);
    auto base = fs::absolute(path).parent_path();
    auto c = parse_config(*text, base);
    if (!c) {
        auto e = c.error();
        e.detail = path.string() + ": " + e.detail;
        return e;
    }
    c->source = fs::absolute(path);
    return c;
}

}  // namespace paperboy
