#pragma once
// `sbx gc`: after any crash, leaves nothing of this instance behind that no live run
// needs. Safe to run twice at once (the second waits for the first) and idempotent.
#include <string>
#include <vector>

#include "runner/run_service.hpp"

namespace sbx::runner {

struct GcAction {
    /// "mark-lost", "remove-snapshot", "expire-run", "expire-sessions", "kill-processes",
    /// "remove-cgroup", "remove-container"; for pooled sandboxes also "spend-sandbox" and
    /// "remove-sandbox"
    std::string action;
    std::string target; ///< "run 12", a container name, a directory
    std::string detail; ///< why
};

struct GcReport {
    bool dry_run = false;
    std::vector<GcAction> actions;
    std::string engine_error; ///< why containers could not be looked at, if they could not
};

/// How long a run may exist without a supervisor having locked it (submit to supervise).
inline constexpr std::chrono::seconds supervisor_grace{30};

/// Does it all, or with `dry_run` only says what it would do. Database work is done even
/// when the engine is unavailable; that error is then in the report.
GcReport collect_garbage(app::AppContext& context, bool dry_run);

} // namespace sbx::runner
