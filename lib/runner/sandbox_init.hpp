#pragma once
// sbx-init as the supervisor sees it: the binary found on the host, mounted read-only
// into every sandbox, and the command lines that start a program through it. Every
// program runs under it, so its output is relayed whole and its system calls filtered,
// whatever the image.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace sbx::runner {

/// The sbx-init binary: beside the running program (bin/ of a build tree, or libexec/sbx
/// of an install), else in ../libexec/sbx. Throws Error(unavailable) naming both places.
std::filesystem::path find_sandbox_init();

/// The read-only mounts of `binary` at its place in the sandbox, and of sbx-preload.so
/// (installed beside it) where the sandbox's /etc/ld.so.preload names it.
std::vector<engine::BindMount> sandbox_init_mounts(const std::filesystem::path& binary);

/// Runs `program` under sbx-init; with `seed_from`, /work is first filled from there.
/// With `inherited_env` (a direct exec's program, started with no environment of its
/// own), the program gets the environment of the sandbox's first process with these
/// variables set over it, as a cold sandbox made with them would have given it.
std::vector<std::string> under_init(const std::vector<std::string>& program, const std::string& seed_from = {},
                                    const std::map<std::string, std::string>* inherited_env = nullptr);

/// The first process of a sandbox whose stages are started later by exec.
std::vector<std::string> idle_init();

} // namespace sbx::runner
