#pragma once
// The files of one run, frozen when the run is accepted: what runs is this copy, whatever
// happens to the originals afterwards. The sandbox sees it read-only, so nothing in it was
// ever written by user code.
#include <filesystem>
#include <string>
#include <string_view>

#include "common/project_path.hpp"

namespace sbx::runner {

class SnapshotDir {
  public:
    /// Creates <run_dir>/runs/<run_id>/ with an empty src/ inside.
    SnapshotDir(const std::filesystem::path& run_dir, std::int64_t run_id);

    /// The directory of a run's snapshot, whether or not it exists.
    static std::filesystem::path path_for(const std::filesystem::path& run_dir, std::int64_t run_id);

    /// Adds a file under src/. `name` is a plain relative path (no "..", no absolute path,
    /// no control characters); an existing file is an error. Throws Error(usage).
    void add_file(const std::string& name, std::string_view content);
    /// Stores what the program will read on stdin (outside src/).
    void set_stdin(std::string_view content);

    const std::filesystem::path& root() const noexcept { return root_; }
    std::filesystem::path src() const { return root_ / "src"; }
    std::filesystem::path stdin_file() const { return root_ / "stdin"; }
    /// The lock file its supervisor holds while alive.
    std::filesystem::path supervisor_lock() const { return root_ / "supervisor.lock"; }

  private:
    std::filesystem::path root_;
};

/// Removes a snapshot directory without following symlinks; a missing one is fine.
void remove_snapshot(const std::filesystem::path& root);

/// Checks that a file name of a run is a relative path in normal form within `limits`;
/// throws Error(usage) naming the problem.
void check_relative_path(const std::string& name, const common::PathLimits& limits);

} // namespace sbx::runner
