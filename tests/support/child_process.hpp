// A helper process started and stopped by a test (a real server in another language, the
// binary under test in daemon mode): stdin and stdout are pipes, stderr is inherited.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace paperboy::test {

class child_process {
public:
    /// `extra_env` ("NAME=value") is added to the environment; with `stderr_path` the child's
    /// standard error goes to that file.
    explicit child_process(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {},
                           const std::string& stderr_path = {}) {
        int in[2], out[2];
        if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            if (!stderr_path.empty()) {
                const int fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
                if (fd >= 0) ::dup2(fd, 2);
            }
            for (const auto& e : extra_env) ::putenv(const_cast<char*>(e.c_str()));
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        stdin_ = in[1];
        stdout_ = out[0];
    }
    ~child_process() {
        terminate();
        if (stdin_ >= 0) ::close(stdin_);
        if (stdout_ >= 0) ::close(stdout_);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    /// The next line the child writes to stdout, without the newline; throws after `timeout`.
    std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
                auto line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd p{stdout_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) throw std::runtime_error("child: no line in time");
            char chunk[512];
            const auto n = ::read(stdout_, chunk, sizeof chunk);
            if (n <= 0) throw std::runtime_error("child: stdout closed");
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    void signal(int sig) const {
        if (pid_ > 0) ::kill(pid_, sig);
    }

    /// Waits for the exit; returns the exit code (128 + signal when killed), or -1 on timeout.
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        if (pid_ <= 0) return status_;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            int st = 0;
            const auto r = ::waitpid(pid_, &st, WNOHANG);
            if (r == pid_) {
                pid_ = -1;
                status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                return status_;
            }
            if (std::chrono::steady_clock::now() > deadline) return -1;
            ::usleep(10'000);
        }
    }

    /// SIGTERM, then SIGKILL if it has not exited within 5 s.
    void terminate() {
        if (pid_ <= 0) return;
        signal(SIGTERM);
        if (wait(std::chrono::seconds(5)) < 0) {
            signal(SIGKILL);
            wait();
        }
    }

    int pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    int status_ = -1;
    int stdin_ = -1, stdout_ = -1;
    std::string buffer_;
};

}  // namespace paperboy::test
