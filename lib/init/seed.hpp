#pragma once
// Filling the run's work directory from the read-only snapshot of its files, as the
// sandbox's user, so that the program owns what it finds in /work.
#include <filesystem>

namespace sbx::init {

/// Copies the contents of `from` into `to` (which exists), directories and files and
/// symbolic links as they are. Throws std::filesystem::filesystem_error naming the path.
void seed_tree(const std::filesystem::path& from, const std::filesystem::path& to);

} // namespace sbx::init
