#pragma once
// The calls a sandboxed program may not make. gVisor is the boundary, but inside it a
// program could still make namespaces (`unshare -U -r` gives uid 0), chroot, mount, use
// keyrings or trace other processes: none of which a program run by sbx needs. The list
// follows Docker's default profile; everything else is allowed.
#include <string>

namespace sbx::init {

/// Sets no_new_privs and loads the filter for this process and all it starts: refused
/// calls fail with EPERM, and clone3 with ENOSYS (its flags cannot be inspected, and
/// libc then falls back to clone, whose flags can). Throws std::runtime_error on failure.
void apply_syscall_filter();

} // namespace sbx::init
