// The podman driver.
#include "engine/cli_engine.hpp"
#include "error.hpp"

namespace sbx::engine {

namespace {

// Where podman looks for a runtime named without a path, besides PATH.
constexpr const char* podman_runtime_dirs = "/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin";

class PodmanEngine final : public CliEngine {
  public:
    PodmanEngine(EngineConfig config, std::shared_ptr<process::CommandRunner> runner)
        : CliEngine(std::move(config), std::move(runner),
                    {"PATH", "HOME", "TMPDIR", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "CONTAINERS_CONF",
                     "CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF", "CONTAINER_HOST", "CONTAINER_CONNECTION"})
    {
    }

    const char* name() const noexcept override { return "podman"; }

  protected:
    // podman takes the runtime and its flags as global options, and applies --runtime-flag
    // only to the invocation it is given to: every command that may call runsc (start,
    // kill, rm) needs network=none again, or runsc refuses to start the sandbox.
    std::vector<std::string> global_options() const override
    {
        std::vector<std::string> options = {"--runtime=" + config().oci_runtime};
        if (uses_runsc())
            options.push_back("--runtime-flag=network=none");
        return options;
    }

    // podman copies the host's *_proxy variables into every container unless told not to,
    // and with --read-only mounts writable /run, /var/tmp and /dev/shm of no set size.
    std::vector<std::string> create_options() const override
    {
        return {"--http-proxy=false", "--read-only-tmpfs=false"};
    }

    void verify_runtime() override
    {
        const std::string& runtime = config().oci_runtime;
        try {
            process::find_program(runtime, {{"PATH", podman_runtime_dirs}});
        } catch (const Error& e) {
            throw Error(ErrorKind::unavailable, "OCI runtime \"" + runtime + "\" is not available to podman (" +
                                                    e.what() +
                                                    "); install it, sbx never falls back to another runtime");
        }
    }
};

} // namespace

std::unique_ptr<Engine> make_podman_engine(EngineConfig config, std::shared_ptr<process::CommandRunner> runner)
{
    return std::make_unique<PodmanEngine>(std::move(config), std::move(runner));
}

} // namespace sbx::engine
