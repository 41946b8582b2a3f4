#pragma once
// Runs as a user: of a project's current files (one build per project and user), or of
// loose files, held to the user's quota; and the history of a project's runs.
#include <cstdint>
#include <vector>

#include "account/actor.hpp"
#include "runner/run_service.hpp"
#include "store/project_store.hpp"

namespace sbx::project {

/// Submits `request` as the actor: the run belongs to them and is held to their quota (the
/// admin shell: to none). See runner::submit().
std::int64_t submit_run(app::AppContext& context, const account::Actor& actor, runner::RunRequest request);

/// Submits a run of the project's files and env, frozen now, on its runtime; `request`
/// gives the rest (stdin, args, limits, entry). The actor's unfinished runs of the project
/// end as cancelled: the new run takes their place.
std::int64_t submit_project_run(app::AppContext& context, const account::Actor& actor,
                                const store::ProjectRecord& project, runner::RunRequest request);

/// Cancels a run the actor may see (see runner::cancel()).
store::RunRecord cancel_run(app::AppContext& context, const account::Actor& actor, std::int64_t run_id,
                            const std::string& reason);

/// The project's runs the actor may see (their own; all for an admin), newest first.
std::vector<store::RunRecord> project_history(app::AppContext& context, const account::Actor& actor,
                                              const store::ProjectRecord& project, std::size_t limit);

/// The files a run ran, when the actor may see the run.
std::vector<store::RunFileRecord> run_files(app::AppContext& context, const account::Actor& actor, std::int64_t run_id);

} // namespace sbx::project
