#pragma once
// The container engine as sbx sees it: sandboxes made from a spec, started, waited for,
// killed, inspected, listed by label and removed. Which engine does the work (podman or
// docker, chosen in EngineConfig) is known only inside lib/engine.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process/command_runner.hpp"

namespace sbx::engine {

using Labels = std::map<std::string, std::string>;

/// Labels every sandbox carries, so `sbx gc` finds what belongs to an instance after any crash.
inline constexpr const char* instance_label = "sbx.instance";
inline constexpr const char* run_label = "sbx.run";
/// A pooled sandbox's instead of sbx.run until a run claims it; its value is the pool's id.
inline constexpr const char* pool_label = "sbx.pool";

/// The least pids limit accepted with gVisor (runsc). The limit counts host tasks, and
/// gVisor's own threads are among them: below about 64 the sandbox does not start.
/// Lower values are rejected, not raised, so that a mistaken setting is seen.
inline constexpr std::uint32_t min_runsc_pids = 128;

/// The pids limit for a sandbox whose programs may have `nproc` processes. gVisor crashes
/// outright when its host tasks reach the limit (each process inside costs 10-12 of them),
/// so it is a backstop far above what programs meet, which is nproc inside.
inline std::uint32_t runsc_pids_backstop(std::uint32_t nproc)
{
    return std::max(min_runsc_pids, nproc * 16);
}

struct BindMount {
    std::filesystem::path source; ///< absolute path on the host
    std::string target;           ///< absolute path in the sandbox
    bool read_only = true;
};

/// A memory-backed writable directory with a size cap.
struct TmpfsMount {
    std::string target; ///< absolute path in the sandbox
    std::uint64_t size_bytes = 0;
    bool exec = false; ///< programs may be run from it (needed where compiled binaries land)
    /// When set, a tmpfs sbx has mounted on the host with this cap (and a cap on files,
    /// which the engines' own tmpfs lack), bound in instead of one made by the engine.
    std::filesystem::path host_dir;
};

struct SandboxLimits {
    std::uint64_t memory_bytes = 0; ///< RAM; swap is set equal to it, so there is none
    double cpus = 0;
    /// Host tasks of the sandbox, gVisor's own threads included: a backstop for the host,
    /// at least min_runsc_pids with runsc. Each process inside costs 10-12 of them (measured,
    /// ptrace platform) and a sandbox reaching the limit crashes whole (exit 2, output lost),
    /// so keep it at 16 x nproc or more and let `nproc` be the limit programs meet.
    std::uint32_t pids = 0;
    std::uint32_t nofile = 1024; ///< open files per process (soft = hard)
    /// Processes of the sandbox's user; enforced inside gVisor, where fork() then fails
    /// with EAGAIN and the sandbox lives on.
    std::uint32_t nproc = 256;
};

/// Everything a sandbox is made from. Nothing of sbx's own environment enters it: the
/// program sees `env` on top of what the image defines, and what the engine itself adds
/// (HOSTNAME, HOME; podman also TERM and container).
struct SandboxSpec {
    std::string name;              ///< container name: [A-Za-z0-9][A-Za-z0-9_.-]*
    std::string run_id;            ///< becomes the sbx.run label; empty only with a pool_label
    std::string image;             ///< a local image; it is never pulled
    std::vector<std::string> argv; ///< empty: the image's default command
    std::map<std::string, std::string> env;
    Labels labels; ///< extra labels; sbx.instance and sbx.run are set by the engine
    std::string user = "10000:10000";
    std::string workdir = "/work"; ///< must be the target of one of the mounts
    std::vector<BindMount> binds;
    /// Must include /tmp: without it gVisor mounts a /tmp of its own with no size cap.
    std::vector<TmpfsMount> tmpfs;
    SandboxLimits limits;
    bool stdin_attached = false; ///< keep stdin open so start_attached() can feed it
    /// A cgroup of sbx's (e.g. "/sbx-default/run-12") to create the sandbox's under, so its
    /// CPU time and peak memory can be read after it is gone; empty: the engine's default.
    std::string cgroup_parent;
};

enum class ContainerState { created, running, paused, exited, removing, dead, unknown };

/// "created", "running", ...
const char* state_name(ContainerState state) noexcept;

/// What the engine knows of one sandbox.
struct ContainerInfo {
    std::string id;
    std::string name;
    std::string image;
    ContainerState state = ContainerState::unknown;
    int exit_code = 0;
    /// As the engine reports it. docker sets it when runsc is killed for memory; podman
    /// does not (measured): there the sign is exit code 137 without a kill from sbx.
    bool oom_killed = false;
    std::optional<std::chrono::system_clock::time_point> started_at;
    std::optional<std::chrono::system_clock::time_point> finished_at;
    Labels labels;
    std::string runtime; ///< the OCI runtime it was created with, e.g. "runsc"
    /// The host pid of its process while it runs, 0 otherwise. With runsc that is runsc's
    /// sandbox process ("runsc-sandbox ... boot ... ID") under both engines.
    int pid = 0;
};

/// What a direct exec into a running gVisor sandbox needs, read once when it is ready.
struct SandboxHandle {
    std::string name;                 ///< container name
    std::string container_id;         ///< engine's full id (runsc's container id)
    int sandbox_pid = 0;              ///< host pid of runsc's sandbox process
    std::filesystem::path runsc;      ///< the runsc binary that runs it
    std::filesystem::path runsc_root; ///< runsc's --root for it
};

/// A process to run in a sandbox through its handle.
struct ExecSpec {
    std::vector<std::string> argv;
    /// The process's whole environment: nothing of the sandbox's spec or image is added,
    /// except HOME (the user's home in the sandbox), which gVisor sets when it is missing.
    std::map<std::string, std::string> env;
    std::string user = "10000:10000"; ///< numeric UID:GID
    std::string cwd = "/work";
};

/// True while the sandbox process of `handle` still runs (pid alive and still that runsc
/// sandbox: its /proc/PID/cmdline is checked, to survive pid reuse).
bool is_alive(const SandboxHandle& handle);

/// The engine interface. Failures of the engine itself throw Error(unavailable); a
/// malformed spec throws Error(usage); an unknown sandbox or image Error(not_found).
class Engine {
  public:
    virtual ~Engine() = default;

