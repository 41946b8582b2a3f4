#pragma once
// From what happened in a stage to what the run's record says: a pure function, so that
// every rule (SIGKILL near the memory limit is oom, an engine that stopped answering is
// error, ...) is tested without a sandbox.
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
