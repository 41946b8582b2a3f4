#include "runner/sandbox_init.hpp"

#include <unistd.h>

#include "common/sbx_binary.hpp"
#include "engine/sandbox_etc.hpp"
#include "error.hpp"

namespace sbx::runner {
namespace {

namespace fs = std::filesystem;

constexpr const char* init_path = "/sbx/init";
constexpr const char* init_name = "sbx-init";
constexpr const char* preload_name = "sbx-preload.so";
constexpr const char* work_dir = "/work";

} // namespace

fs::path find_sandbox_init()
{
    if (auto place = common::find_sbx_binary(init_name)) {
        if (::access((place->parent_path() / preload_name).c_str(), R_OK) != 0)
            throw Error(ErrorKind::unavailable, (place->parent_path() / preload_name).string() + " is missing beside " +
                                                    init_name + "; run `make install` (or `make` in a build tree)");
        return *place;
    }
    const auto places = common::sbx_binary_places(init_name);
    throw Error(ErrorKind::unavailable, std::string(init_name) + " is not installed: looked for " + places[0].string() +
                                            " and " + places[1].string() +
                                            "; run `make install` (or `make` in a build tree)");
}

std::vector<engine::BindMount> sandbox_init_mounts(const fs::path& binary)
{
    return {{binary, init_path, true}, {binary.parent_path() / preload_name, engine::preload_target, true}};
}

std::vector<std::string> under_init(const std::vector<std::string>& program, const std::string& seed_from,
                                    const std::map<std::string, std::string>* inherited_env)
{
    std::vector<std::string> argv = {init_path, "run"};
    if (!seed_from.empty())
        argv.insert(argv.end(), {"--seed", seed_from, work_dir});
    if (inherited_env) {
        argv.push_back("--inherit-env");
        for (const auto& [name, value] : *inherited_env)
            argv.insert(argv.end(), {"--env", name + "=" + value});
    }
    argv.push_back("--");
    argv.insert(argv.end(), program.begin(), program.end());
    return argv;
}

std::vector<std::string> idle_init()
{
    return {init_path, "idle"};
}

} // namespace sbx::runner
