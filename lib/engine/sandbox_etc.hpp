#pragma once
// The /etc files that would tell a sandbox about the host's network. Left to the engines,
// /etc/resolv.conf names the host's name servers (docker) and /etc/hosts carries the host's
// own entries (podman). Every sandbox gets fixed ones instead, bind-mounted read-only: it
// has no network, so there is nothing to resolve but localhost.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace sbx::engine {

/// Where sbx-preload.so is mounted. A sandbox with a mount there also gets an
/// /etc/ld.so.preload naming it (and one without, none: ld.so would complain in every
/// program).
inline constexpr const char* preload_target = "/sbx/preload.so";

/// The read-only bind mounts of the fixed files kept in `dir` (see write_sandbox_etc());
/// /etc/ld.so.preload among them when the sandbox has `preload`.
std::vector<BindMount> sandbox_etc_binds(const std::filesystem::path& dir, bool preload);

/// True for the targets of the fixed files: a spec may not bind its own there.
bool is_sandbox_etc_target(const std::string& target);

/// Makes `dir` and writes the fixed files into it, unless they are there already with that
/// content. Each is written aside and renamed into place, so a sandbox made meanwhile
/// mounts one whole file or the other. Throws Error(unavailable) when it cannot.
void write_sandbox_etc(const std::filesystem::path& dir);

} // namespace sbx::engine
