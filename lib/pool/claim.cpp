#include "pool/claim.hpp"

#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "engine/sandbox_removal.hpp"
#include "error.hpp"

namespace sbx::pool {
namespace {

namespace fs = std::filesystem;

// Past this many dead sandboxes in a row the run goes cold; the keeper sees to the rest.
constexpr int dead_tries = 3;

} // namespace

ClaimResult claim_sandbox(PoolContext& pool, const config::Runtime& runtime, const config::Limits& limits,
                          std::int64_t run_id)
{
    store::SandboxStore store(pool.db);
    auto miss = [&](const char* why, bool count) {
        store.record_miss(runtime.id, run_id, why, count);
        return ClaimResult{std::nullopt, why};
    };
    if (config::pool_size(runtime, pool.settings) == 0 || !engine_can_pool(pool.settings))
        return miss("off", false);
    // Only what shapes the sandbox counts: a run may still ask for another time limit.
    const std::string key = pool_key(runtime, limits, pool.init);
    if (key != pool_key(runtime, runtime.limits, pool.init))
        return miss("limits", false);
    for (int tries = 0; tries < dead_tries; ++tries) {
        auto sandbox = store.claim(runtime.id, key, pool.engine.name(), run_id);
        if (!sandbox)
            return miss(tries == 0 ? "empty" : "dead", true);
        engine::SandboxHandle handle = handle_of(*sandbox);
        if (engine::is_alive(handle))
            return {Claimed{std::move(*sandbox), std::move(handle)}, ""};
        store.mark_spent(sandbox->id, store::SandboxState::claimed);
    }
    return miss("dead", true);
}

void hand_over_files(const config::Settings& settings, const store::SandboxRecord& sandbox, const fs::path& run_src)
{
    // Hard links, not copies or renames: as quick, and the snapshot stays whole, so a run
    // whose hand-over fails can still go cold.
    const fs::path into = sandbox_dir(settings, sandbox.id) / "src";
    auto failed = [&](const fs::path& path, const std::string& why) {
        return Error(ErrorKind::unavailable,
                     "cannot hand " + path.string() + " to pooled sandbox " + sandbox.name + ": " + why);
    };
    std::error_code ec;
    for (fs::recursive_directory_iterator it(run_src, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path target = into / it->path().lexically_relative(run_src);
        const auto type = it->symlink_status(ec).type();
        if (type == fs::file_type::directory) {
            if (::mkdir(target.c_str(), 0755) != 0 || ::chmod(target.c_str(), 0755) != 0)
                throw failed(target, std::strerror(errno));
        } else if (type == fs::file_type::regular) {
            if (::link(it->path().c_str(), target.c_str()) != 0)
                throw failed(it->path(), std::strerror(errno));
        } else {
            throw failed(it->path(), "not a plain file or directory");
        }
    }
    if (ec)
        throw failed(run_src, ec.message());
}

void release_sandbox(PoolContext& pool, const store::SandboxRecord& sandbox)
{
    // Nothing of the run may go on in it: the engine stops it now, and the run need not
    // wait for that to end. (Leaving it to the keeper alone measured slower: its removal
    // then comes later and lands on the next run.) An engine that cannot be asked is
    // asked again when the spent row's removal comes, which reports.
    engine::remove_sandbox(pool.engine, sandbox.name, {pool.settings.instance, cgroup_name(sandbox.id)}, std::nullopt);
    store::SandboxStore(pool.db).mark_spent(sandbox.id, store::SandboxState::claimed);
}

} // namespace sbx::pool
