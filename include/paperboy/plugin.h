/* paperboy plugin ABI, version 1.
 *
 * A plugin is a shared object that exports exactly one symbol, pb_plugin_entry. The host
 * (the paperboy daemon) loads it with dlopen(RTLD_NOW | RTLD_LOCAL), calls the entry with its
 * own ABI version and gets back a static descriptor. Everything else goes through function
 * pointers in that descriptor and in the host API the host passes to create().
 *
 * Why a C ABI (and not exported C++ classes): the contract below is explicit about who owns
 * what and which thread calls what; no exceptions, std:: types, nlohmann, spdlog or Boost
 * types cross the boundary; and the loader can be tested with three-line C fixtures. Plugin
 * authors write C++ against include/paperboy/plugin_sdk.hpp, which absorbs the boilerplate.
 *
 * Rules that hold for every function here:
 * - Status: every call returns pb_status; PB_OK (0) means success, everywhere.
 * - OWNERSHIP: nothing allocated on one side is freed on the other. Inputs are pb_str views
 *   BORROWED for the duration of the call. Outputs are written into a host pb_sink that copies
 *   the bytes during the call. Error text goes into a CALLER-owned pb_error buffer
 *   (truncated if longer). Instances are created and destroyed only by the plugin.
 * - THREADS: the host never calls a plugin on its event-loop thread, and never makes two calls
 *   on the same instance at once; different instances may be called in parallel. Plugins must
 *   not start threads that outlive destroy(), write to stdout, call exit/abort or install
 *   signal handlers.
 * - Secrets: the host resolves ${ENV} and *_file before create(); plugins never read the
 *   environment, and must never put a secret into a pb_error or a log line.
 */
#ifndef PAPERBOY_PLUGIN_H
#define PAPERBOY_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on ANY incompatible change. The host refuses plugins built for another version. */
#define PB_PLUGIN_ABI_VERSION 1u

typedef enum pb_status {
    PB_OK = 0,
    PB_INVALID_CONFIG = 1, /* the configuration is wrong: permanent until it changes */
    PB_PERMANENT = 2,      /* the peer refused (4xx, bad credentials, quota): do not retry */
    PB_TRANSIENT = 3,      /* network failure, 429, 5xx: retrying later may help */
    PB_TIMEOUT = 4,        /* a deadline expired: retrying may help */
    PB_INTERNAL = 5        /* a bug or an exception caught at the plugin boundary */
} pb_status;

/* A byte string view. OWNERSHIP: borrowed; valid only during the call it is passed to. */
typedef struct pb_str {
    const char* ptr;
    size_t len;
} pb_str;

/* OWNERSHIP: caller-owned; the callee writes a NUL-terminated message on failure. */
typedef struct pb_error {
    char message[1024];
} pb_error;

/* Output channel. OWNERSHIP: host-owned; write() copies `bytes` before returning and may be
 * called several times (the pieces are concatenated). */
typedef struct pb_sink {
    void* user;
    void (*write)(void* user, pb_str bytes);
} pb_sink;

typedef enum pb_log_level { PB_LOG_DEBUG = 0, PB_LOG_INFO = 1, PB_LOG_WARN = 2, PB_LOG_ERROR = 3 } pb_log_level;

/* An HTTP(S) request made by the host on the plugin's behalf. All fields borrowed.
 * headers_json: a JSON object of header name -> value, e.g. {"Authorization": "Bearer ..."};
 * values with CR or LF are refused. TLS verification is always on. */
typedef struct pb_http_request {
    pb_str method;
    pb_str url;
    pb_str headers_json;
    pb_str body;
    uint32_t timeout_ms;   /* the whole exchange; 0 = the host's default */
} pb_http_request;

/* Services the host gives a plugin instead of letting it link its own stacks.
 * OWNERSHIP: host-owned; valid from create() until after destroy() returns.
 * struct_size lets the host append functions without a version bump. */
typedef struct pb_host_api {
    uint32_t abi_version;
    uint32_t struct_size;
    void* host_ctx;
    /* Any thread. The host tags the line with the plugin's name. */
    void (*log)(void* host_ctx, pb_log_level level, pb_str message);
    /* Blocks the calling (worker) thread until the exchange ends. On PB_OK, *http_status is
     * the response status (any status, 4xx and 5xx included), the body is written to
     * body_out and the response headers, as a JSON object with lower-case names, to
     * headers_out (may be NULL). A non-OK status is a transport failure (PB_TRANSIENT,
     * PB_TIMEOUT, PB_PERMANENT for an unusable URL) with the reason in err. */
    pb_status (*http)(void* host_ctx, const pb_http_request* request, int* http_status, pb_sink* body_out,
                      pb_sink* headers_out, pb_error* err);
    /* Appended (check struct_size). During a channel call only, on the calling thread: after
     * each message a multi-message plugin has sent, it reports what is done so far in this
     * call, {"messages_sent": k, "receipts": [...]} with k counted like resume_from. The host
     * stores it durably before returning, so a crash between two messages resumes at message
     * k and only a message in flight at the crash can arrive twice. */
    void (*progress)(void* host_ctx, pb_str progress_json);
} pb_host_api;

typedef enum pb_kind { PB_KIND_LLM = 1, PB_KIND_CHANNEL = 2 } pb_kind;

/* The plugin's self-description. OWNERSHIP: plugin-owned static data, valid until dlclose.
 * struct_size is sizeof(pb_plugin) as the plugin was compiled; the host treats members beyond
 * it as absent. */
typedef struct pb_plugin {
    uint32_t abi_version;       /* PB_PLUGIN_ABI_VERSION */
    uint32_t struct_size;       /* sizeof(pb_plugin) */
    const char* name;           /* [a-z0-9_]+, equal to the file name without ".so" */
    const char* version;        /* the plugin's own version, for logs */
    pb_kind kind;
    /* JSON array describing the config keys:
     * [{"key": "model", "type": "string", "required": true, "secret": false, "doc": "..."}] */
    const char* config_doc_json;

    /* Validates `config_json` (the plugin's config object, secrets resolved) and makes an
     * instance. Must not do network I/O. PB_INVALID_CONFIG with a message that names the key
     * on bad config. `host` outlives the instance. */
    pb_status (*create)(const pb_host_api* host, pb_str config_json, void** out_instance, pb_error* err);
    /* Releases an instance made by create(). Never fails. */
    void (*destroy)(void* instance);
    /* One unit of work, described by `request_json` (with a "schema" member; see the kind's
     * documentation in docs/PLUGINS.md). The answer, a JSON document, goes to `out`, also on
     * failure when the plugin has hints for the host (e.g. {"retry_after_ms": 2000}). */
    pb_status (*call)(void* instance, pb_str request_json, pb_sink* out, pb_error* err);
} pb_plugin;

/* The only exported symbol. Returns NULL when the plugin cannot serve host_abi_version. */
typedef const pb_plugin* (*pb_plugin_entry_fn)(uint32_t host_abi_version);
#define PB_PLUGIN_ENTRY_SYMBOL "pb_plugin_entry"

#ifdef __cplusplus
}
#endif

#endif /* PAPERBOY_PLUGIN_H */
