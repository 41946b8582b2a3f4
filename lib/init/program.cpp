#include "init/program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <string>

#include "init/full_write.hpp"
#include "init/syscall_filter.hpp"

namespace sbx::init {
namespace {

// What the program wrote before it exited is at most a pipe's capacity away; more than
// this after its exit is a process it left behind, which does not hold the run open.
constexpr std::size_t drain_after_exit = std::size_t{1} << 20;
// Per stream and turn while it runs, so that a steady writer does not hide its exit.
constexpr std::size_t turn_size = std::size_t{1} << 20;

void say(int fd, const std::string& message)
{
    std::string line = "sbx-init: " + message + "\n";
    write_all(fd, line.data(), line.size());
}

sigset_t handled_signals()
{
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2})
        sigaddset(&set, sig);
    return set;
}

/// One of the program's output pipes and where its bytes go.
struct Stream {
    int from = -1; // read end, non-blocking; -1 once at end of file
    int to = -1;
    bool to_open = true; // false once the reader of `to` is gone: output is then discarded

    /// Moves what is in the pipe now, at most `limit` bytes; false at end of file.
    bool move(std::size_t limit)
    {
        char buffer[65536];
        while (from >= 0 && limit > 0) {
            ssize_t n = ::read(from, buffer, std::min(sizeof buffer, limit));
            if (n > 0) {
                if (to_open && write_all(to, buffer, static_cast<std::size_t>(n)) != 0)
                    to_open = false;
                limit -= static_cast<std::size_t>(n);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                ::close(from);
                from = -1;
            } else if (errno == EAGAIN) {
                break;
            }
        }
        return from >= 0;
    }
};

[[noreturn]] void exec_program(const ProgramOptions& options, const sigset_t& old_mask, int out, int err)
{
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
        ::_exit(126);
    try {
        if (options.filter_syscalls)
            apply_syscall_filter();
    } catch (const std::exception& e) {
        say(2, e.what());
        ::_exit(126);
    }
    std::vector<char*> argv;
    for (const auto& arg : options.argv)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> env;
    if (options.env) {
        for (const auto& entry : *options.env)
            env.push_back(const_cast<char*>(entry.c_str()));
        env.push_back(nullptr);
        environ = env.data(); // execvp looks the program up in this PATH too
    }
    ::execvp(argv[0], argv.data());
    int error = errno;
    say(2, "cannot run '" + options.argv[0] + "': " + std::strerror(error));
    ::_exit(error == ENOENT ? 127 : 126);
}

int shell_status(int status)
{
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

} // namespace

int run_program(const ProgramOptions& options)
{
    if (options.argv.empty()) {
        say(options.stderr_fd, "no program to run");
        return 125;
    }
    sigset_t handled = handled_signals(), old_mask;
    ::sigprocmask(SIG_BLOCK, &handled, &old_mask);
    int signals = ::signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
    int out[2], err[2];
    if (signals < 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        say(options.stderr_fd, std::string("cannot make the program's pipes: ") + std::strerror(errno));
        return 125;
    }
    ::signal(SIGPIPE, SIG_IGN);
    // Orphans of the program come to us, to be reaped, when we are not the sandbox's init.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    pid_t child = ::fork();
    if (child < 0) {
        say(options.stderr_fd, std::string("cannot start the program: ") + std::strerror(errno));
        return 125;
    }
    if (child == 0)
        exec_program(options, old_mask, out[1], err[1]);
    ::close(out[1]);
    ::close(err[1]);
    Stream streams[2] = {{out[0], options.stdout_fd}, {err[0], options.stderr_fd}};
    for (auto& stream : streams)
        ::fcntl(stream.from, F_SETFL, ::fcntl(stream.from, F_GETFL) | O_NONBLOCK);

    int status = -1;
    while (status < 0) {
        pollfd polled[3] = {{signals, POLLIN, 0}, {streams[0].from, POLLIN, 0}, {streams[1].from, POLLIN, 0}};
        if (::poll(polled, 3, -1) < 0 && errno != EINTR)
            break;
        for (auto& stream : streams)
            stream.move(turn_size);
        signalfd_siginfo info;
        while (::read(signals, &info, sizeof info) == sizeof info) {
            if (info.ssi_signo != SIGCHLD) {
                ::kill(child, static_cast<int>(info.ssi_signo));
                continue;
            }
            int reaped_status;
            for (pid_t reaped; (reaped = ::waitpid(-1, &reaped_status, WNOHANG)) > 0;)
                if (reaped == child)
                    status = reaped_status;
        }
    }
    for (auto& stream : streams) {
        stream.move(drain_after_exit);
        if (stream.from >= 0)
            ::close(stream.from);
    }
    ::close(signals);
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    return status < 0 ? 125 : shell_status(status);
}

int idle()
{
    sigset_t handled = handled_signals();
    ::sigprocmask(SIG_BLOCK, &handled, nullptr);
    int signals = ::signalfd(-1, &handled, SFD_CLOEXEC);
    if (signals < 0)
        return 125;
    for (;;) {
        signalfd_siginfo info;
        if (::read(signals, &info, sizeof info) != sizeof info) {
            if (errno == EINTR)
                continue;
            return 125;
        }
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT)
            return 0;
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
    }
}

} // namespace sbx::init
