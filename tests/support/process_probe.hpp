// What /proc says of a running process (Linux): resident memory, CPU time so far, open file
// descriptors and threads. For benchmarks that watch the real binary.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace paperboy::test {

struct process_probe {
    double rss_mb = 0, cpu_s = 0;
    long fds = 0, threads = 0;
};

inline process_probe probe(int pid) {
    process_probe out;
    const auto proc = std::filesystem::path("/proc") / std::to_string(pid);
    std::ifstream status(proc / "status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:")) out.rss_mb = std::stod(line.substr(6)) / 1024.0;
        if (line.starts_with("Threads:")) out.threads = std::stol(line.substr(8));
    }
    std::ifstream stat(proc / "stat");
    const std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string f;
    long ticks = 0;
    for (int i = 3; fields >> f && i <= 15; ++i) {
        if (i == 14 || i == 15) ticks += std::stol(f);
    }
    out.cpu_s = static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(proc / "fd", ec); !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) ++out.fds;
    return out;
}

}  // namespace paperboy::test