    /// "podman" or "docker".
    virtual const char* name() const noexcept = 0;
    /// Throws Error(unavailable) unless the configured OCI runtime can be used. create()
    /// calls it before its first sandbox: there is no falling back to another runtime.
    virtual void check_runtime() = 0;

    /// Creates a sandbox (not started) and returns its id.
    virtual std::string create(const SandboxSpec& spec) = 0;
    /// Starts a created sandbox in the background.
    virtual void start(const std::string& id) = 0;
    /// Starts a created sandbox attached: the child's stdout and stderr pipes carry the
    /// sandbox's, and it exits with the sandbox's exit code. `stdin_fd` feeds the sandbox's
    /// stdin when it was created with stdin_attached; -1 gives it none.
    virtual process::Child start_attached(const std::string& id, int stdin_fd = -1) = 0;
    /// Creates and starts a sandbox in one step, attached as with start_attached(), and
    /// removes it once it ends: the quickest way to run one command. It does not call
    /// check_runtime() first (that costs docker a daemon round trip per run): both engines
    /// refuse an unknown runtime themselves, exiting 125, and never fall back to another;
    /// call check_runtime() then to say why.
    virtual process::Child run_attached(const SandboxSpec& spec, int stdin_fd = -1) = 0;
    /// Runs `argv` in a running sandbox, attached: the child's pipes carry its output and
    /// it exits with its exit code. `stdin_fd` as for start_attached().
    virtual process::Child exec_attached(const std::string& id, const std::vector<std::string>& argv,
                                         int stdin_fd = -1) = 0;
    /// What exec_attached(handle, ...) needs of running sandbox `name`: its id, runsc's
    /// sandbox process, and the runsc binary and --root that process was started with.
    /// Throws Error(unavailable) when it is not running, not under runsc, or the root is
    /// not found; Error(not_found) when there is no such sandbox.
    virtual SandboxHandle handle(const std::string& name) = 0;
    /// Runs `spec` in the sandbox of `handle` with runsc's own exec, past the engine (about
    /// 40 ms, where the engine's exec costs 100-250 ms): the child's stdout and stderr are
    /// the program's and it exits with its exit code (runsc's own failures exit 128). The
    /// program keeps the sandbox's rlimits; it gets no capabilities and no new privileges.
    /// `stdin_fd` feeds its stdin; -1 gives it none. runsc gets the spec through a pipe in
    /// the work dir, never a file: Error(config) without an absolute work dir. Throws
    /// Error(usage) for an empty argv, a NUL byte or invalid UTF-8 anywhere (the spec is
    /// JSON), a user that is not numeric UID:GID or a relative cwd.
    virtual process::Child exec_attached(const SandboxHandle& handle, const ExecSpec& spec, int stdin_fd = -1) = 0;
    /// Blocks until the sandbox has ended; returns its exit code.
    virtual int wait(const std::string& id) = 0;
    /// Sends `signal`; false when the sandbox was not running or does not exist.
    virtual bool kill(const std::string& id, int signal = SIGKILL) = 0;
    /// Removes the sandbox (`force`: even while running). One already gone is not an error.
    virtual void remove(const std::string& id, bool force = true) = 0;
    /// Starts a forced removal and returns at once; what it answers is not read.
    virtual process::Child start_remove(const std::string& id) = 0;
    virtual ContainerInfo inspect(const std::string& id) = 0;
    /// Sandboxes of this instance carrying every one of `labels`, in any state.
    virtual std::vector<ContainerInfo> list(const Labels& labels = {}) = 0;

