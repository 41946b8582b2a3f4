#pragma once
// At most N runs execute at once on a host. A slot is an flock on a file, so the kernel
// releases it when its holder dies, however it dies.
#include <filesystem>
#include <optional>

#include "process/fd.hpp"

namespace sbx::runner {

/// A held slot or lock; released when destroyed (or when the process ends).
class SlotLease {
  public:
    SlotLease(process::UniqueFd fd, unsigned index) : fd_(std::move(fd)), index_(index) {}

    unsigned index() const noexcept { return index_; }

  private:
    process::UniqueFd fd_;
    unsigned index_;
};

/// Takes a free slot among `slots` in `dir` (created if needed), or nullopt when all are held.
/// Throws Error(unavailable) when the lock files cannot be opened.
std::optional<SlotLease> try_acquire_slot(const std::filesystem::path& dir, unsigned slots);

/// An exclusive lock on `path` held for the life of the returned lease: how a supervisor
/// shows it is alive. nullopt when another process holds it.
std::optional<SlotLease> try_lock_file(const std::filesystem::path& path);

} // namespace sbx::runner
