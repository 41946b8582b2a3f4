#pragma once
// Spawning a program from an argv vector (never through a shell) and owning it until it ends.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "process/fd.hpp"

namespace sbx::process {

/// A whole environment, variable name to value.
using Environment = std::map<std::string, std::string>;

/// Searched when an Environment has no PATH.
inline constexpr const char* default_path = "/usr/local/bin:/usr/bin:/bin";

/// What to run. Nothing of the parent's environment reaches the child except what `env` holds.
struct Command {
    /// argv[0] is looked up in env's PATH (default_path without one) unless it contains a '/'.
    std::vector<std::string> argv;
    Environment env;
    /// The child's working directory; empty: the parent's.
    std::filesystem::path cwd;
};

/// Where a child's stdout or stderr goes.
enum class Sink {
    pipe, ///< a non-blocking pipe the parent reads
    null, ///< /dev/null
};

struct SpawnOptions {
    int stdin_fd = -1; ///< duplicated onto the child's stdin; -1 means /dev/null
    Sink stdout_sink = Sink::pipe;
    Sink stderr_sink = Sink::pipe;
    /// The child leads a new process group, so signals meant for the parent's terminal
    /// (Ctrl-C) do not reach it; the parent decides what the child gets.
    bool own_process_group = false;
};

/// How a process ended.
struct ExitStatus {
    int code = 0;   ///< exit code when it exited, 0 when a signal ended it
    int signal = 0; ///< the signal that ended it, 0 when it exited

    bool success() const noexcept { return signal == 0 && code == 0; }
    /// The shell's view: the exit code, or 128 + signal.
    int shell_code() const noexcept { return signal != 0 ? 128 + signal : code; }
    /// "exit code 3", "signal 9 (Killed)".
    std::string describe() const;
    bool operator==(const ExitStatus&) const = default;
};

/// A running (or ended, not yet destroyed) child process.
/// Destroying a Child that was not waited for kills it (SIGKILL) and reaps it, so no
/// zombie and no orphan outlives its owner.
class Child {
  public:
    Child(Child&& other) noexcept;
    Child& operator=(Child&& other) noexcept;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child();

    pid_t pid() const noexcept { return pid_; }
    /// Non-blocking read end of the child's stdout (or stderr) pipe; -1 when not piped or taken.
    int stdout_fd() const noexcept { return stdout_.get(); }
    int stderr_fd() const noexcept { return stderr_.get(); }
    /// Hands the pipe's read end over to the caller.
    UniqueFd take_stdout() noexcept { return std::move(stdout_); }
    UniqueFd take_stderr() noexcept { return std::move(stderr_); }

    /// The status if the child has ended (reaping it), without blocking.
    std::optional<ExitStatus> try_wait();
    /// Blocks until the child ends; may be called again and returns the same status.
    ExitStatus wait();
    /// Sends `signal` to the child; a no-op once it has been reaped.
    void kill(int signal);
    /// Lets the child run on unowned: it is neither killed nor waited for (init reaps it
    /// once this process is gone).
    void release() noexcept;

  private:
    friend Child spawn(const Command& command, const SpawnOptions& options);
    Child(pid_t pid, UniqueFd out, UniqueFd err) noexcept;
    std::optional<ExitStatus> reap(int flags);
    void abandon() noexcept;

    pid_t pid_ = -1;
    UniqueFd stdout_;
    UniqueFd stderr_;
    std::optional<ExitStatus> status_;
};

/// Starts `command`. Only descriptors 0, 1 and 2 are open in the child, all signals have
/// their default disposition and none is blocked.
/// Throws Error(unavailable) when the program cannot be found or executed,
/// Error(usage) for an empty argv, Error(internal) for other failures.
Child spawn(const Command& command, const SpawnOptions& options = {});

/// Where `name` would be executed from given `env`'s PATH; a name with a '/' is itself the
/// path. Throws Error(unavailable) when that is not an executable file.
std::filesystem::path find_program(const std::string& name, const Environment& env);

} // namespace sbx::process
