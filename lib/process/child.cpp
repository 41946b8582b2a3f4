#include "process/child.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

#include "error.hpp"

namespace sbx::process {

namespace {

ExitStatus decode(int wstatus)
{
    if (WIFSIGNALED(wstatus))
        return ExitStatus{0, WTERMSIG(wstatus)};
    return ExitStatus{WEXITSTATUS(wstatus), 0};
}

// RAII for the posix_spawn attribute and file-action objects.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;

    SpawnSetup()
    {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup()
    {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

void check(int rc, const char* what)
{
    if (rc != 0)
        throw Error(ErrorKind::internal, std::string(what) + ": " + std::strerror(rc));
}

bool is_executable(const std::filesystem::path& candidate)
{
    return ::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate);
}

} // namespace

std::string ExitStatus::describe() const
{
    if (signal == 0)
        return "exit code " + std::to_string(code);
    const char* name = ::sigdescr_np(signal);
    return "signal " + std::to_string(signal) + " (" + (name ? name : "unknown") + ")";
}

Child::Child(pid_t pid, UniqueFd out, UniqueFd err) noexcept
    : pid_(pid), stdout_(std::move(out)), stderr_(std::move(err))
{
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), stdout_(std::move(other.stdout_)), stderr_(std::move(other.stderr_)),
      status_(other.status_)
{
}

Child& Child::operator=(Child&& other) noexcept
{
    if (this != &other) {
        abandon();
        pid_ = std::exchange(other.pid_, -1);
        stdout_ = std::move(other.stdout_);
        stderr_ = std::move(other.stderr_);
        status_ = other.status_;
    }
    return *this;
}

Child::~Child()
{
    abandon();
}

void Child::release() noexcept
{
    pid_ = -1;
    stdout_.reset();
    stderr_.reset();
}

void Child::abandon() noexcept
{
    if (pid_ <= 0 || status_)
        return;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

std::optional<ExitStatus> Child::reap(int flags)
{
    if (status_ || pid_ <= 0)
        return status_;
    int wstatus = 0;
    pid_t rc;
    do
        rc = ::waitpid(pid_, &wstatus, flags);
    while (rc < 0 && errno == EINTR);
    if (rc < 0)
        throw Error(ErrorKind::internal, "waitpid " + std::to_string(pid_) + ": " + std::strerror(errno));
    if (rc == pid_)
        status_ = decode(wstatus);
    return status_;
}

std::optional<ExitStatus> Child::try_wait()
{
    return reap(WNOHANG);
}

ExitStatus Child::wait()
{
    return *reap(0);
}

void Child::kill(int signal)
{
    // Once reaped the pid may belong to someone else: never signal it then.
    if (pid_ > 0 && !status_)
        ::kill(pid_, signal);
}

std::filesystem::path find_program(const std::string& name, const Environment& env)
{
    if (name.find('/') != std::string::npos) {
        if (!is_executable(name))
            throw Error(ErrorKind::unavailable, name + ": no such executable");
        return name;
    }
    auto it = env.find("PATH");
    std::string path = it != env.end() ? it->second : default_path;
    std::size_t begin = 0;
    for (;;) {
        std::size_t end = path.find(':', begin);
        std::string dir = path.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        // An empty PATH entry means the current directory: never search it.
        if (!dir.empty() && is_executable(std::filesystem::path(dir) / name))
            return std::filesystem::path(dir) / name;
        if (end == std::string::npos)
            break;
        begin = end + 1;
    }
    throw Error(ErrorKind::unavailable, name + ": not found in PATH (" + path + ")");
}

Child spawn(const Command& command, const SpawnOptions& options)
{
    if (command.argv.empty())
        throw Error(ErrorKind::usage, "spawn: empty argv");
    std::filesystem::path program = find_program(command.argv[0], command.env);

    std::vector<char*> argv;
    argv.reserve(command.argv.size() + 1);
    for (const auto& arg : command.argv)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    env_strings.reserve(command.env.size());
    for (const auto& [key, value] : command.env)
        env_strings.push_back(key + "=" + value);
    std::vector<char*> envp;
    envp.reserve(env_strings.size() + 1);
    for (auto& entry : env_strings)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    SpawnSetup setup;
    // dup2 onto itself would keep close-on-exec set, so the caller's fd is first copied above 2.
    UniqueFd stdin_copy;
    if (options.stdin_fd >= 0) {
        stdin_copy.reset(::fcntl(options.stdin_fd, F_DUPFD_CLOEXEC, 3));
        if (!stdin_copy)
            throw Error(ErrorKind::internal, std::string("dup stdin: ") + std::strerror(errno));
        check(posix_spawn_file_actions_adddup2(&setup.actions, stdin_copy.get(), 0), "spawn stdin");
    } else {
        check(posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0), "spawn stdin");
    }
    Pipe out_pipe, err_pipe;
    auto route = [&](Sink sink, int target, Pipe& pipe) {
        if (sink == Sink::null) {
            check(posix_spawn_file_actions_addopen(&setup.actions, target, "/dev/null", O_WRONLY, 0), "spawn output");
            return;
        }
        pipe = make_pipe();
        check(posix_spawn_file_actions_adddup2(&setup.actions, pipe.write.get(), target), "spawn output");
    };
    route(options.stdout_sink, 1, out_pipe);
    route(options.stderr_sink, 2, err_pipe);
    if (!command.cwd.empty())
        check(posix_spawn_file_actions_addchdir_np(&setup.actions, command.cwd.c_str()), "spawn chdir");
    // Whatever else this process has open (sockets, a database, another child's pipes)
    // must not leak into the child, close-on-exec or not.
    check(posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3), "spawn closefrom");

    // A parent that ignores SIGPIPE (as servers do) would otherwise pass that on.
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    check(posix_spawnattr_setsigdefault(&setup.attr, &all), "spawn sigdefault");
    check(posix_spawnattr_setsigmask(&setup.attr, &none), "spawn sigmask");
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (options.own_process_group) {
        flags |= POSIX_SPAWN_SETPGROUP;
        check(posix_spawnattr_setpgroup(&setup.attr, 0), "spawn pgroup");
    }
    check(posix_spawnattr_setflags(&setup.attr, flags), "spawn flags");

    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attr, argv.data(), envp.data());
    if (rc != 0) {
        auto kind = (rc == ENOENT || rc == EACCES || rc == ENOEXEC) ? ErrorKind::unavailable : ErrorKind::internal;
        throw Error(kind, "cannot run " + program.string() + ": " + std::strerror(rc));
    }
    Child child(pid, std::move(out_pipe.read), std::move(err_pipe.read));
    for (int fd : {child.stdout_fd(), child.stderr_fd()})
        if (fd >= 0)
            set_nonblocking(fd);
    return child;
}

} // namespace sbx::process
