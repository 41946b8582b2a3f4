#include "pool/pooled_sandbox.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "engine/sandbox_cgroup.hpp"
#include "error.hpp"
#include "process/capture.hpp"
#include "runner/run_disk.hpp"
#include "runner/sandbox_init.hpp"
#include "runner/sandbox_spec.hpp"

namespace sbx::pool {
namespace {

namespace fs = std::filesystem;

// A warm-up is the admin's own command; past this it is taken to hang.
constexpr std::chrono::seconds warmup_limit{60};

engine::SandboxSpec pooled_spec(const config::Runtime& runtime, const runner::SandboxPlace& place)
{
    // A cold run's sandbox with the runtime's defaults, idle: a claiming run's stages are
    // execs, which carry its env and stdin, so the sandbox needs neither.
    return runner::sandbox_spec(runtime, runtime.limits, {}, false, place, runner::idle_init());
}

void make_dir(const fs::path& path, mode_t mode)
{
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
        throw Error(ErrorKind::unavailable, path.string() + ": cannot create directory: " + std::strerror(errno));
    ::chmod(path.c_str(), mode); // readable by the sandbox's user whatever the umask
}

// The first thing left in `dir`, or empty.
std::string first_entry(const fs::path& dir)
{
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    return !ec && it != fs::directory_iterator() ? it->path().filename().string() : std::string();
}

void warm_up(PoolContext& pool, const config::Runtime& runtime, const engine::SandboxHandle& handle,
             const fs::path& dir)
{
    if (runtime.pool_warmup.empty())
        return;
    const std::map<std::string, std::string> no_env;
    process::Child child =
        pool.engine.exec_attached(handle, {.argv = runner::under_init(runtime.pool_warmup, {}, &no_env)});
    process::Captured done = process::collect(child, warmup_limit);
    if (done.timed_out || !done.status.success())
        throw Error(ErrorKind::config,
                    "runtime " + runtime.id + ": its pool warm-up " +
                        (done.timed_out ? "ran past 60 s" : "ended with " + done.status.describe()) + ": " +
                        done.err.substr(0, 500),
                    "pool.warmup");
    // What a run sees must be what a cold sandbox holds: nothing in /work or /tmp.
    for (const char* place : {"work", "tmp"})
        if (auto left = first_entry(dir / place); !left.empty())
            throw Error(ErrorKind::config,
                        "runtime " + runtime.id + ": its pool warm-up left /" + place + "/" + left +
                            " behind; a pooled sandbox must start as empty as a cold one",
                        "pool.warmup");
}

} // namespace

std::string name_prefix(const config::Settings& settings)
{
    return "sbx-" + settings.instance + "-pool-";
}

fs::path pool_dir(const config::Settings& settings)
{
    return settings.run_dir / "pool";
}

fs::path sandbox_dir(const config::Settings& settings, std::int64_t id)
{
    return pool_dir(settings) / std::to_string(id);
}

std::string cgroup_name(std::int64_t id)
{
    return "pool-" + std::to_string(id);
}

std::string pool_key(const config::Runtime& runtime, const config::Limits& limits, const fs::path& init)
{
    config::Runtime asked = runtime;
    asked.limits = limits;
    return runner::spec_key(pooled_spec(asked, {"key", "", "/pool", init, ""}));
}

bool engine_can_pool(const config::Settings& settings)
{
    return engine::is_gvisor(settings.oci_runtime);
}

store::SandboxRecord make_sandbox(PoolContext& pool, const config::Runtime& runtime, int keeper_pid)
{
    const config::Settings& settings = pool.settings;
    store::SandboxStore store(pool.db);
    const std::string image = pool.engine.image_id(runtime.image);
    const std::int64_t id =
        store.insert_starting(name_prefix(settings), runtime.id, pool_key(runtime, runtime.limits, pool.init), image,
                              pool.engine.name(), settings.oci_runtime, keeper_pid);
    const store::SandboxRecord record = store.get(id);
    try {
        const fs::path dir = sandbox_dir(settings, id);
        fs::create_directories(pool_dir(settings));
        make_dir(dir, 0755);
        make_dir(dir / "src", 0755);
        runner::RunDisk(std::vector<fs::path>{dir / "work", dir / "tmp"}, runtime.limits.disk).leave_mounted();
        std::string parent;
        if (auto cgroup = engine::SandboxCgroup::create(settings.instance, cgroup_name(id))) {
            cgroup->leave_in_place();
            parent = cgroup->parent();
        }
        engine::SandboxSpec spec = pooled_spec(runtime, {record.name, "", dir, pool.init, parent});
        spec.labels[engine::pool_label] = std::to_string(id);
        pool.engine.create(spec);
        pool.engine.start(record.name);
        engine::SandboxHandle handle = pool.engine.handle(record.name);
        warm_up(pool, runtime, handle, dir);
        if (!store.mark_ready(id, handle.container_id, handle.runsc_root.string(), handle.runsc.string(),
                              handle.sandbox_pid))
            throw Error(ErrorKind::conflict, "pooled sandbox " + record.name + " was taken away while it started");
        return store.get(id);
    } catch (...) {
        store.mark_spent(id, store::SandboxState::starting);
        destroy_sandbox(pool, store.get(id)); // what stays is the next gc's
        throw;
    }
}

std::string destroy_sandbox(PoolContext& pool, const store::SandboxRecord& sandbox)
{
    std::string problem;
    try {
        pool.engine.remove(sandbox.name, true);
    } catch (const Error& e) {
        problem = e.what();
    }
    // Whatever the engine left running dies through the cgroups, which are then removed.
    if (auto cgroup = engine::SandboxCgroup::open(pool.settings.instance, cgroup_name(sandbox.id)))
        cgroup->kill_processes();
    const fs::path dir = sandbox_dir(pool.settings, sandbox.id);
    runner::unmount_below(dir);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec && problem.empty())
        problem = dir.string() + ": cannot remove: " + ec.message();
    if (problem.empty())
        store::SandboxStore(pool.db).remove(sandbox.id);
    return problem;
}

engine::SandboxHandle handle_of(const store::SandboxRecord& sandbox)
{
    return {sandbox.name, sandbox.container_id, sandbox.sandbox_pid.value_or(0), sandbox.exec_binary,
            sandbox.exec_root};
}

} // namespace sbx::pool
