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

bool is_gvisor(const std::string& oci_runtime)
{
    return std::filesystem::path(oci_runtime).filename() == "runsc";
}

std::optional<std::string> runtime_refusal(const EngineConfig& config)
{
    const std::string& runtime = config.oci_runtime;
    if (!is_gvisor(runtime) && !config.allow_unsandboxed_runtime)
        return "oci_runtime '" + runtime +
               "' is not gVisor (runsc): user code would run on the host kernel; sbx refuses it unless the config "
               "file says allow_unsandboxed_runtime = true";
    if (config.engine == "docker" && runtime.find('/') != std::string::npos) {
        std::string name = std::filesystem::path(runtime).filename().string();
        return "oci_runtime '" + runtime +
               "' is a path, but docker takes the name of a runtime registered in /etc/docker/daemon.json: register "
               "it there (as \"" +
               name +
               (is_gvisor(runtime)
                    ? "\", with \"runtimeArgs\": [\"--network=none\"]; contrib/docker/ensure-dockerd does"
                    : "\"") +
               ") and set oci_runtime = \"" + name + "\"";
    }
    return std::nullopt;
}

std::unique_ptr<Engine> make_engine(const EngineConfig& config, std::shared_ptr<process::CommandRunner> runner)
{
    if (auto refusal = runtime_refusal(config))
        throw Error(ErrorKind::config, *refusal, "oci_runtime");
    if (config.engine == "podman")
        return make_podman_engine(config, std::move(runner));
    if (config.engine == "docker")
        return make_docker_engine(config, std::move(runner));
    throw Error(ErrorKind::config, "unknown engine \"" + config.engine + "\" (podman or docker)", "engine");
}

} // namespace sbx::engine
