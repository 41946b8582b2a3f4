#include "runner/outcome.hpp"

#include <csignal>

#include "config/units.hpp"

namespace sbx::runner {

bool engine_may_have_failed(const StageOutcome& outcome)
{
    return outcome.why == StageEnd::exited && outcome.status.signal == 0 && outcome.status.code >= 125;
}

bool cancel_matters(const StageOutcome& outcome)
{
    return outcome.why == StageEnd::cancelled ||
           (outcome.why == StageEnd::exited && outcome.status.shell_code() == 137);
}

Outcome decide(const StageFacts& facts)
{
    const config::Limits& limits = facts.limits;
    Outcome outcome;
    store::RunEnd& end = outcome.end;
    const int code = facts.status.shell_code();
    // `sbx cancel` kills the sandbox itself: its end may arrive before the flag is seen.
    StageEnd why =
        facts.why == StageEnd::exited && code == 137 && facts.cancel_requested ? StageEnd::cancelled : facts.why;
    // Exit 137 is SIGKILL, from the memory limit or from the program itself; only a peak
    // near the limit says which (when it is known). A sandbox the engine never started
    // has used next to no memory, which tells the engine's 125 from a program's.
    const auto& peak = facts.peak_memory_bytes;
    const bool near_memory_limit = !peak || static_cast<double>(*peak) >= 0.9 * static_cast<double>(limits.memory);
    const bool never_started = !peak || *peak < std::int64_t{8} * 1024 * 1024;
    // The memory limit kills with SIGKILL, whatever the engine's CLI then answered.
    auto out_of_memory = [&] {
        end.status = store::RunStatus::oom;
        end.reason = "out of memory (limit " + config::format_bytes(limits.memory) + ")";
        end.exit_code = 128 + SIGKILL;
        end.signal = SIGKILL;
    };
    switch (why) {
    case StageEnd::cancelled:
        end.status = store::RunStatus::cancelled;
        end.reason = facts.cancel_reason;
        end.signal = SIGKILL;
        break;
    case StageEnd::timed_out:
        end.status = store::RunStatus::timeout;
        end.reason = facts.stage + " time limit of " +
                     config::format_duration(facts.stage == "compile" ? limits.compile_time : limits.wall_time) +
                     " reached";
        end.signal = SIGKILL;
        break;
    case StageEnd::process_limit:
        end.status = store::RunStatus::failed;
        end.reason = "process limit of " + std::to_string(limits.pids) +
                     " reached: the program kept starting processes after fork() failed";
        end.exit_code = 128 + SIGKILL;
        end.signal = SIGKILL;
        break;
    case StageEnd::sandbox_gone:
        if (near_memory_limit) {
            out_of_memory();
        } else {
            end.status = store::RunStatus::error;
            end.reason = "the sandbox ended during the " + facts.stage + " stage before the program did";
        }
        break;
    case StageEnd::output_full:
        end.status = store::RunStatus::output_limit;
        end.reason = "output limit of " + config::format_bytes(limits.output_bytes) + " reached";
        end.signal = SIGKILL;
        break;
    case StageEnd::exited:
        if (facts.status.signal != 0) {
            end.status = store::RunStatus::error;
            end.reason = facts.engine + " ended by " + facts.status.describe();
        } else if (facts.engine_gone) {
            outcome.kill_leftovers = true;
            end.status = store::RunStatus::error;
            end.reason = facts.engine + " went away during the " + facts.stage + " stage (its CLI exited " +
                         std::to_string(code) + "); the program's own end is unknown";
        } else if ((code == 137 || code == 128) && near_memory_limit) {
            // 128: under exec, runsc's own answer when the whole sandbox was killed for
            // memory (its WaitPID fails), where a cold sandbox's end is 137.
            out_of_memory();
        } else if (code == 125 && facts.stage == "run" && facts.only_stage && never_started) {
            end.status = store::RunStatus::error;
            end.reason = facts.engine + " could not start the sandbox (exit 125); its message is in the run's output";
            end.exit_code = code;
            outcome.ask_engine_why = true;
        } else if (code != 0) {
            end.status = store::RunStatus::failed;
            end.reason = facts.stage == "compile" ? "compilation failed" : "";
            end.exit_code = code;
        } else if (!facts.last) {
            outcome.next_stage = true;
        } else {
            end.status = store::RunStatus::succeeded;
            end.exit_code = 0;
        }
        break;
    }
    return outcome;
}

} // namespace sbx::runner
