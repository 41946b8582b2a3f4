#pragma once
// One pooled sandbox: a cold run's sandbox made ahead, idle until one run claims it, then
// thrown away. Its parts are a row in the store, a container, a directory on the host
// (src/ for the claiming run's files, work/ and tmp/ its tmpfs disks) and a cgroup.
#include <cstdint>
#include <filesystem>
#include <string>

#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"
#include "engine/engine.hpp"
#include "store/database.hpp"
#include "store/sandbox_store.hpp"

namespace sbx::pool {

/// What the pool's parts need from their surroundings.
struct PoolContext {
    const config::Settings& settings;
    const config::RuntimeCatalog& catalog;
    store::Database& db;
    engine::Engine& engine;
    std::filesystem::path init; ///< sbx-init on the host
};

/// "sbx-INSTANCE-pool-": the container name of pooled sandbox N is this and N.
std::string name_prefix(const config::Settings& settings);
/// run_dir/pool: the pooled sandboxes' directories and the keeper's lock.
std::filesystem::path pool_dir(const config::Settings& settings);
std::filesystem::path sandbox_dir(const config::Settings& settings, std::int64_t id);
/// "pool-N", the name of its cgroups.
std::string cgroup_name(std::int64_t id);

/// The key a run of `runtime` under `limits` must match to take a pooled sandbox: that of
/// the sandbox a pool makes for those limits (spec_key; names and host paths do not count).
std::string pool_key(const config::Runtime& runtime, const config::Limits& limits, const std::filesystem::path& init);

/// Whether the configured engine can serve runs from a pool: a direct exec needs gVisor.
bool engine_can_pool(const config::Settings& settings);

/// Makes one pooled sandbox of `runtime` and returns it ready: the row (starting), its
/// disk and cgroup, the container created and started idle, the runtime's warm-up run,
/// then the row made ready with what a direct exec needs. On failure what was made is
/// removed again and the error thrown.
store::SandboxRecord make_sandbox(PoolContext& pool, const config::Runtime& runtime, int keeper_pid);

/// Removes a spent sandbox's container, disk, directory and cgroups, then its row. Returns
/// what failed, left for the next try (the row stays spent); empty when all is gone.
std::string destroy_sandbox(PoolContext& pool, const store::SandboxRecord& sandbox);

/// What a direct exec into it needs, from its row.
engine::SandboxHandle handle_of(const store::SandboxRecord& sandbox);

} // namespace sbx::pool
