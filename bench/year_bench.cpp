// A year of use: simulated announcement days run one after another through the real binary
// (`paperboy run`, the built-in ranker), each day's papers real titles and abstracts from
// ../shared/fixtures under new ids, every profile voting 5 papers a day through record_votes
// (the path `paperboy feedback` takes). At the checkpoint days it prints the run's wall time,
// CPU time (the median of three runs of that day from the same state) and max RSS (of the
// child process, from wait4), the state file's size, and the
// ranking's mean AUC over the profiles against each profile's rule: a paper is relevant when
// its title names one of the profile's phrases (the same rule picks its likes).
// With --daemon the same days go through one `paperboy daemon` instead: its clock is a file
// the bench moves to each day's scheduled run (PAPERBOY_FAKE_NOW=@file), each profile's digest
// is POSTed to a webhook the bench serves, and the bench prints the daemon's resident memory,
// open file descriptors and threads after each checkpoint day, and at the end every digest
// lost or delivered twice.
//   paperboy_year_bench [--days N] [--profiles P] [--papers K] [--keep-days D] [--dir DIR] [--daemon 1]
// Defaults: 250 days, 20 profiles, 1,000 papers a day, state.keep_days unset, a temporary
// folder (with --dir, that folder, kept afterwards: its paperboy.json runs the last day again).
#include "arxiv/feed_parser.hpp"
#include "core/dates.hpp"
#include "schedule/schedule.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "feedback/votes.hpp"
#include "rank/ranker.hpp"
#include "score/ranker_scorer.hpp"
#include "state/state_store.hpp"
#include "support/child_process.hpp"
#include "support/fake_http_server.hpp"
#include "support/paths.hpp"
#include "support/process_probe.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace paperboy;
namespace fs = std::filesystem;

namespace {

struct topic {
    std::string name, text;
    std::vector<std::string> phrases;  // the rule: a title naming one is relevant
};

const std::vector<topic>& topics() {
    static const std::vector<topic> all{
        {"diffusion", "Diffusion models for image and video generation: denoising, sampling, guidance, latent diffusion.", {"diffusion"}},
        {"splatting", "3D reconstruction: Gaussian splatting, neural radiance fields, novel view synthesis.", {"gaussian splatting", "nerf", "radiance field", "novel view"}},
        {"segmentation", "Image segmentation: semantic, instance and panoptic segmentation, promptable segmentation (SAM).", {"segmentation"}},
        {"llm-reasoning", "Reasoning in large language models: chain of thought, math reasoning, verification.", {"reasoning"}},
        {"agents", "LLM agents: tool use, planning, multi-agent systems, web and GUI agents.", {"agent", "agents", "agentic"}},
        {"rl", "Reinforcement learning: policy optimization, reward models, RLHF, offline RL.", {"reinforcement learning", "reward", "policy"}},
        {"graphs", "Graph neural networks and learning on graphs, message passing, molecules.", {"graph"}},
        {"medical", "Medical imaging: MRI, CT, pathology, radiology report generation, clinical AI.", {"medical", "mri", "ct ", "clinical", "pathology"}},
        {"robotics", "Robot learning: manipulation, navigation, vision-language-action models, embodied AI.", {"robot", "manipulation", "embodied"}},
        {"video", "Video understanding: action recognition, temporal grounding, video question answering.", {"video"}},
        {"multimodal", "Multimodal large language models, vision-language models, visual question answering.", {"multimodal", "vision-language", "vision language"}},
        {"efficiency", "Efficient deep learning: quantization, pruning, distillation, efficient attention.", {"quantization", "pruning", "distillation", "efficient"}},
        {"retrieval", "Retrieval-augmented generation, dense retrieval, search and ranking.", {"retrieval", "rag"}},
        {"safety", "AI safety and robustness: adversarial attacks, jailbreaks, alignment, privacy.", {"adversarial", "attack", "jailbreak", "safety"}},
        {"benchmarks", "Benchmarks and evaluation of models and datasets.", {"benchmark", "evaluation", "dataset"}},
        {"detection", "Object detection and tracking, open-vocabulary detection, 3D detection.", {"detection", "tracking"}},
        {"speech", "Speech and audio: recognition, synthesis, audio-language models.", {"speech", "audio"}},
        {"language", "Natural language processing: translation, summarization, language models for text.", {"language model", "translation", "text"}},
        {"autonomous", "Autonomous driving: perception, occupancy, trajectory prediction, driving world models.", {"driving", "autonomous", "trajectory"}},
        {"generation3d", "3D generation and human avatars: meshes, point clouds, motion generation, pose.", {"3d", "mesh", "point cloud", "pose", "motion"}},
    };
    return all;
}

bool names(const topic& t, const std::string& title) {
    const auto folded = " " + text::fold(title) + " ";
    return std::any_of(t.phrases.begin(), t.phrases.end(), [&](const auto& w) { return folded.find(w) != std::string::npos; });
}

std::vector<paper> paper_pool() {
    std::vector<paper> pool;
    std::set<std::string> titles;
    const auto shared = test::source_dir() / "../shared/fixtures";
    for (const auto& e : fs::recursive_directory_iterator(shared)) {
        if (e.path().filename() != "feed.xml") continue;
        const auto body = read_file(e.path());
        if (!body) continue;
        const auto f = parse_feed(*body);
        if (!f) continue;
        for (const auto& p : f->papers) {
            if (titles.insert(text::fold(p.title)).second) pool.push_back(p);
        }
    }
    return pool;
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            default: out += c;
        }
    }
    return out;
}