    virtual bool image_exists(const std::string& ref) = 0;
    /// The id of local image `ref` ("sha256:..."), which changes when the image is rebuilt.
    /// Throws Error(not_found) when there is no such image.
    virtual std::string image_id(const std::string& ref) = 0;
    /// Imports a root filesystem tarball as image `ref`; returns the image id.
    virtual std::string image_import(const std::filesystem::path& tarball, const std::string& ref) = 0;
};

/// The engines sbx can drive, the default first.
const std::vector<std::string>& engine_names();

struct EngineConfig {
    std::string engine = "podman";     ///< "podman" or "docker"
    std::string oci_runtime = "runsc"; ///< a runtime name the engine knows, or a path with podman
    std::filesystem::path binary;      ///< the engine's CLI; empty: `engine` looked up in PATH
    std::string instance = "default";  ///< the sbx.instance label of every sandbox
    /// Where the engine's CLI runs. runsc leaves an empty "oom" file in its working
    /// directory when a sandbox hits its memory limit: it belongs in sbx's own state, not
    /// in the directory `sbx run` was started from. It also keeps the fixed /etc/resolv.conf
    /// and /etc/hosts every sandbox gets (sandbox-etc/): create() and run_attached() throw
    /// Error(config) without an absolute one.
    std::filesystem::path work_dir;
    /// An OCI runtime other than runsc runs user code on the host kernel: make_engine()
    /// refuses one unless this is set (from sbx.toml's allow_unsandboxed_runtime).
    bool allow_unsandboxed_runtime = false;
};

/// True when `oci_runtime`, a name or a path, is gVisor's runsc.
bool is_gvisor(const std::string& oci_runtime);

/// Why `config`'s OCI runtime must not be used, or nullopt: one that is not runsc while
/// allow_unsandboxed_runtime is unset, or a path given to docker (which takes the names
/// of runtimes registered with dockerd only).
std::optional<std::string> runtime_refusal(const EngineConfig& config);

/// The engine `config` names, running its CLI through `runner`.
/// Throws Error(config) for an unknown engine name or a runtime_refusal().
std::unique_ptr<Engine>
make_engine(const EngineConfig& config,
            std::shared_ptr<process::CommandRunner> runner = std::make_shared<process::RealRunner>());

} // namespace sbx::engine
