#pragma once
// When an idle pooled sandbox must go: it no longer matches the pool as configured now
// (its runtime lost its pool, its spec or image changed, another engine is configured)
// or it is older than pool.max_age. A pure function, so every rule is tested alone.
#include <chrono>
#include <map>
#include <string>

#include "pool/pooled_sandbox.hpp"

namespace sbx::pool {

/// The pool as configured now.
struct CurrentPool {
    std::map<std::string, std::string> keys;   ///< runtime id → pool key, for runtimes with a pool
    std::map<std::string, std::string> images; ///< runtime id → image id, where it was read
    std::string engine;
    std::chrono::seconds max_age{3600};
    std::time_t now = 0;
};

/// Reads it; `with_images` asks the engine for each pooled runtime's image id.
CurrentPool current_pool(PoolContext& pool, bool with_images);

/// Why idle sandbox `sandbox` must be removed, or empty when it may stay.
std::string why_stale(const store::SandboxRecord& sandbox, const CurrentPool& current);

} // namespace sbx::pool
