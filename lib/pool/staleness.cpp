#include "pool/staleness.hpp"

#include "common/utc_time.hpp"
#include "error.hpp"

namespace sbx::pool {

CurrentPool current_pool(PoolContext& pool, bool with_images)
{
    CurrentPool current;
    current.engine = pool.engine.name();
    current.max_age = pool.settings.pool.max_age;
    current.now = std::time(nullptr);
    if (!engine_can_pool(pool.settings))
        return current;
    for (const auto& runtime : pool.catalog.runtimes()) {
        if (config::pool_size(runtime, pool.settings) == 0)
            continue;
        current.keys[runtime.id] = pool_key(runtime, runtime.limits, pool.init);
        if (!with_images)
            continue;
        try {
            current.images[runtime.id] = pool.engine.image_id(runtime.image);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::not_found)
                throw;
        }
    }
    return current;
}

std::string why_stale(const store::SandboxRecord& sandbox, const CurrentPool& current)
{
    if (sandbox.engine != current.engine)
        return "made for engine " + sandbox.engine;
    auto key = current.keys.find(sandbox.runtime);
    if (key == current.keys.end())
        return "runtime " + sandbox.runtime + " has no pool now";
    if (key->second != sandbox.spec_key)
        return "the runtime's sandbox spec changed";
    auto image = current.images.find(sandbox.runtime);
    if (image != current.images.end() && image->second != sandbox.image_id)
        return "its image was rebuilt";
    if (current.now - common::parse_utc(sandbox.created_at) > current.max_age.count())
        return "older than pool.max_age";
    return {};
}

} // namespace sbx::pool