// The day's papers: a rotating draw from the pool, with ids of that month.
std::vector<paper> day_papers(const std::vector<paper>& pool, day d, std::size_t index, std::size_t count, std::map<std::string, int>& counters) {
    const auto ymd = std::chrono::year_month_day(d);
    char month[8];
    std::snprintf(month, sizeof month, "%02d%02u", static_cast<int>(ymd.year()) % 100, static_cast<unsigned>(ymd.month()));
    std::vector<paper> out;
    for (std::size_t k = 0; k < count; ++k) {
        auto p = pool[((index * count + k) * 7919) % pool.size()];
        char id[24];
        std::snprintf(id, sizeof id, "%s.%05d", month, ++counters[month]);
        p.id = id;
        p.version = 1;
        p.type = announce_type::new_submission;
        out.push_back(std::move(p));
    }
    return out;
}

// The channel date as arXiv writes it: "Mon, 01 Jan 2024 00:00:00 -0500".
std::string rfc822(day d) {
    static constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::chrono::year_month_day ymd(d);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %d 00:00:00 -0500", weekdays[std::chrono::weekday(d).c_encoding()], static_cast<unsigned>(ymd.day()),
                  months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()));
    return buf;
}

std::string rss(day d, const std::vector<paper>& papers) {
    const auto date = rfc822(d);
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss xmlns:arxiv=\"http://arxiv.org/schemas/atom\" "
                    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" version=\"2.0\"><channel>\n<title>cs.CV updates on arXiv.org</title>"
                    "<link>http://rss.arxiv.org/rss/cs.CV</link><description>simulated</description><pubDate>" + date + "</pubDate>\n";
    for (const auto& p : papers) {
        x += "<item><title>" + xml_escape(p.title) + "</title><link>https://arxiv.org/abs/" + p.id + "</link><description>arXiv:" + p.id +
             "v1 Announce Type: new \nAbstract: " + xml_escape(p.abstract) + "</description><guid isPermaLink=\"false\">oai:arXiv.org:" + p.id +
             "v1</guid>";
        for (const auto& c : p.categories) x += "<category>" + xml_escape(c) + "</category>";
        x += "<pubDate>" + date + "</pubDate><arxiv:announce_type>new</arxiv:announce_type><dc:creator>" + xml_escape(text::join(p.authors)) +
             "</dc:creator></item>\n";
    }
    return x + "</channel></rss>\n";
}

struct run_cost {
    double wall = 0, cpu = 0, max_rss_mb = 0;
    int status = 0;
};

