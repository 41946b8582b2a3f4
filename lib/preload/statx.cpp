// sbx-preload.so: loaded into every dynamically linked program in a sandbox (through the
// sandbox's /etc/ld.so.preload), to make up for what the shipped gVisor gets wrong.
//
// runsc 20221219 (Debian 12) refuses statx() with AT_NO_AUTOMOUNT with EINVAL, and
// coreutils passes that flag on every call: `ls`, `stat`, `cp -a` all failed in every
// sandbox. The flag means nothing there (gVisor has no automounts), so it is dropped.
// Only libc's syscall() is used: the library must load under any glibc.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern "C" __attribute__((visibility("default"))) int statx(int dirfd, const char* path, int flags, unsigned int mask,
                                                            struct statx* buf)
{
    return static_cast<int>(syscall(SYS_statx, dirfd, path, flags & ~AT_NO_AUTOMOUNT, mask, buf));
}
