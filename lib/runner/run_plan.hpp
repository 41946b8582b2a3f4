#pragma once
// What a supervisor needs to run a submitted run, kept beside its snapshot (not in the
// database: env values are the project's secrets and are never stored with the record).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "account/admission.hpp"
#include "config/settings.hpp"
#include "process/fd.hpp"
#include "store/run_store.hpp"

namespace sbx::runner {

struct RunPlan {
    std::string entry; ///< entry file, relative to the work dir
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    bool has_stdin = false;
    config::Limits limits;
    /// The quota the run waits to fit in before it starts; none for the admin's shell.
    std::optional<account::Admission> admission;

    /// The snapshot's stdin file, or an empty fd when the run has no stdin.
    process::UniqueFd open_stdin(const std::filesystem::path& root) const;
};

/// Writes root/plan.json, readable by root only.
void write_plan(const std::filesystem::path& root, const RunPlan& plan);
/// Throws Error(internal) when the plan is missing or malformed.
RunPlan read_plan(const std::filesystem::path& root);

} // namespace sbx::runner