run_cost run_paperboy(const fs::path& config, day d, const fs::path& log) {
    std::fflush(stdout);  // else the child's freopen writes the parent's buffered lines again
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const auto bin = test::paperboy_binary().string();
        const auto cfg = config.string();
        const auto date = format_iso_day(d);
        if (FILE* f = std::freopen(log.c_str(), "a", stderr); !f) ::_exit(126);
        if (FILE* f = std::freopen("/dev/null", "w", stdout); !f) ::_exit(126);
        ::execl(bin.c_str(), bin.c_str(), "run", "--config", cfg.c_str(), "--date", date.c_str(), "-q", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    rusage use{};
    ::wait4(pid, &status, 0, &use);
    run_cost c;
    c.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    c.cpu = static_cast<double>(use.ru_utime.tv_sec + use.ru_stime.tv_sec) + static_cast<double>(use.ru_utime.tv_usec + use.ru_stime.tv_usec) / 1e6;
    c.max_rss_mb = static_cast<double>(use.ru_maxrss) / 1024.0;
    c.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return c;
}

// A checkpoint day's run, three times from the same state (this machine's speed varies by
// tens of percent from one minute to the next): the median wall and CPU time, the largest RSS.
// The state the last run leaves is the day's, as one run would have left it.
run_cost median_run(const fs::path& dir, day d) {
    const auto db = dir / "state.db", kept = dir / "state.db.before";
    const bool had_state = fs::exists(db);  // not before day 1
    if (had_state) fs::copy_file(db, kept, fs::copy_options::overwrite_existing);
    std::vector<run_cost> runs;
    for (int k = 0; k < 3; ++k) {
        if (k > 0) {
            fs::remove(dir / "state.db-wal");
            fs::remove(dir / "state.db-shm");
            if (had_state) fs::copy_file(kept, db, fs::copy_options::overwrite_existing);
            else fs::remove(db);
        }
        runs.push_back(run_paperboy(dir / "paperboy.json", d, dir / "runs.log"));
        if (runs.back().status != 0 && runs.back().status != 4) return runs.back();
    }
    fs::remove(kept);
    run_cost out = runs.front();
    const auto median = [&](auto field) {
        std::vector<double> v;
        for (const auto& r : runs) v.push_back(r.*field);
        std::sort(v.begin(), v.end());
        return v[1];
    };
    out.wall = median(&run_cost::wall);
    out.cpu = median(&run_cost::cpu);
    for (const auto& r : runs) out.max_rss_mb = std::max(out.max_rss_mb, r.max_rss_mb);
    return out;
}

double state_mb(const fs::path& db) {
    std::error_code ec;
    double bytes = 0;
    for (const auto suffix : {"", "-wal"}) {
        const auto n = fs::file_size(db.string() + suffix, ec);
        if (!ec) bytes += static_cast<double>(n);
    }
    return bytes / 1e6;
}

// The ranking of day `d` as the run cached it, against each profile's rule.
double mean_auc(state_store& state, const std::vector<profile_config>& profiles, const std::vector<paper>& papers) {
    ranker_scorer scorer(&state);
    std::vector<const paper*> ptrs;
    for (const auto& p : papers) ptrs.push_back(&p);
    double sum = 0;
    int n = 0;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        const auto cached = state.cached_scores(scorer.cache_key(profiles[i]), ptrs);
        std::vector<double> scores;
        std::vector<int> labels;
        for (const auto& p : papers) {
            const auto it = cached.find(p.id);
            if (it == cached.end() || !it->second.ranker_score) continue;
            scores.push_back(*it->second.ranker_score);
            labels.push_back(names(topics()[i % topics().size()], p.title) ? 1 : 0);
        }
        if (const auto auc = rank::roc_auc(scores, labels)) {
            sum += *auc;
            ++n;
        }
    }
    return n ? sum / n : 0.0;
}

// Each profile's 5 votes of the day: likes of papers its rule names, dislikes to make up 5.
void cast_votes(state_store& state, const std::vector<profile_config>& profiles, day d, const std::vector<paper>& papers) {
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        const auto& t = topics()[i % topics().size()];
        vote_request req{profiles[i].name, format_iso_day(d), {}, {}, "bench"};
        for (std::size_t k = (i * 37) % papers.size(), seen = 0; seen < papers.size() && req.likes.size() + req.dislikes.size() < 5;
             ++seen, k = (k + 1) % papers.size()) {
            if (names(t, papers[k].title) && req.likes.size() < 4) req.likes.push_back(papers[k].id);
            else if (!names(t, papers[k].title) && req.dislikes.empty()) req.dislikes.push_back(papers[k].id);
        }
        record_votes(state, req).value();
    }
}

// One daemon for the whole year: the bench moves its clock file to each day's scheduled run
// (06:00 UTC) and waits for every profile's digest at the webhook.
class year_daemon {
public:
    year_daemon(const fs::path& dir, nlohmann::json& cfg, std::vector<profile_config>& profiles)
        : dir_(dir), hook_([this](const test::recorded_request& r) { return receive(r); }) {
        cfg["schedule"] = {{"time", "06:00"}, {"timezone", "UTC"}};
        cfg["channels"] = {{"hook", {{"plugin", "webhook"}, {"url", hook_.url("/digest")}}}};
        cfg["plugin_dir"] = PAPERBOY_PLUGIN_BUILD_DIR;
        for (auto& p : cfg["profiles"]) p["channels"] = {"hook"};
        profiles_ = profiles.size();
    }

