#pragma once
// Running a program to completion and keeping everything it printed.
#include <chrono>
#include <string>
#include <vector>

#include "process/child.hpp"

namespace sbx::process {

/// A finished program: how it ended and its whole stdout and stderr, apart.
struct Captured {
    ExitStatus status;
    std::string out;
    std::string err;
    bool timed_out = false; ///< killed (SIGKILL) for running past collect()'s limit
};

/// Reads the child's piped stdout and stderr until both are closed, then waits for it.
/// A grandchild that keeps a pipe open keeps this waiting too.
Captured collect(Child& child);
/// As above, but the child is killed once `limit` has passed; then `timed_out` is set.
Captured collect(Child& child, std::chrono::milliseconds limit);

/// Runs `command` with stdin from /dev/null and both outputs captured whole.
Captured run_capture(const Command& command);

/// As above, with an explicit environment (none by default: PATH falls back to default_path).
Captured run_capture(const std::vector<std::string>& argv, const Environment& env = {});

} // namespace sbx::process
