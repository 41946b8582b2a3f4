#include "engine/sandbox_removal.hpp"

#include <thread>

#include "engine/sandbox_cgroup.hpp"
#include "error.hpp"

namespace sbx::engine {
namespace {

void kill_through_cgroup(const CgroupName& cgroup)
{
    // Opened, not made: a sandbox without cgroups has nothing to kill there, and the
    // cgroups stay for whoever removes the rest.
    if (auto opened = SandboxCgroup::open(cgroup.instance, cgroup.name, cgroup.root)) {
        opened->leave_in_place();
        opened->kill_processes();
    }
}

} // namespace

void remove_sandbox(Engine& engine, const std::string& sandbox, const CgroupName& cgroup,
                    std::optional<std::chrono::milliseconds> wait)
{
    // The engine removes first: killing runsc's processes under docker's shim makes docker
    // take minutes over the sandbox.
    try {
        process::Child removal = engine.start_remove(sandbox);
        if (!wait) {
            removal.release();
            return;
        }
        const auto deadline = std::chrono::steady_clock::now() + *wait;
        while (!removal.try_wait()) {
            if (std::chrono::steady_clock::now() >= deadline) {
                // Past this, nothing of the sandbox may run on while the engine finishes.
                kill_through_cgroup(cgroup);
                removal.release();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
    } catch (const Error&) {
        kill_through_cgroup(cgroup);
    }
}

} // namespace sbx::engine