    // Moves the clock to day `d`'s run (starting the daemon on the first day) and waits for
    // its digests; the cost is the daemon's, from the clock's move to the last digest.
    run_cost advance(day d, std::size_t index) {
        write_file_atomic(dir_ / "clock", format_iso_day(d) + "T06:01:00Z\n").value();
        if (!daemon_) {
            daemon_ = std::make_unique<test::child_process>(
                std::vector<std::string>{test::paperboy_binary().string(), "daemon", "--config", (dir_ / "paperboy.json").string()},
                std::vector<std::string>{"PAPERBOY_FAKE_NOW=@" + (dir_ / "clock").string()}, (dir_ / "daemon.log").string());
        }
        const auto before = test::probe(daemon_->pid());
        const auto start = std::chrono::steady_clock::now();
        run_cost c;
        while (delivered(format_iso_day(d)) < profiles_) {
            if (std::chrono::steady_clock::now() - start > std::chrono::minutes(5)) {
                std::fprintf(stderr, "day %zu (%s): %zu of %zu digests after 5 min; see %s\n", index, format_iso_day(d).c_str(),
                             delivered(format_iso_day(d)), profiles_, (dir_ / "daemon.log").c_str());
                c.status = 1;
                return c;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        // Idle again, with the next day's run planned: a clock moved before would skip it.
        auto next = plus_days(d, 1);
        while (!is_announcement_weekday(next)) next = plus_days(next, 1);
        while (!logged("next run: " + format_iso_day(next))) {
            if (std::chrono::steady_clock::now() - start > std::chrono::minutes(5)) {
                std::fprintf(stderr, "day %zu (%s): the daemon never planned its next run; see %s\n", index, format_iso_day(d).c_str(),
                             (dir_ / "daemon.log").c_str());
                c.status = 1;
                return c;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        c.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const auto after = test::probe(daemon_->pid());
        c.cpu = after.cpu_s - before.cpu_s;
        c.max_rss_mb = after.rss_mb;
        return c;
    }
    test::process_probe now() const { return test::probe(daemon_->pid()); }

    // Digests that arrived more than once, and (date, profile) pairs of `days` that never did.
    std::pair<std::size_t, std::size_t> doubled_and_lost(const std::vector<std::string>& days) const {
        std::lock_guard lock(mutex_);
        std::size_t doubled = 0, lost = 0;
        for (const auto& [key, n] : received_) doubled += n > 1 ? n - 1 : 0;
        for (const auto& d : days) {
            const auto it = per_day_.find(d);
            lost += profiles_ - std::min(profiles_, it == per_day_.end() ? 0 : it->second);
        }
        return {doubled, lost};
    }

private:
    test::scripted_response receive(const test::recorded_request& r) {
        const auto body = nlohmann::json::parse(r.body, nullptr, false);
        if (body.is_object() && body.contains("date") && body.contains("profile")) {
            std::lock_guard lock(mutex_);
            const auto date = body["date"].get<std::string>();
            if (++received_[date + "/" + body["profile"].get<std::string>()] == 1) ++per_day_[date];
        }
        return {204, "", {}};
    }
    // Whether the daemon's log has `line` since the last line this found.
    bool logged(const std::string& line) {
        const auto log = read_file(dir_ / "daemon.log");
        if (!log) return false;
        const auto at = log->find(line, log_seen_);
        if (at == std::string::npos) return false;
        log_seen_ = at + line.size();
        return true;
    }
    std::size_t delivered(const std::string& date) const {
        std::lock_guard lock(mutex_);
        const auto it = per_day_.find(date);
        return it == per_day_.end() ? 0 : it->second;
    }

    fs::path dir_;
    std::size_t profiles_ = 0, log_seen_ = 0;
    mutable std::mutex mutex_;
    std::map<std::string, std::size_t> received_, per_day_;
    test::fake_http_server hook_;
    std::unique_ptr<test::child_process> daemon_;  // last: stops before the hook goes away
};

}  // namespace

int main(int argc, char** argv) {
    std::size_t days = 250, profile_count = 20, per_day = 1000;
    long keep_days = 0;
    bool in_daemon = false;
    std::optional<fs::path> kept_dir;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const long v = std::atol(argv[i + 1]);
        if (flag == "--dir") kept_dir = fs::absolute(argv[i + 1]);
        else if (flag == "--days") days = static_cast<std::size_t>(v);
        else if (flag == "--profiles") profile_count = static_cast<std::size_t>(v);
        else if (flag == "--papers") per_day = static_cast<std::size_t>(v);
        else if (flag == "--keep-days") keep_days = v;
        else if (flag == "--daemon") in_daemon = v != 0;
        else {
            std::fprintf(stderr, "usage: paperboy_year_bench [--days N] [--profiles P] [--papers K] [--keep-days D] [--dir DIR] [--daemon 1]\n");
            return 2;
        }
    }
    const auto pool = paper_pool();
    std::printf("a simulated year: %zu announcement days of %zu papers (real titles and abstracts, %zu distinct, new ids), %zu profiles, "
                "5 votes a day each, the built-in ranker%s\n",
                days, per_day, pool.size(), profile_count, in_daemon ? ", one daemon process, a webhook channel" : "");
    test::temp_dir temp;
    const fs::path dir = kept_dir ? *kept_dir : temp.path();
    if (kept_dir) {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    std::vector<profile_config> profiles;
    nlohmann::json cfg_profiles = nlohmann::json::array();
    for (std::size_t i = 0; i < profile_count; ++i) {
        const auto& t = topics()[i % topics().size()];
        profile_config p;
        p.name = "p" + std::to_string(i + 1) + "-" + t.name;
        p.topics = t.text;
        profiles.push_back(p);
        cfg_profiles.push_back({{"name", p.name}, {"topics", p.topics}, {"top_n", 20}});
    }
    nlohmann::json cfg{{"arxiv", {{"categories", {"cs.CV"}}, {"feed_url", "file://" + (dir / "feed.xml").string()}}},
                       {"profiles", cfg_profiles},
                       {"llm", {{"plugin", "offline"}}},
                       {"output", {{"dir", (dir / "out").string()}}},
                       {"state", {{"path", (dir / "state.db").string()}}}};
    if (keep_days > 0) cfg["state"]["keep_days"] = keep_days;
    std::unique_ptr<year_daemon> daemon;
    if (in_daemon) daemon = std::make_unique<year_daemon>(dir, cfg, profiles);
    write_file_atomic(dir / "paperboy.json", cfg.dump(2)).value();

    const std::set<std::size_t> checkpoints{1, 10, 50, 100, 150, 200, 250, days};
    std::printf("\n%5s %-10s %8s %8s %9s %9s %8s%s\n", "day", "date", "wall s", "CPU s", in_daemon ? "RSS MB" : "maxRSS MB", "state MB", "AUC",
                in_daemon ? "   fds threads" : "");
    std::map<std::string, int> counters;
    std::vector<std::string> dates;
    day d = *parse_iso_day("2024-01-01");
    double first_state = 0;
    for (std::size_t i = 1; i <= days; ++i, d = plus_days(d, 1)) {
        while (!is_announcement_weekday(d)) d = plus_days(d, 1);
        const auto papers = day_papers(pool, d, i, per_day, counters);
        write_file_atomic(dir / "feed.xml", rss(d, papers)).value();
        dates.push_back(format_iso_day(d));
        const auto cost = daemon ? daemon->advance(d, i)
                          : checkpoints.contains(i) ? median_run(dir, d)
                                                    : run_paperboy(dir / "paperboy.json", d, dir / "runs.log");
        if (cost.status != 0 && cost.status != 4) {
            std::fprintf(stderr, "day %zu (%s): paperboy exited %d; its log:\n%s\n", i, format_iso_day(d).c_str(), cost.status,
                         [&] { auto t = read_file(dir / (daemon ? "daemon.log" : "runs.log")); return t ? t->substr(t->size() > 4000 ? t->size() - 4000 : 0) : std::string(); }().c_str());
            return 1;
        }
        state_store state(dir / "state.db");
        if (checkpoints.contains(i)) {
            const double auc = mean_auc(state, profiles, papers);
            std::printf("%5zu %-10s %8.2f %8.2f %9.1f %9.1f %8.3f", i, format_iso_day(d).c_str(), cost.wall, cost.cpu, cost.max_rss_mb,
                        state_mb(dir / "state.db"), auc);
            if (daemon) {
                const auto p = daemon->now();
                std::printf(" %5ld %7ld", p.fds, p.threads);
            }
            std::printf("\n");
            std::fflush(stdout);
        }
        if (i == 10) first_state = state_mb(dir / "state.db");
        cast_votes(state, profiles, d, papers);
    }
    if (days > 10) {
        std::printf("\nstate growth from day 10 to day %zu: %.2f MB a day\n", days, (state_mb(dir / "state.db") - first_state) / static_cast<double>(days - 10));
    }
    if (daemon) {
        const auto [doubled, lost] = daemon->doubled_and_lost(dates);
        std::printf("digests: %zu expected, %zu lost, %zu delivered twice\n", dates.size() * profile_count, lost, doubled);
        if (doubled || lost) return 1;
    }
}
