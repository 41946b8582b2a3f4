#include "common/sbx_binary.hpp"

#include <unistd.h>

namespace sbx::common {

namespace fs = std::filesystem;

std::vector<fs::path> sbx_binary_places(const std::string& name)
{
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec).parent_path();
    return {self / name, (self / ".." / "libexec" / "sbx" / name).lexically_normal()};
}

std::optional<fs::path> find_sbx_binary(const std::string& name)
{
    for (const auto& place : sbx_binary_places(name))
        if (::access(place.c_str(), X_OK) == 0)
            return place;
    return std::nullopt;
}

} // namespace sbx::common
