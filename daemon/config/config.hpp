// paperboy's configuration: one JSON file, read into these aggregates. Every member has its
// default here; config/example.json documents the same keys for users.
#pragma once

#include "arxiv/paper.hpp"
#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace paperboy {

struct arxiv_config {
    std::vector<std::string> categories;                  // required, e.g. {"cs.LG", "cs.AI"}
    std::vector<announce_type> announce_types{announce_type::new_submission, announce_type::cross_list};
    std::string feed_url = "https://rss.arxiv.org/rss/";  // base ('/'-terminated) or a full/file:// URL
    std::string api_url = "https://export.arxiv.org/api/query";  // the search API, for `import` of ids
    std::chrono::milliseconds timeout{30'000};            // per network step ("timeout_seconds")
    int max_attempts = 4;                                 // fetch tries on transient failures
    std::chrono::milliseconds retry_delay{10'000};        // first backoff; doubles ("retry_delay_seconds")
    std::size_t max_feed_bytes = 64 * 1024 * 1024;
};

/// A preprint server besides arXiv ("sources"): bioRxiv or medRxiv, through api.biorxiv.org.
struct preprint_source {
    std::string server;                    // "biorxiv" or "medrxiv"
    std::vector<std::string> categories;   // e.g. {"neuroscience", "bioinformatics"}; empty: every category
    std::string api_url = "https://api.biorxiv.org";
};

struct profile_config {
    std::string name;                    // [A-Za-z0-9_-]+; names the output folder
    std::string topics;                  // the research interests (from "topics" or "topics_file")
    std::vector<std::string> keywords;   // offline scorer keywords; empty: derived from topics
    std::vector<std::string> authors;    // followed authors
    int relevance_cutoff = 8;            // 1..10
    int novelty_cutoff = 7;              // 1..10
    int top_n = 0;                       // 0: every paper that passes
    std::vector<std::string> channels;   // names from the "channels" object
};

struct prompt_config {
    std::string system;             // "system_prompt" / "system_prompt_file"; default: built in
    std::string criteria;           // "criteria" / "criteria_file"
    std::string instructions;       // "instructions" / "instructions_file"
    std::string title_instructions; // "title_instructions" / "title_instructions_file"
    int authors = 0;                // "prompt_authors": names per paper the model sees (0: none)
};

struct price {
    double prompt_per_million = 0;
    double completion_per_million = 0;
    std::optional<double> cached_per_million;  // absent: cached tokens cost the prompt price
    std::string shutdown;                      // the provider's announced API shutdown day (YYYY-MM-DD), or ""
};

/// When the built-in prices were last checked against the providers' pages (protocols.md 2.7).
inline constexpr std::string_view default_prices_checked = "2026-11";
/// What the OpenAI Batch API charges, as a share of these prices, for input and output.
inline constexpr double batch_price_factor = 0.5;

/// What a day whose scoring failed (the provider down, a key refused, the quota gone, papers
/// left unscored) does: held until scored (up to hold_max, then sent marked incomplete), sent
/// at once marked incomplete, or scored by the offline scorer for the rest (also marked).
enum class scoring_failure_policy { hold, send_marked, offline };

/// llm.prefilter: the built-in ranker picks which papers the model reads.
struct prefilter_config {
    std::optional<int> keep_top;         // at most this many papers go to the model
    std::optional<double> keep_fraction; // or this share of them (0 < f <= 1)
};

struct llm_config {
    std::string plugin = "offline";            // "offline" and "replay" are built in; others are plugins
    std::string model;                         // shown in the report, prices, cache key; default: the plugin name
    std::filesystem::path answers_file;        // replay: {"<id>": {"RELEVANCE":..,"NOVELTY":..,"COMMENT":..}}
    prompt_config prompts;
    std::map<std::string, price> prices;       // per model; defaults for current OpenAI models
    int concurrency = 8;                       // model calls in flight at once
    int batch_size = 0;                        // papers per scoring call; 0: batch_size_for the day
    bool title_filter = true;                  // drop clearly irrelevant titles first (cheap pass)
    std::string title_model;                   // a cheaper model for the title pre-filter; "": llm.model
    int title_batch_size = 0;                  // titles per pre-filter call; 0: title_batch_size_for the day
    std::optional<double> max_cost_usd;        // stop scoring when a run has spent this much
    scoring_failure_policy on_failure = scoring_failure_policy::hold;  // "on_failure"; "fallback": "offline" is the old name
    std::chrono::seconds hold_max{6 * 3600};   // "hold_max_hours": how long a held day waits to be scored
    int max_attempts = 4;                      // tries per call on transient failures
    std::chrono::milliseconds retry_delay{1'000};  // first backoff ("retry_delay_ms"); doubles, with jitter
    int max_paper_retries = 2;                 // later batches for papers a reply left out
    std::optional<prefilter_config> prefilter; // the ranker's top papers only go to the model
    int examples = 0;                          // few-shot: up to this many voted titles in the prompt
    bool batch_mode = false;                   // "mode": "batch": abstracts through the provider's Batch API
    std::chrono::seconds batch_max_wait{3600}; // "batch_max_wait_minutes" (or "batch_deadline": N): then cancelled, the rest scored now
    // "batch_deadline": "HH:MM[:SS]" in schedule.timezone: the daemon's batches end at the first
    // such time after the day's schedule.time, however long after submission that is (the
    // daemon sets batch_ends_ms from it for each run; `run` keeps batch_max_wait).
    std::optional<std::chrono::seconds> batch_deadline;
    std::int64_t batch_ends_ms = 0;            // set per run: every batch ends by then (unix ms); 0: batch_max_wait after its submission
    // Set per run by the daemon: what the provider's GET /models said of each configured model
    // (its shutdown_date, "" for none announced; absent: the provider does not say), asked once
    // so the scorer does not ask again. Unset: the scorer asks.
    std::optional<std::map<std::string, std::string>> provider_shutdowns;
    std::chrono::milliseconds batch_poll{30'000};  // "batch_poll_seconds": the first wait between polls (grows to 4x)
    bool teach_ranker = true;                  // the model's scores train the ranker too (teacher's pupil)
    nlohmann::json plugin_settings = nlohmann::json::object();  // the plugin's own keys (with "model")
};

struct channel_config {
    std::string name;
    std::string plugin;                        // "slack", "discord", ...
    nlohmann::json settings;                   // the plugin's own keys (secrets resolved), validated by the plugin
};

/// How digests are delivered and retried (the delivery ledger).
struct delivery_config {
    int max_attempts = 10;                               // tries per (day, profile, channel)
    std::chrono::milliseconds retry_delay{30'000};       // first backoff ("retry_delay_seconds"); doubles, with jitter
    std::chrono::milliseconds max_delay{3'600'000};      // backoff cap ("max_delay_seconds")
    std::chrono::milliseconds give_up_after{86'400'000}; // since the digest was made ("give_up_after_seconds")
    std::chrono::milliseconds wait_in_run{600'000};      // how long `run` waits for a retry ("wait_seconds");
                                                         // later retries are left to the next run or the daemon
    bool deliver_repeats = false;                        // deliver a paper again on a later day (re-announcement)
};

/// Votes read from the reactions on delivered chat digests ("feedback").
struct feedback_config {
    bool reactions = true;                          // read them (channels that can: docs in README)
    std::chrono::minutes every{30};                 // the daemon's timer ("reactions_every_minutes")
    int days = 7;                                   // digests delivered this many days back ("reactions_days")
    std::vector<std::string> like{"+1", "thumbsup", "\xF0\x9F\x91\x8D"};       // emoji names: Slack's, and Discord's 👍
    std::vector<std::string> dislike{"-1", "thumbsdown", "\xF0\x9F\x91\x8E"};  // 👎
};

struct schedule_config {
    std::string time = "00:30";                // HH:MM (or HH:MM:SS) in `timezone`
    std::string timezone = "America/New_York"; // also decides what "today" is for `run`
    std::chrono::seconds retry_every{15 * 60};      // feed not updated yet: poll again ("retry_every_minutes")
    std::chrono::seconds give_up_after{12 * 3600};  // ... until this long after the scheduled time ("give_up_after_minutes")
    std::chrono::seconds shutdown_timeout{30};      // SIGTERM: how long in-flight work may finish ("shutdown_timeout_seconds")
    bool backfill = false;                     // after a day's run, rebuild missed days from the arXiv API, oldest first
    int backfill_max_days = 5;                 // ... at most this many a run, of the last 31 days
};

struct config {
    std::filesystem::path source;              // the file it was read from
    arxiv_config arxiv;
    std::vector<preprint_source> preprints;    // "sources" other than arXiv, added to each arXiv day
    std::vector<profile_config> profiles;      // at least one
    llm_config llm;
    std::vector<channel_config> channels;
    delivery_config delivery;
    std::filesystem::path output_dir = "out";  // "output.dir"
    std::filesystem::path state_path = "paperboy.db";  // "state.path"
    // "state.keep_days": papers of days older than this are dropped from the state (text and
    // cached scores) unless voted on, in the library or delivered; unset: kept forever.
    std::optional<int> keep_days;
    schedule_config schedule;
    std::optional<std::string> server_listen;  // "server.listen", e.g. "127.0.0.1:8421"
    std::string public_url;                    // "server.public_url": where the archive is reachable; messages link to it
    std::optional<std::filesystem::path> plugin_dir;  // searched before the default plugin folders
    bool tldr = true;                          // "report.tldr": a model's TL;DR of each selected paper (with an LLM)
    std::string language = "English";          // "report.language": the TL;DRs' language
    int near_misses = 0;                       // "report.near_misses": the next N papers under the cut-offs, listed apart
    feedback_config feedback;
};

/// Loads and validates a configuration file. Relative paths resolve against the file's folder.
/// String values may use ${VAR} (environment; "$${" is a literal "${"), and any string key K
/// may instead be given as "K_file" (the file's content, trailing newline removed).
/// Fails with errc::config_invalid and a detail that starts with the JSON pointer of the
/// offending value, e.g. "/profiles/0/top_n: expected an integer, got string".
result<config> load_config(const std::filesystem::path& path);

/// The same from JSON text; `base_dir` resolves relative paths.
result<config> parse_config(std::string_view json_text, const std::filesystem::path& base_dir);

/// Default prices (USD per million tokens), protocols.md 2.7.
std::map<std::string, price> default_prices();

}  // namespace paperboy
