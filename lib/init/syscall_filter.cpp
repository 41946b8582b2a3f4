#include "init/syscall_filter.hpp"

#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace sbx::init {
namespace {

constexpr const char* refused[] = {
    // namespaces and the file system's shape
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr", "name_to_handle_at", "open_by_handle_at",
    // keyrings
    "keyctl", "add_key", "request_key",
    // other processes' memory, tracing, the kernel's own machinery
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "bpf", "perf_event_open", "userfaultfd", "kexec_load",
    "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct",
    "quotactl", "lookup_dcookie", "iopl", "ioperm",
    // the clock everyone shares
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex"};

constexpr unsigned long new_namespace_flags[] = {CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                                 CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET, CLONE_NEWTIME};

[[noreturn]] void fail(const std::string& what, int rc)
{
    throw std::runtime_error("syscall filter: " + what + ": " + std::strerror(rc < 0 ? -rc : rc));
}

} // namespace

void apply_syscall_filter()
{
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        fail("no_new_privs", errno);
    std::unique_ptr<void, void (*)(scmp_filter_ctx)> filter(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
    if (!filter)
        throw std::runtime_error("syscall filter: cannot make one");
    auto refuse = [&](const char* name, int rc) {
        int call = seccomp_syscall_resolve_name(name);
        if (call == __NR_SCMP_ERROR)
            return; // not a call of this architecture
        if (int r = seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(rc), call, 0); r != 0)
            fail(name, r);
    };
    for (const char* name : refused)
        refuse(name, EPERM);
    refuse("clone3", ENOSYS);
    for (unsigned long flag : new_namespace_flags)
        if (int r = seccomp_rule_add(filter.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                                     SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
            r != 0)
            fail("clone", r);
    if (int r = seccomp_load(filter.get()); r != 0)
        fail("load", r);
}

} // namespace sbx::init
