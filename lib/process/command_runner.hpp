#pragma once
// The seam between code that builds commands (the engine drivers) and the running of them:
// the real runner spawns, the recording runner notes each command and answers from a script,
// so the exact argv a driver builds can be tested without any engine installed.
#include <deque>
#include <vector>

#include "process/capture.hpp"

namespace sbx::process {

class CommandRunner {
  public:
    virtual ~CommandRunner() = default;
    /// Runs `command` to completion, stdin from /dev/null, both outputs captured whole.
    virtual Captured run(const Command& command) = 0;
    /// Starts `command` with stdout and stderr as non-blocking pipes and stdin from
    /// `stdin_fd` (-1: /dev/null); the caller reads the pipes and waits.
    virtual Child start(const Command& command, int stdin_fd) = 0;
};

/// Spawns for real. Children lead their own process group: a Ctrl-C at the terminal is for
/// sbx to act on, not for an engine CLI caught halfway through.
class RealRunner final : public CommandRunner {
  public:
    Captured run(const Command& command) override;
    Child start(const Command& command, int stdin_fd) override;
};

/// Records every command and runs none of them.
class RecordingRunner final : public CommandRunner {
  public:
    /// start() returns a real child running `stand_in` (default: true), so callers get
    /// live pipes and an exit status to work with.
    explicit RecordingRunner(Command stand_in = {{"true"}, {}});

    /// Queues what the next run() answers; once the queue is empty, run() answers exit 0 and no output.
    void reply(int exit_code, std::string out = {}, std::string err = {});

    Captured run(const Command& command) override;
    Child start(const Command& command, int stdin_fd) override;

    /// Every command of run() and start(), in order.
    const std::vector<Command>& commands() const noexcept { return commands_; }
    /// The argv of every command, in order.
    std::vector<std::vector<std::string>> argvs() const;

  private:
    Command stand_in_;
    std::deque<Captured> replies_;
    std::vector<Command> commands_;
};

} // namespace sbx::process
