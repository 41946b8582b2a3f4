#include "runner/host_slots.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"

namespace sbx::runner {
namespace {

std::optional<SlotLease> lock(const std::filesystem::path& path, unsigned index)
{
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        throw Error(ErrorKind::unavailable, path.string() + ": cannot open lock file: " + std::strerror(errno));
    process::UniqueFd owned(fd);
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return std::optional<SlotLease>(std::in_place, std::move(owned), index);
    int error = errno;
    if (error != EWOULDBLOCK)
        throw Error(ErrorKind::unavailable, path.string() + ": cannot lock: " + std::strerror(error));
    return std::nullopt;
}

} // namespace

std::optional<SlotLease> try_lock_file(const std::filesystem::path& path)
{
    return lock(path, 0);
}

std::optional<SlotLease> try_acquire_slot(const std::filesystem::path& dir, unsigned slots)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw Error(ErrorKind::unavailable, dir.string() + ": cannot create slot directory: " + ec.message());
    for (unsigned i = 0; i < slots; ++i)
        if (auto lease = lock(dir / ("slot-" + std::to_string(i) + ".lock"), i))
            return lease;
    return std::nullopt;
}

} // namespace sbx::runner
