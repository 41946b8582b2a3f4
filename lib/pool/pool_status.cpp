#include "pool/pool_status.hpp"

#include <ctime>
#include <map>

#include "common/utc_time.hpp"
#include "pool/keeper.hpp"
#include "store/sandbox_store.hpp"

namespace sbx::pool {

PoolStatus pool_status(const config::Settings& settings, const config::RuntimeCatalog& catalog, store::Database& db)
{
    PoolStatus status;
    status.keeper_pid = running_keeper(settings);
    status.engine_can_pool = engine_can_pool(settings);
    std::map<std::string, RuntimePool> by_runtime;
    for (const auto& runtime : catalog.runtimes())
        if (auto size = config::pool_size(runtime, settings); size > 0)
            by_runtime[runtime.id].size = size;
    store::SandboxStore store(db);
    for (const auto& sandbox : store.list()) {
        RuntimePool& pool = by_runtime[sandbox.runtime];
        switch (sandbox.state) {
        case store::SandboxState::ready: ++pool.ready; break;
        case store::SandboxState::starting: ++pool.starting; break;
        case store::SandboxState::claimed: ++pool.claimed; break;
        case store::SandboxState::spent: break;
        }
    }
    for (const auto& counter : store.counters()) {
        by_runtime[counter.runtime].claims = counter.claims;
        by_runtime[counter.runtime].misses = counter.misses;
    }
    for (const auto& [runtime, runs] : store.pooled_runs_since(common::format_utc(std::time(nullptr) - 60)))
        by_runtime[runtime].claims_last_minute = runs;
    for (auto& [runtime, pool] : by_runtime) {
        pool.runtime = runtime;
        status.runtimes.push_back(pool);
    }
    return status;
}

} // namespace sbx::pool
