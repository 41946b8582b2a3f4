// The docker driver.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/cli_engine.hpp"
#include "error.hpp"

namespace sbx::engine {

namespace {

class DockerEngine final : public CliEngine {
  public:
    DockerEngine(EngineConfig config, std::shared_ptr<process::CommandRunner> runner)
        : CliEngine(std::move(config), std::move(runner),
                    {"PATH", "HOME", "TMPDIR", "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_CERT_PATH",
                     "DOCKER_TLS_VERIFY", "DOCKER_API_VERSION"})
    {
    }

    const char* name() const noexcept override { return "docker"; }

  protected:
    std::vector<std::string> global_options() const override { return {}; }

    // dockerd passes each registered runtime its own runtimeArgs; that is where runsc
    // gets --network=none (see verify_runtime).
    std::vector<std::string> create_options() const override { return {"--runtime=" + config().oci_runtime}; }

    void verify_runtime() override
    {
        const std::string& runtime = config().oci_runtime;
        const std::string fix = "register it in /etc/docker/daemon.json and restart dockerd, or run "
                                "contrib/docker/ensure-dockerd; sbx never falls back to another runtime";
        process::Captured result = run({"info", "--format={{json .Runtimes}}"});
        if (!result.status.success())
            throw Error(ErrorKind::unavailable, "docker is not answering (is dockerd running?): " + result.err);
        auto runtimes = nlohmann::json::parse(result.out, nullptr, false);
        if (runtimes.is_discarded() || !runtimes.is_object())
            throw Error(ErrorKind::unavailable, "docker info printed no runtime list: " + result.out);
        auto it = runtimes.find(runtime);
        if (it == runtimes.end())
            throw Error(ErrorKind::unavailable, "docker has no OCI runtime \"" + runtime + "\": " + fix);
        if (!uses_runsc())
            return;
        // The name is only what daemon.json calls it: what runs is its path.
        std::string path;
        if (auto found = it->find("path"); found != it->end() && found->is_string())
            path = found->get<std::string>();
        if (!is_gvisor(path))
            throw Error(ErrorKind::config,
                        "docker's runtime \"" + runtime + "\" runs " + (path.empty() ? "(no path)" : path) +
                            ", not gVisor (runsc): user code would run on the host kernel; register runsc's own path "
                            "in /etc/docker/daemon.json");
        auto args = it->value("runtimeArgs", nlohmann::json::array());
        if (!args.is_array() || std::find(args.begin(), args.end(), "--network=none") == args.end())
            throw Error(ErrorKind::unavailable,
                        "docker runs \"" + runtime + "\" without \"runtimeArgs\": [\"--network=none\"]: " + fix);
    }
};

} // namespace

std::unique_ptr<Engine> make_docker_engine(EngineConfig config, std::shared_ptr<process::CommandRunner> runner)
{
    return std::make_unique<DockerEngine>(std::move(config), std::move(runner));
}

} // namespace sbx::engine
