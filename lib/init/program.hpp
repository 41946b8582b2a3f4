#pragma once
// One program run under sbx-init: its stdout and stderr are pipes made here, inside the
// sandbox, and relayed whole to sbx-init's own; signals sent to sbx-init are passed on;
// orphans are reaped. Its end is the program's: when it exits, what it left in the pipes
// is delivered and the relay stops, even if a process it started still holds them.
#include <optional>
#include <string>
#include <vector>

namespace sbx::init {

struct ProgramOptions {
    std::vector<std::string> argv; ///< argv[0] is looked up in PATH
    /// The program's whole environment (NAME=VALUE); none: sbx-init's own.
    std::optional<std::vector<std::string>> env;
    bool filter_syscalls = true; ///< apply_syscall_filter() in the program before exec
    int stdout_fd = 1;           ///< where its output goes
    int stderr_fd = 2;
};

/// Runs the program to its end and returns its exit status as a shell gives it: the
/// exit code, 128 + the signal that killed it, 127 when it cannot be found and 126 when
/// it cannot be run (with a message on stderr_fd).
int run_program(const ProgramOptions& options);

/// Waits, reaping every child, until SIGTERM or SIGINT: the first process of a sandbox
/// whose programs are started later by the engine's exec.
int idle();

} // namespace sbx::init
