#include "runner/sandbox_spec.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/digest.hpp"
#include "runner/sandbox_init.hpp"

namespace sbx::runner {

engine::SandboxSpec sandbox_spec(const config::Runtime& runtime, const config::Limits& limits,
                                 const std::map<std::string, std::string>& env, bool stdin_attached,
                                 const SandboxPlace& place, std::vector<std::string> argv)
{
    engine::SandboxSpec spec;
    spec.name = place.name;
    spec.run_id = place.run_id;
    spec.image = runtime.image;
    spec.argv = std::move(argv);
    spec.env = runtime.env;
    for (const auto& [key, value] : env)
        spec.env[key] = value;
    spec.binds = {{place.run_root / "src", snapshot_mount, true}};
    for (auto& bind : sandbox_init_mounts(place.init))
        spec.binds.push_back(std::move(bind));
    // Host tmpfs mounts capped in bytes and files; /tmp is exec because toolchains run
    // helpers from it.
    spec.tmpfs = {{"/work", limits.disk, true, place.run_root / "work"},
                  {"/tmp", limits.disk, true, place.run_root / "tmp"}};
    spec.limits.memory_bytes = limits.memory;
    spec.limits.cpus = limits.cpus;
    // Processes are limited inside gVisor (fork fails, the sandbox lives); the engine's
    // pids limit only backstops the host.
    spec.limits.nproc = limits.pids;
    spec.limits.pids = engine::runsc_pids_backstop(limits.pids);
    spec.stdin_attached = stdin_attached;
    spec.cgroup_parent = place.cgroup_parent;
    return spec;
}

std::string spec_key(const engine::SandboxSpec& spec)
{
    nlohmann::json binds = nlohmann::json::array();
    for (const auto& bind : spec.binds)
        binds.push_back({bind.target, bind.read_only});
    nlohmann::json tmpfs = nlohmann::json::array();
    for (const auto& mount : spec.tmpfs)
        tmpfs.push_back({mount.target, mount.size_bytes, mount.exec, !mount.host_dir.empty()});
    const nlohmann::json what = {
        {"image", spec.image},
        {"argv", spec.argv},
        {"env", spec.env}, // a std::map: in key order
        {"user", spec.user},
        {"workdir", spec.workdir},
        {"binds", binds},
        {"tmpfs", tmpfs},
        {"limits",
         {spec.limits.memory_bytes, spec.limits.cpus, spec.limits.pids, spec.limits.nofile, spec.limits.nproc}},
        {"stdin", spec.stdin_attached},
    };
    return common::sha256_hex(what.dump());
}

} // namespace sbx::runner
