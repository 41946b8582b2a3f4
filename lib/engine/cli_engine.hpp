#pragma once
// What podman and docker share: both are driven through a CLI that takes the same
// arguments for nearly everything. A driver adds its global options, its extra create
// options and its way of telling whether the OCI runtime is there.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace sbx::engine {

class CliEngine : public Engine {
  public:
    /// The CLI runs with only `passed_variables` of sbx's environment (those set), so
    /// nothing else (a proxy setting, say) can reach the engine or through it a sandbox.
    CliEngine(EngineConfig config, std::shared_ptr<process::CommandRunner> runner,
              const std::vector<std::string>& passed_variables);

    void check_runtime() override;
    std::string create(const SandboxSpec& spec) override;
    void start(const std::string& id) override;
    process::Child start_attached(const std::string& id, int stdin_fd) override;
    process::Child run_attached(const SandboxSpec& spec, int stdin_fd) override;
    process::Child exec_attached(const std::string& id, const std::vector<std::string>& argv, int stdin_fd) override;
    SandboxHandle handle(const std::string& name) override;
    process::Child exec_attached(const SandboxHandle& handle, const ExecSpec& spec, int stdin_fd) override;
    int wait(const std::string& id) override;
    bool kill(const std::string& id, int signal) override;
    void remove(const std::string& id, bool force) override;
    process::Child start_remove(const std::string& id) override;
    ContainerInfo inspect(const std::string& id) override;
    std::vector<ContainerInfo> list(const Labels& labels) override;
    bool image_exists(const std::string& ref) override;
    std::string image_id(const std::string& ref) override;
    std::string image_import(const std::filesystem::path& tarball, const std::string& ref) override;

  protected:
    /// Options placed before the subcommand of every invocation.
    virtual std::vector<std::string> global_options() const = 0;
    /// Options `create` needs beyond the shared ones.
    virtual std::vector<std::string> create_options() const = 0;
    /// Throws Error(unavailable) unless the configured OCI runtime can be used.
    virtual void verify_runtime() = 0;

    bool uses_runsc() const;
    const EngineConfig& config() const noexcept { return config_; }
    /// Runs the engine CLI with `args` after the global options.
    process::Captured run(const std::vector<std::string>& args);
    /// As run(), but throws Error(unavailable) (not_found when the engine says a thing is
    /// missing) unless the command succeeds.
    process::Captured run_checked(const std::vector<std::string>& args);

  private:
    process::Command command(const std::vector<std::string>& args) const;
    std::vector<std::string> create_argv(const SandboxSpec& spec) const;
    /// Where the sandboxes' fixed /etc files are kept: sandbox-etc/ in the work dir.
    std::filesystem::path etc_dir() const;
    /// Writes those files once per engine; throws Error(config) without a work dir.
    void prepare_etc();
    /// The work dir; throws Error(config) unless there is an absolute one.
    const std::filesystem::path& work_dir() const;

    EngineConfig config_;
    std::shared_ptr<process::CommandRunner> runner_;
    process::Environment environment_;
    std::atomic<bool> runtime_checked_{false};
    std::atomic<bool> etc_written_{false};
};

std::unique_ptr<Engine> make_podman_engine(EngineConfig config, std::shared_ptr<process::CommandRunner> runner);
std::unique_ptr<Engine> make_docker_engine(EngineConfig config, std::shared_ptr<process::CommandRunner> runner);

} // namespace sbx::engine
