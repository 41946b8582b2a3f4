#pragma once
// Starting, following and stopping runs: what `sbx run`, `sbx cancel` and the web API call.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

/// What the user a run belongs to may use (lib/account works it out).
struct RunQuota {
    store::Admission admission;
    std::uint32_t runs_per_hour = 0;
    bool refuse_when_busy = false; ///< false: a run beyond max_runs waits as queued
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
    std::optional<std::int64_t> user_id; ///< none: the admin's shell
    std::optional<RunQuota> quota;       ///< none: only the host's limits apply
    /// Cancels this user's unfinished runs of the same project: one build per project.
    bool supersede = false;
};

/// What a run needs from its surroundings.
struct RunContext {
    const config::Settings& settings;
    const config::RuntimeCatalog& catalog;
    store::Database& db;
    /// The command that supervises a run in a process of its own when given its id after
    /// it (sbx-supervise with the same config): see supervise_detached(). Empty: none is
    /// installed, and no run can be detached.
    std::vector<std::string> supervisor_command = {};
};

/// Validates a request, freezes its files into a snapshot and records the run (with its
/// files) as queued. Throws Error(usage) for a bad request (naming the field),
/// Error(not_found) for an unknown runtime and Error(limit) when the quota refuses it. The
/// run does not execute until supervise() (runner/supervisor.hpp) or supervise_detached(); runs it supersedes end
/// as cancelled, their supervisors kill their sandboxes.
std::int64_t submit(RunContext& context, const RunRequest& request);

/// Hands a submitted run to a new background process (context.supervisor_command
/// followed by the run's id, in a session of its own) and returns at once; the run goes
/// on after the caller exits. A new program rather than a fork of this one, because an
/// SQLite connection must not cross fork().
void supervise_detached(RunContext& context, std::int64_t run_id);

/// Stops a queued or running run: it ends as cancelled and its sandbox is killed.
/// Returns the record; a run that has already ended is returned unchanged.
store::RunRecord cancel(RunContext& context, std::int64_t run_id, const std::string& reason);

/// Creates state_dir and run_dir if needed and opens (migrating) the database.
std::unique_ptr<store::Database> open_state(const config::Settings& settings);

/// The engine of these settings.
std::unique_ptr<engine::Engine> make_engine(const config::Settings& settings);

/// Throws Error(config) when `run` was recorded for another OCI runtime than `settings`
/// name (sbx.toml changed while it was queued): it would not run under what its record
/// says. A record from before sbx kept the runtime passes.
void check_recorded_runtime(const store::RunRecord& run, const config::Settings& settings);

/// The name of a run's sandbox for one stage.
std::string sandbox_name(const config::Settings& settings, std::int64_t run_id);

} // namespace sbx::runner
