#pragma once
// The end of a sandbox: the engine removes it, and where the engine cannot be asked or
// takes too long, its processes die through its cgroups so that nothing of it runs on.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/engine.hpp"

namespace sbx::engine {

/// Where a sandbox's cgroups are: SandboxCgroup::open(instance, name, root).
struct CgroupName {
    std::string instance;
    std::string name; ///< "run-12", "pool-3"
    std::filesystem::path root = "/sys/fs/cgroup";
};

/// Starts the forced removal of sandbox `sandbox`. With no `wait` it returns at once and
/// the removal goes on by itself; with one it waits up to that long, then kills the
/// sandbox's processes through `cgroup` and lets the engine finish alone. An engine that
/// cannot be asked gets the same kill. Never throws for the engine: what is left is gc's.
void remove_sandbox(Engine& engine, const std::string& sandbox, const CgroupName& cgroup,
                    std::optional<std::chrono::milliseconds> wait);

} // namespace sbx::engine
