#include "plugin/loader.hpp"

#include "core/text.hpp"

#include "net/http_client.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace paperboy {
namespace fs = std::filesystem;
namespace {

bool valid_plugin_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

void sink_append(void* user, pb_str bytes) { static_cast<std::string*>(user)->append(bytes.ptr, bytes.len); }

void copy_message(pb_error* err, std::string_view message) {
    const auto n = std::min(message.size(), sizeof(err->message) - 1);
    std::copy_n(message.data(), n, err->message);
    err->message[n] = '\0';
}

// The host services every plugin instance gets (plugin.h: pb_host_api).
void host_log(void* ctx, pb_log_level level, pb_str message) {
    const auto& tag = static_cast<const detail::host_context*>(ctx)->tag;
    const std::string_view text(message.ptr, message.len);
    switch (level) {
        case PB_LOG_DEBUG: spdlog::debug("[{}] {}", tag, text); break;
        case PB_LOG_INFO: spdlog::info("[{}] {}", tag, text); break;
        case PB_LOG_WARN: spdlog::warn("[{}] {}", tag, text); break;
        default: spdlog::error("[{}] {}", tag, text); break;
    }
}

void host_progress(void* ctx, pb_str progress_json) {
    const auto* c = static_cast<const detail::host_context*>(ctx);
    if (c->on_progress && *c->on_progress) (*c->on_progress)(std::string_view(progress_json.ptr, progress_json.len));
}

pb_status host_http(void*, const pb_http_request* request, int* http_status, pb_sink* body_out, pb_sink* headers_out,
                    pb_error* err) {
    try {
        net::http_request req;
        req.method = std::string(request->method.ptr, request->method.len);
        req.url = std::string(request->url.ptr, request->url.len);
        req.body = std::string(request->body.ptr, request->body.len);
        if (request->headers_json.len > 0) {
            const auto headers = nlohmann::json::parse(std::string_view(request->headers_json.ptr, request->headers_json.len));
            for (const auto& [name, value] : headers.items()) req.headers.emplace_back(name, value.get<std::string>());
        }
        net::http_options opts;
        if (request->timeout_ms > 0) {
            opts.total_timeout = std::chrono::milliseconds(request->timeout_ms);
            opts.step_timeout = opts.total_timeout;
        }
        auto res = net::request(std::move(req), opts);
        if (!res) {
            copy_message(err, res.error().message());
            if (res.error().code == errc::timeout) return PB_TIMEOUT;
            return res.error().transient() ? PB_TRANSIENT : PB_PERMANENT;
        }
        *http_status = static_cast<int>(res->status);
        if (body_out && body_out->write) body_out->write(body_out->user, {res->body.data(), res->body.size()});
        if (headers_out && headers_out->write) {
            nlohmann::json h = nlohmann::json::object();
            for (const auto& [name, value] : res->headers) {
                std::string lower = name;
                std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
                h[lower] = value;
            }
            const auto text = h.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            headers_out->write(headers_out->user, {text.data(), text.size()});
        }
        return PB_OK;
    } catch (const std::exception& e) {
        copy_message(err, std::string("invalid HTTP request from plugin: ") + e.what());
        return PB_PERMANENT;
    }
}

}  // namespace

error plugin_error(pb_status status, std::string message) {
    switch (status) {
        case PB_OK: return make_error(errc::plugin, "no error");
        case PB_INVALID_CONFIG: return make_error(errc::config_invalid, std::move(message));
        case PB_TRANSIENT: return error{errc::plugin, std::move(message), retry::may_help};
        case PB_TIMEOUT: return error{errc::timeout, std::move(message), retry::may_help};
        case PB_PERMANENT: return make_error(errc::plugin, std::move(message));
        default: return make_error(errc::plugin, "plugin bug: " + message);
    }
}

loaded_plugin::~loaded_plugin() {
    if (handle_) ::dlclose(handle_);
}

result<std::shared_ptr<loaded_plugin>> loaded_plugin::load(const fs::path& path) {
    const auto where = "plugin " + path.string();
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) return make_error(errc::plugin, where + ": no such file");
    if (!S_ISREG(st.st_mode)) return make_error(errc::plugin, where + ": not a regular file");

    std::shared_ptr<loaded_plugin> p(new loaded_plugin);
    p->path_ = path;
    p->handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!p->handle_) return make_error(errc::plugin, where + ": cannot load: " + ::dlerror());
    ::dlerror();
    auto* entry = reinterpret_cast<pb_plugin_entry_fn>(::dlsym(p->handle_, PB_PLUGIN_ENTRY_SYMBOL));
    if (!entry) {
        return make_error(errc::plugin, where + ": no " + std::string(PB_PLUGIN_ENTRY_SYMBOL) +
                                            " symbol (not a paperboy plugin)");
    }
    p->descriptor_ = entry(PB_PLUGIN_ABI_VERSION);
    if (!p->descriptor_) {
        return make_error(errc::plugin, where + ": built for another plugin ABI (this paperboy speaks version " +
                                            std::to_string(PB_PLUGIN_ABI_VERSION) + "); rebuild it");
    }
    const auto& d = *p->descriptor_;
    if (d.abi_version != PB_PLUGIN_ABI_VERSION) {
        return make_error(errc::plugin, where + ": plugin ABI version " + std::to_string(d.abi_version) + ", expected " +
                                            std::to_string(PB_PLUGIN_ABI_VERSION) + "; rebuild it");
    }
    if (d.struct_size < offsetof(pb_plugin, call) + sizeof(d.call) || !d.name || !d.create || !d.destroy || !d.call) {
        return make_error(errc::plugin, where + ": incomplete plugin descriptor");
    }
    if (!valid_plugin_name(d.name)) return make_error(errc::plugin, where + ": invalid plugin name");
    if (d.kind != PB_KIND_LLM && d.kind != PB_KIND_CHANNEL) return make_error(errc::plugin, where + ": unknown plugin kind");
    spdlog::debug("loaded plugin {} {} from {}", d.name, d.version ? d.version : "?", path.string());
    return p;
}

