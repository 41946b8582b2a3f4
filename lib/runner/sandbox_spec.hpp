#pragma once
// The sandbox a run gets, built from its runtime, limits and places on the host; and the
// key that says when two sandboxes are interchangeable (what a warm pool matches on).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"
#include "engine/engine.hpp"

namespace sbx::runner {

/// Where the run's snapshot is mounted in the sandbox; sbx-init seeds /work from it.
inline constexpr const char* snapshot_mount = "/sbx/src";

/// Where one sandbox's parts are on the host.
struct SandboxPlace {
    std::string name;   ///< the container's name
    std::string run_id; ///< its sbx.run label
    /// The run's directory: its snapshot in src/, the tmpfs mounts of /work and /tmp in
    /// work/ and tmp/.
    std::filesystem::path run_root;
    std::filesystem::path init; ///< sbx-init on the host
    std::string cgroup_parent;  ///< empty: the engine's default
};

/// The sandbox for a run of `runtime` under `limits`, its first process `argv`. `env`
/// (the run's own) overrides the runtime's.
engine::SandboxSpec sandbox_spec(const config::Runtime& runtime, const config::Limits& limits,
                                 const std::map<std::string, std::string>& env, bool stdin_attached,
                                 const SandboxPlace& place, std::vector<std::string> argv);

/// Equal for two specs exactly when a program could not tell their sandboxes apart: image,
/// first process, env, user, workdir, mounts (targets, modes, sizes) and limits count;
/// names, labels, host paths and the cgroup do not. 64 hex digits.
std::string spec_key(const engine::SandboxSpec& spec);

} // namespace sbx::runner
