#pragma once
// One stage's output pumped into the run's record while sbx's own timers hold its limits:
// the wall-clock limit, the output cap, gVisor's task backstop and a cancel each kill the
// sandbox, and kills are retried and backed by the cgroup until the engine's CLI ends.
#include <chrono>
#include <functional>

#include "process/child.hpp"
#include "runner/outcome.hpp"
#include "runner/output_recorder.hpp"

namespace sbx::runner {

/// What the pump asks of the sandbox a stage runs in, and of the run around it.
struct StageSandbox {
    /// Kills the sandbox through the engine; throws Error when the engine refuses. It runs
    /// on a thread of its own that may outlive the pump, so it must own what it uses.
    std::function<void()> kill;
    /// Kills the sandbox's processes through its cgroups; empty when it has none.
    std::function<void()> kill_processes;
    /// How many of the sandbox's processes are alive; empty when that is not known.
    std::function<std::size_t()> processes;
    /// True once the sandbox nears a task count that would crash it.
    std::function<bool()> near_task_backstop;
    /// Whether the run was asked to stop (a query: asked every check interval only).
    std::function<bool()> cancel_requested;
    /// The stage is an exec into a sandbox that outlives it: its end without a process
    /// left in the sandbox is the sandbox's, and runsc's own report of it is not output.
    bool exec = false;
};

/// The pump's timers: the supervisor's are the defaults, tests shorten them.
struct PumpTimers {
    std::chrono::milliseconds poll{50};
    /// How often the pump looks at what costs a query: the cancel flag, the processes.
    std::chrono::milliseconds check{200};
    std::chrono::milliseconds kill_retry{500};
    /// Past this after a kill, the sandbox's processes are killed through its cgroups.
    std::chrono::milliseconds kill_backstop{3'000};
    /// The engine's CLI should end soon after its sandbox is killed; past this it is
    /// stopped too.
    std::chrono::milliseconds engine_grace{10'000};
    /// How long an exec stage's sandbox may have no process before the stage is over:
    /// docker's exec may wait for ever on a sandbox that died under it.
    std::chrono::milliseconds sandbox_gone_after{1'000};
};

/// Feeds `child`'s stdout and stderr to `recorder` until the child has ended, and says
/// why and how it ended. Throws Error(unavailable) when the engine's kills failed and the
/// CLI had not ended within the engine grace, Error(internal) when poll() fails.
StageOutcome pump_stage(process::Child& child, std::chrono::milliseconds limit, OutputRecorder& recorder,
                        const StageSandbox& sandbox, const PumpTimers& timers = {});

} // namespace sbx::runner
