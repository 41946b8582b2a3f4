#pragma once
// runsc's own exec, past the engine's: what a running gVisor sandbox was started with, read
// from its sandbox process, and the command and process spec that run one more program in it.
//
// Measured here (runsc 20221219): the sandbox process is the engines' State.Pid, under
// podman (conmon) and docker (containerd-shim-runc-v2) alike; its argv[0] is
// "runsc-sandbox" and /proc/PID/exe is the runsc binary; podman's root is /var/run/runsc,
// docker's /var/run/docker/runtime-runc/moby. `runsc exec` given the command on its own
// command line adds --env to the container spec's environment (HOSTNAME, container, TERM,
// the image's PATH ...), so the process is given whole as an OCI process spec (--process).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.hpp"

namespace sbx::engine {

/// How runsc's sandbox process of one sandbox was started.
struct RunscSandboxProcess {
    std::filesystem::path runsc; ///< the binary
    std::filesystem::path root;  ///< its --root
    std::string sandbox_id;      ///< boot's last argument: the id of the sandbox's container
};

/// Reads a sandbox process from its /proc/PID/cmdline (NUL-separated arguments) and the
/// target of /proc/PID/exe (empty when unknown: argv[0] then, if it is a path). --root is
/// taken in Go's flag forms (--root X, --root=X, -root X, -root=X) among the global flags
/// before "boot". Throws Error(unavailable) when it is not a runsc sandbox process, its
/// binary has been replaced on disk since it started, or it names no absolute --root.
RunscSandboxProcess parse_runsc_sandbox(std::string_view cmdline, const std::filesystem::path& exe);

/// parse_runsc_sandbox() of process `pid`. Throws Error(unavailable) also when there is none.
RunscSandboxProcess read_runsc_sandbox(int pid);

/// The OCI process spec (JSON) that `runsc exec --process` runs `spec` from: exactly its
/// argv, env, user and cwd, no capabilities, no new privileges, no terminal. rlimits are
/// left out, so the process keeps the sandbox's. Throws Error(usage) for an empty argv, a
/// NUL byte or invalid UTF-8 (JSON cannot carry it), an env name that is empty or holds
/// '=', a user that is not UID:GID or a relative cwd.
std::string exec_process_json(const ExecSpec& spec);

/// `RUNSC --root ROOT exec --process PROCESS_FILE CONTAINER_ID`.
std::vector<std::string> runsc_exec_argv(const SandboxHandle& handle, const std::filesystem::path& process_file);

} // namespace sbx::engine