std::vector<fs::path> plugin_search_path(const std::optional<fs::path>& plugin_dir) {
    std::vector<fs::path> dirs;
    if (plugin_dir) dirs.push_back(*plugin_dir);
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        dirs.push_back(exe.parent_path() / "plugins");
        dirs.push_back(exe.parent_path().parent_path() / "plugins");
        dirs.push_back(exe.parent_path().parent_path() / "lib/paperboy/plugins");  // <prefix>/bin/paperboy
    }
    dirs.emplace_back(PAPERBOY_PLUGIN_INSTALL_DIR);
    return dirs;
}

result<fs::path> find_plugin(std::string_view name, const std::vector<fs::path>& dirs) {
    if (!valid_plugin_name(name)) {
        return make_error(errc::plugin, "'" + std::string(name) + "' is not a plugin name (lower-case letters, digits, _)");
    }
    std::string searched;
    for (const auto& dir : dirs) {
        const auto candidate = dir / (std::string(name) + ".so");
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate;
        searched += (searched.empty() ? "" : ", ") + dir.string();
    }
    std::vector<std::string> available;
    for (const auto& dir : dirs) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            if (entry.path().extension() == ".so") available.push_back(entry.path().stem().string());
        }
    }
    std::sort(available.begin(), available.end());
    available.erase(std::unique(available.begin(), available.end()), available.end());
    std::string detail = "plugin '" + std::string(name) + "' not found (searched " + searched + "); ";
    detail += available.empty() ? std::string("no plugins are installed there (scripts/demo and scripts/test build them into build/plugins)")
                                : "found: " + text::join(available);
    if (const auto near = text::closest(name, available); !near.empty()) detail += " (did you mean '" + near + "'?)";
    return make_error(errc::config_invalid, detail);
}

error plugin_settings_error(const loaded_plugin& plugin, std::string_view pointer_prefix, std::string_view message) {
    const auto colon = message.find(": ");
    const auto key = colon == std::string_view::npos ? std::string() : std::string(message.substr(0, colon));
    std::string detail = std::string(pointer_prefix) + "/" + std::string(message);
    if (message.find("unknown key") != std::string_view::npos) {
        std::vector<std::string> keys;
        const auto doc = nlohmann::json::parse(plugin.descriptor().config_doc_json ? plugin.descriptor().config_doc_json : "[]", nullptr, false);
        if (doc.is_array()) {
            for (const auto& k : doc) {
                if (k.is_object() && k.contains("key") && k["key"].is_string()) keys.push_back(k["key"].get<std::string>());
            }
        }
        if (!keys.empty()) detail += "; the " + std::string(plugin.name()) + " plugin accepts: " + text::join(keys);
        if (const auto near = text::closest(key, keys); !near.empty() && near != key) detail += " (did you mean '" + near + "'?)";
    }
    return make_error(errc::config_invalid, detail);
}

std::vector<std::shared_ptr<loaded_plugin>> discover_plugins(const std::vector<fs::path>& dirs, std::vector<std::string>& problems) {
    std::vector<std::shared_ptr<loaded_plugin>> found;
    std::set<std::string> names;
    for (const auto& dir : dirs) {
        std::error_code ec;
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            if (entry.path().extension() == ".so") files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            if (names.contains(file.stem().string())) continue;
            auto p = loaded_plugin::load(file);
            if (!p) {
                problems.push_back(p.error().detail);
                continue;
            }
            names.insert(file.stem().string());
            found.push_back(std::move(*p));
        }
    }
    return found;
}

result<std::unique_ptr<plugin_instance>> plugin_instance::create(std::shared_ptr<loaded_plugin> plugin, std::string_view config_json) {
    std::unique_ptr<plugin_instance> inst(new plugin_instance);
    inst->plugin_ = std::move(plugin);
    inst->context_ = std::make_unique<detail::host_context>(detail::host_context{std::string(inst->plugin_->name()), nullptr});
    inst->host_ = std::make_unique<pb_host_api>(
        pb_host_api{PB_PLUGIN_ABI_VERSION, sizeof(pb_host_api), inst->context_.get(), &host_log, &host_http, &host_progress});
    pb_error err{};
    const auto status = inst->plugin_->descriptor().create(inst->host_.get(), {config_json.data(), config_json.size()},
                                                            &inst->instance_, &err);
    if (status != PB_OK) {
        inst->instance_ = nullptr;
        return plugin_error(status, "plugin " + std::string(inst->plugin_->name()) + ": " + err.message);
    }
    return inst;
}

plugin_instance::~plugin_instance() {
    if (instance_) plugin_->descriptor().destroy(instance_);
}

plugin_instance::call_result plugin_instance::call(std::string_view request_json,
                                                   const std::function<void(std::string_view)>& on_progress) {
    std::lock_guard lock(mutex_);
    context_->on_progress = &on_progress;
    struct reset {
        detail::host_context* c;
        ~reset() { c->on_progress = nullptr; }
    } guard{context_.get()};
    call_result r;
    pb_sink out{&r.output, &sink_append};
    pb_error err{};
    r.status = plugin_->descriptor().call(instance_, {request_json.data(), request_json.size()}, &out, &err);
    if (r.status != PB_OK) r.message = err.message;
    return r;
}

}  // namespace paperboy
