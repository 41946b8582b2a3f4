#pragma once
// CPU time and peak memory of a run. The sandbox is started under a cgroup sbx owns
// (--cgroup-parent); the engine's own cgroup for it vanishes when it exits, but the
// parent keeps the totals, so they can be read after the run. cgroup v1 (memory and
// cpuacct hierarchies) only: elsewhere the figures stay unknown.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sbx::engine {

struct ResourceUsage {
    std::optional<std::int64_t> cpu_ms;
    std::optional<std::int64_t> peak_memory_bytes;
};

/// "run-N", the name of run N's cgroups.
std::string run_cgroup_name(std::int64_t run_id);

class SandboxCgroup {
  public:
    /// Creates the cgroups of sandbox `name` ("run-12" for a run's, "pool-3" for a pooled
    /// one) under `root` (the cgroup v1 mount, normally /sys/fs/cgroup), or opens them when
    /// they exist; nullopt when they cannot be made (no v1 hierarchies, or not allowed).
    static std::optional<SandboxCgroup> create(const std::string& instance, const std::string& name,
                                               const std::filesystem::path& root = "/sys/fs/cgroup");
    /// The cgroups of run `run_id`: create(instance, run_cgroup_name(run_id)).
    static std::optional<SandboxCgroup> create(const std::string& instance, std::int64_t run_id,
                                               const std::filesystem::path& root = "/sys/fs/cgroup");
    /// Opens the existing cgroups of sandbox `name` and never makes any; nullopt when none
    /// is there. Like create(), the object removes them when destroyed unless left in place.
    static std::optional<SandboxCgroup> open(const std::string& instance, const std::string& name,
                                             const std::filesystem::path& root = "/sys/fs/cgroup");
    SandboxCgroup(SandboxCgroup&& other) noexcept;
    SandboxCgroup& operator=(SandboxCgroup&&) = delete;
    SandboxCgroup(const SandboxCgroup&) = delete;
    SandboxCgroup& operator=(const SandboxCgroup&) = delete;
    /// Removes the cgroups (and the empty ones the engine left inside), unless left in place.
    ~SandboxCgroup();

    /// The cgroups outlive this object (a pooled sandbox's, made by one process and used
    /// by another); removing them is then remove_stale()'s.
    void leave_in_place() noexcept { owned_ = false; }
    /// From now on usage() counts from here: CPU time spent so far is left out, and the
    /// peak restarts at the memory in use now (a pooled sandbox's boot is not its run's).
    void start_counting();

    /// The path to give the engine as --cgroup-parent, e.g. "/sbx-default/run-12".
    const std::string& parent() const noexcept { return parent_; }
    ResourceUsage usage() const;
    /// Host tasks (processes and threads) of the sandbox now, gVisor's own included, from
    /// the pids hierarchy; nullopt when it is not there.
    std::optional<std::int64_t> host_tasks() const;
    /// True once the host tasks near the pids backstop of a gVisor sandbox whose programs
    /// may have `nproc` processes (runsc_pids_backstop), which crashes gVisor outright when
    /// reached; false when they are not known.
    bool near_task_backstop(std::uint32_t nproc) const;
    /// How many processes of the sandbox (runsc's, not the engine's monitor) are alive: 0
    /// once a started sandbox has died.
    std::size_t sandbox_processes() const;
    /// SIGKILLs every process of the sandbox (runsc's sandbox and gofer), found through
    /// the memory hierarchy; the engine's monitor (podman's conmon) is spared, so that it
    /// reports the end. The backstop for an engine whose kill does not get through (a
    /// fork bomb under gVisor's ptrace platform can keep `docker kill` waiting for
    /// minutes). Returns how many were signalled.
    std::size_t kill_processes() const;

    /// gc's first part: in every hierarchy, the cgroups `KIND-N` of `instance` (kind "run"
    /// or "pool") whose N `ended` says is over. Each process still in one (a sandbox the engine did not stop) is
    /// SIGKILLed without asking the engine, which may be down; the engine's monitor (podman's
    /// conmon) is spared, as the engine needs it to remove the container. Returns how many
    /// were signalled (with `dry_run`: found) per run, for the runs with any.
    static std::map<std::int64_t, std::size_t> kill_stale(const std::string& instance, const std::string& kind,
                                                          const std::function<bool(std::int64_t id)>& ended,
                                                          bool dry_run,
                                                          const std::filesystem::path& root = "/sys/fs/cgroup");
    /// gc's last part: removes those cgroups, waiting a moment for a monitor to leave; one
    /// still busy stays for the next gc. Returns the directories removed (or to remove).
    static std::vector<std::string> remove_stale(const std::string& instance, const std::string& kind,
                                                 const std::function<bool(std::int64_t id)>& ended, bool dry_run,
                                                 const std::filesystem::path& root = "/sys/fs/cgroup");

  private:
    /// The sandbox's processes, found through the memory hierarchy; the monitor's spared.
    std::set<pid_t> processes() const;

    SandboxCgroup(std::filesystem::path root, std::string parent) : root_(std::move(root)), parent_(std::move(parent))
    {
    }

    std::filesystem::path root_;
    std::string parent_;
    bool owned_ = true;
    std::int64_t cpu_baseline_ns_ = 0;
};

} // namespace sbx::engine
