#pragma once
// Where sbx's own binaries are: beside the running program (bin/ of a build tree, or
// libexec/sbx of an install), else in ../libexec/sbx (the program is bin/sbx).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sbx::common {

/// The places looked at for binary `name`, in order.
std::vector<std::filesystem::path> sbx_binary_places(const std::string& name);

/// The first of those places holding an executable `name`; nullopt when none does.
std::optional<std::filesystem::path> find_sbx_binary(const std::string& name);

} // namespace sbx::common
