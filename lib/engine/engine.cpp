#include "engine/engine.hpp"

#include "engine/cli_engine.hpp"
#include "error.hpp"

namespace sbx::engine {

const char* state_name(ContainerState state) noexcept
{
    switch (state) {
    case ContainerState::created: return "created";
    case ContainerState::running: return "running";
    case ContainerState::paused: return "paused";
    case ContainerState::exited: return "exited";
    case ContainerState::removing: return "removing";
    case ContainerState::dead: return "dead";
    case ContainerState::unknown: return "unknown";
    }
    return "unknown";
}

const std::vector<std::string>& engine_names()
{
    static const std::vector<std::string> names = {"podman", "docker"};
    return names;
}

std::unique_ptr<Engine> make_engine(const EngineConfig& config, std::shared_ptr<process::CommandRunner> runner)
{
    if (config.engine == "podman")
        return make_podman_engine(config, std::move(runner));
    if (config.engine == "docker")
        return make_docker_engine(config, std::move(runner));
    throw Error(ErrorKind::config, "unknown engine \"" + config.engine + "\" (podman or docker)", "engine");
}

} // namespace sbx::engine
