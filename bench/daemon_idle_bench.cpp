// The idle daemon's cost: time from start to READY=1, then resident memory and CPU time over
// an idle period (default 60 s; pass seconds as the first argument). Targets: under 20 MB RSS
// and under 10 ms CPU per idle minute (no busy polling).
// Usage: build/bench/paperboy_daemon_idle_bench [seconds]
#include "core/files.hpp"
#include "support/child_process.hpp"
#include "support/paths.hpp"
#include "support/process_probe.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <thread>

using namespace paperboy;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 60;
    test::temp_dir dir;
    const nlohmann::json cfg{
        {"arxiv", {{"categories", {"cs.LG"}}, {"feed_url", "file://" + (test::data_dir() / "feeds/holiday-empty-2025-12-25.xml").string()}}},
        {"profiles", {{{"name", "lab"}, {"topics", "machine learning"}}}},
        {"output", {{"dir", (dir / "out").string()}}},
        {"state", {{"path", (dir / "state.db").string()}}},
        {"server", {{"listen", "127.0.0.1:0"}}},
    };
    write_file_atomic(dir / "paperboy.json", cfg.dump()).value();

    const auto sock_path = dir / "notify.sock";
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, sock_path.c_str(), sizeof addr.sun_path - 1);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return 1;
    timeval tv{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    const auto start = std::chrono::steady_clock::now();
    // The clock starts on 2025-12-25 (a holiday: empty feed), so the start-up catch-up is quick.
    test::child_process daemon({test::paperboy_binary().string(), "daemon", "-q", "--config", (dir / "paperboy.json").string()},
                               {"NOTIFY_SOCKET=" + sock_path.string(), "PAPERBOY_FAKE_NOW=2025-12-25T12:00:00Z"}, (dir / "log").string());
    char buf[512];
    bool ready = false;
    while (!ready) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            std::cerr << "no READY=1 within 30 s\n";
            return 1;
        }
        ready = std::string(buf, static_cast<std::size_t>(n)).find("READY=1") != std::string::npos;
    }
    const auto ready_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::this_thread::sleep_for(2s);  // let the start-up catch-up finish
    const double cpu0 = test::probe(daemon.pid()).cpu_s * 1000.0;
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const auto after = test::probe(daemon.pid());
    const double cpu1 = after.cpu_s * 1000.0;
    std::printf("daemon start to READY=1: %.1f ms\n", ready_ms);
    std::printf("idle for %d s: CPU %.1f ms, resident memory %.1f MB\n", seconds, cpu1 - cpu0, after.rss_mb);
    daemon.terminate();
    return 0;
}
