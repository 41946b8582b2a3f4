#pragma once
// Starting, following and stopping runs: what `sbx run`, `sbx cancel` and the web API call.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "account/quota.hpp"
#include "app/app_context.hpp"
#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"
#include "engine/engine.hpp"
#include "runner/limits.hpp"
#include "runner/output_recorder.hpp"
#include "store/run_store.hpp"

namespace sbx::runner {

struct RunFile {
    std::string name; ///< relative path inside the work dir
    std::string content;
};

struct RunRequest {
    std::string runtime;
    std::vector<RunFile> files; ///< the first is the entry point unless `entry` says otherwise
    std::optional<std::string> entry;
    std::optional<std::string> stdin_data;
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    LimitRequest limits;
    std::optional<std::int64_t> project_id;
    std::optional<std::int64_t> user_id;    ///< none: the admin's shell
    std::optional<account::RunQuota> quota; ///< none: only the host's limits apply
    /// Cancels this user's unfinished runs of the same project: one build per project.
    bool supersede = false;
    std::string via = "api"; ///< the API that asked: "api", "piston", "codapi" (store::RunRecord::via)
};

/// Validates a request, freezes its files into a snapshot and records the run (with its
/// files) as queued. Throws Error(usage) for a bad request (naming the field),
/// Error(not_found) for an unknown runtime and Error(limit) when the quota refuses it. The
/// run does not execute until supervise() (runner/supervisor.hpp) or supervise_detached(); runs it supersedes end
/// as cancelled, their supervisors kill their sandboxes.
std::int64_t submit(app::AppContext& context, const RunRequest& request);

/// Hands a submitted run to a new background process (context.supervisor_command
/// followed by the run's id, in a session of its own) and returns at once; the run goes
/// on after the caller exits. A new program rather than a fork of this one, because an
/// SQLite connection must not cross fork().
void supervise_detached(app::AppContext& context, std::int64_t run_id);

/// Stops a queued or running run: it ends as cancelled and its sandbox is killed.
/// Returns the record; a run that has already ended is returned unchanged.
store::RunRecord cancel(app::AppContext& context, std::int64_t run_id, const std::string& reason);

/// Throws Error(config) when `run` was recorded for another OCI runtime than `settings`
/// name (sbx.toml changed while it was queued): it would not run under what its record
/// says. A record from before sbx kept the runtime passes.
void check_recorded_runtime(const store::RunRecord& run, const config::Settings& settings);

/// The name of a run's sandbox for one stage.
std::string sandbox_name(const config::Settings& settings, std::int64_t run_id);

} // namespace sbx::runner
