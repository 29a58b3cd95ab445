// Runs the paperboy binary as a child process and captures what a user would see.
#pragma once

#include "core/files.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace paperboy::test {

struct process_result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs `paperboy <args>` (args are passed to /bin/sh as written; quote paths with spaces).
inline process_result run_paperboy(const std::string& args) {
    temp_dir io;
    const auto cmd = "'" + paperboy_binary().string() + "' " + args + " >'" + (io / "out").string() + "' 2>'" +
                     (io / "err").string() + "' </dev/null";
    const int status = std::system(cmd.c_str());
    process_result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (auto out = read_file(io / "out")) r.out = std::move(*out);
    if (auto err = read_file(io / "err")) r.err = std::move(*err);
    return r;
}

/// What `cmd` (run by /bin/sh) writes to standard output; `exit_code`, when given, gets its status.
inline std::string shell_output(const std::string& cmd, int* exit_code = nullptr) {
    std::FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("popen failed: " + cmd);
    std::string out;
    char buf[8192];
    while (const auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int status = ::pclose(p);
    if (exit_code) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

}  // namespace paperboy::test
