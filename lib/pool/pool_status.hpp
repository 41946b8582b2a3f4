#pragma once
// What `sbx pool` and /metrics say of the pool: per runtime, what is ready, starting and
// in use, how many runs took a sandbox in the last minute, and the counts since the start.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"
#include "store/database.hpp"

namespace sbx::pool {

struct RuntimePool {
    std::string runtime;
    std::uint32_t size = 0; ///< configured
    std::int64_t ready = 0;
    std::int64_t starting = 0;
    std::int64_t claimed = 0; ///< in use by a run now
    std::int64_t claims_last_minute = 0;
    std::int64_t claims = 0; ///< since the database was made
    std::int64_t misses = 0; ///< runs that found none ready (or only dead ones)
};

struct PoolStatus {
    std::optional<int> keeper_pid; ///< none: no keeper runs
    bool engine_can_pool = false;  ///< the configured OCI runtime is gVisor's
    /// Every runtime with a pool size or any pooled sandbox or count, by id.
    std::vector<RuntimePool> runtimes;
};

PoolStatus pool_status(const config::Settings& settings, const config::RuntimeCatalog& catalog, store::Database& db);

} // namespace sbx::pool
