#pragma once
// A run's writable disk: /work and /tmp are tmpfs mounts sbx makes on the host, capped in
// bytes and in files, and bind-mounted into the sandbox. gVisor's own tmpfs has no file
// cap (it ignores nr_inodes, and podman refuses it): there a million empty files ended
// the run as out of memory, where a full disk must be ENOSPC.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace sbx::runner {

class RunDisk {
  public:
    /// Mounts one tmpfs of `size_bytes` and files_for(size_bytes) files at each of
    /// `targets` (created), owned by the sandbox's user (a target named "tmp" is 1777).
    /// Throws Error(unavailable) naming the directory when it cannot (sbx must run as root).
    RunDisk(const std::vector<std::filesystem::path>& targets, std::uint64_t size_bytes);
    /// Unmounts them (lazily: a sandbox still going down keeps its view until it is gone).
    ~RunDisk();
    RunDisk(const RunDisk&) = delete;
    RunDisk& operator=(const RunDisk&) = delete;

    /// The mounts outlive this object (a pooled sandbox's disk, made by the keeper and
    /// used by a run's supervisor); unmount_below() removes them.
    void leave_mounted() noexcept { mounted_.clear(); }

    /// How many files (inodes) a disk of `size_bytes` holds: one per 4 KiB, at least 1024.
    static std::uint64_t files_for(std::uint64_t size_bytes);

  private:
    void release() noexcept;

    std::vector<std::filesystem::path> mounted_;
};

/// Lazily unmounts every mount at or below `dir`, deepest first; what gc and the removal
/// of a snapshot do before deleting it.
void unmount_below(const std::filesystem::path& dir);

} // namespace sbx::runner
