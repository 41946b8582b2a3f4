#pragma once
// From what happened in a stage to what the run's record says: a pure function, so that
// every rule (SIGKILL near the memory limit is oom, an engine that stopped answering is
// error, ...) is tested without a sandbox.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "config/settings.hpp"
#include "process/child.hpp"
#include "store/run_store.hpp"

namespace sbx::runner {

/// Why a stage ended: by itself, or by sbx for a limit, a cancel, or a sandbox that died
/// while the engine's CLI still waited on it.
enum class StageEnd { exited, timed_out, cancelled, output_full, process_limit, sandbox_gone };

/// What a stage's pump saw: how the engine's CLI ended, and why.
struct StageOutcome {
    process::ExitStatus status;
    StageEnd why = StageEnd::exited;
    std::chrono::milliseconds wall{0};
};

/// True when the CLI's end may be the engine's own failure rather than the program's, so
/// that the engine must be asked whether it still answers (StageFacts::engine_gone): the
/// CLIs' own codes are 125 and up, so a program's usual non-zero exit costs no engine call.
bool engine_may_have_failed(const StageOutcome& outcome);

/// True when the run's cancel flag and reason can change the outcome (StageFacts'
/// cancel_requested and cancel_reason): a stage sbx cancelled, or one whose CLI answered
/// 137, which a kill by `sbx cancel` gives before the flag is seen.
bool cancel_matters(const StageOutcome& outcome);

struct StageFacts {
    StageEnd why = StageEnd::exited;
    process::ExitStatus status; ///< how the engine's CLI ended
    std::string stage;          ///< "compile" or "run"
    bool last = true;           ///< no stage follows this one
    bool only_stage = true;     ///< the runtime has no compile stage
    config::Limits limits;
    std::optional<std::int64_t> peak_memory_bytes; ///< unknown without cgroups
    bool cancel_requested = false;
    std::string cancel_reason;
    /// The engine no longer answers (asked only when the CLI's code was its own, 125 and up).
    bool engine_gone = false;
    std::string engine; ///< "podman" or "docker", for the reasons
};

struct Outcome {
    /// The stage succeeded and the next one runs; `end` means nothing then.
    bool next_stage = false;
    store::RunEnd end;
    /// The engine could not start the sandbox: its runtime check may say why better than
    /// `end.reason` does.
    bool ask_engine_why = false;
    /// The engine went away: what it left running must be killed by sbx.
    bool kill_leftovers = false;
};

/// The record of a stage's end. Wall, CPU and peak figures are the caller's to fill in.
Outcome decide(const StageFacts& facts);

} // namespace sbx::runner
