#include "engine/cli_engine.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <unistd.h>

#include "engine/inspect.hpp"
#include "engine/runsc_exec.hpp"
#include "engine/sandbox_etc.hpp"
#include "engine/spec_check.hpp"
#include "engine/spec_pipe.hpp"
#include "error.hpp"

namespace sbx::engine {

namespace {

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string trimmed(std::string_view text)
{
    auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos)
        return {};
    auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

std::string last_line(const std::string& text)
{
    std::string all = trimmed(text);
    auto newline = all.find_last_of('\n');
    return newline == std::string::npos ? all : trimmed(all.substr(newline + 1));
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> result;
    std::size_t begin = 0;
    while (begin < text.size()) {
        auto end = text.find('\n', begin);
        std::string line = trimmed(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
        if (!line.empty())
            result.push_back(line);
        if (end == std::string::npos)
            break;
        begin = end + 1;
    }
    return result;
}

// True when an engine's error message says the container or image does not exist.
bool says_missing(const std::string& message)
{
    std::string text = lower(message);
    return text.find("no such") != std::string::npos || text.find("not known") != std::string::npos ||
           text.find("no container with name or id") != std::string::npos;
}

bool says_not_running(const std::string& message)
{
    std::string text = lower(message);
    return text.find("not running") != std::string::npos || text.find("state improper") != std::string::npos;
}

std::string shortest(double value)
{
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, end);
}

} // namespace

CliEngine::CliEngine(EngineConfig config, std::shared_ptr<process::CommandRunner> runner,
                     const std::vector<std::string>& passed_variables)
    : config_(std::move(config)), runner_(std::move(runner))
{
    for (const auto& name : passed_variables)
        if (const char* value = std::getenv(name.c_str()))
            environment_[name] = value;
}

bool CliEngine::uses_runsc() const
{
    return std::filesystem::path(config_.oci_runtime).filename() == "runsc";
}

process::Command CliEngine::command(const std::vector<std::string>& args) const
{
    process::Command cmd;
    cmd.argv.push_back(config_.binary.empty() ? config_.engine : config_.binary.string());
    for (auto& option : global_options())
        cmd.argv.push_back(std::move(option));
    cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
    cmd.env = environment_;
    cmd.cwd = config_.work_dir;
    return cmd;
}

process::Captured CliEngine::run(const std::vector<std::string>& args)
{
    return runner_->run(command(args));
}

process::Captured CliEngine::run_checked(const std::vector<std::string>& args)
{
    process::Captured result = run(args);
    if (!result.status.success()) {
        std::string detail = trimmed(result.err.empty() ? result.out : result.err);
        auto kind = says_missing(detail) ? ErrorKind::not_found : ErrorKind::unavailable;
        throw Error(kind, std::string(name()) + " " + args.front() + " failed (" + result.status.describe() +
                              "): " + detail.substr(0, 1000));
    }
    return result;
}

void CliEngine::check_runtime()
{
    verify_runtime();
    runtime_checked_ = true;
}

std::vector<std::string> CliEngine::create_argv(const SandboxSpec& spec) const
{
    check_spec(spec, uses_runsc());
    const auto& limits = spec.limits;
    std::vector<std::string> argv = {
        "create",
        "--pull=never",
        "--name=" + spec.name,
        "--label=" + std::string(instance_label) + "=" + config_.instance,
    };
    // A pooled sandbox belongs to no run until one claims it; gc tells them apart by this.
    if (!spec.run_id.empty())
        argv.push_back("--label=" + std::string(run_label) + "=" + spec.run_id);
    for (const auto& [key, value] : spec.labels)
        argv.push_back("--label=" + key + "=" + value);
    for (auto& option : create_options())
        argv.push_back(std::move(option));
    // Output is read through the attached pipes and capped by sbx; an engine log of it
    // would be an uncapped copy on the host's disk.
    argv.insert(argv.end(), {"--network=none", "--read-only", "--cap-drop=all", "--security-opt=no-new-privileges",
                             "--log-driver=none"});
    argv.push_back("--user=" + spec.user);
    argv.push_back("--workdir=" + spec.workdir);
    argv.push_back("--memory=" + std::to_string(limits.memory_bytes));
    argv.push_back("--memory-swap=" + std::to_string(limits.memory_bytes));
    argv.push_back("--cpus=" + shortest(limits.cpus));
    argv.push_back("--pids-limit=" + std::to_string(limits.pids));
    argv.push_back("--ulimit=nofile=" + std::to_string(limits.nofile) + ":" + std::to_string(limits.nofile));
    argv.push_back("--ulimit=nproc=" + std::to_string(limits.nproc) + ":" + std::to_string(limits.nproc));
    // Both engines' defaults differ (docker: noexec), so exec is always spelled out.
    for (const auto& mount : spec.tmpfs)
        if (mount.host_dir.empty())
            argv.push_back("--tmpfs=" + mount.target + ":rw," + (mount.exec ? "exec" : "noexec") +
                           ",nosuid,nodev,size=" + std::to_string(mount.size_bytes));
        else // mounted nosuid, nodev and exec by sbx
            argv.push_back("--mount=type=bind,source=" + mount.host_dir.string() + ",target=" + mount.target);
    std::vector<BindMount> binds = spec.binds;
    const bool preload =
        std::any_of(binds.begin(), binds.end(), [](const BindMount& b) { return b.target == preload_target; });
    for (auto& bind : sandbox_etc_binds(etc_dir(), preload))
        binds.push_back(std::move(bind));
    for (const auto& bind : binds)
        argv.push_back("--mount=type=bind,source=" + bind.source.string() + ",target=" + bind.target +
                       (bind.read_only ? ",readonly" : ""));
    // Always NAME=VALUE: a bare NAME would copy the variable from the engine's environment.
    for (const auto& [key, value] : spec.env)
        argv.push_back("--env=" + key + "=" + value);
    if (!spec.cgroup_parent.empty())
        argv.push_back("--cgroup-parent=" + spec.cgroup_parent);
    if (spec.stdin_attached)
        argv.push_back("--interactive");
    argv.push_back(spec.image);
    argv.insert(argv.end(), spec.argv.begin(), spec.argv.end());
    // A NUL would silently cut an argument short on its way to exec.
    for (const auto& arg : argv)
        if (arg.find('\0') != std::string::npos)
            throw Error(ErrorKind::usage, "sandbox spec: a value contains a NUL byte", "spec");
    return argv;
}

std::filesystem::path CliEngine::etc_dir() const
{
    return config_.work_dir / "sandbox-etc";
}

const std::filesystem::path& CliEngine::work_dir() const
{
    if (config_.work_dir.empty() || !config_.work_dir.is_absolute())
        throw Error(ErrorKind::config, "the engine needs an absolute work dir (sbx's run dir) to keep the "
                                       "sandboxes' /etc/resolv.conf and /etc/hosts and runsc exec's process specs in");
    return config_.work_dir;
}

void CliEngine::prepare_etc()
{
    if (etc_written_)
        return;
    // Without a place of sbx's own for them the sandbox would get the engine's files.
    work_dir();
    write_sandbox_etc(etc_dir());
    etc_written_ = true;
}

std::string CliEngine::create(const SandboxSpec& spec)
{
    std::vector<std::string> argv = create_argv(spec);
    prepare_etc();
    if (!runtime_checked_)
        check_runtime();
    return last_line(run_checked(argv).out);
}

void CliEngine::start(const std::string& id)
{
    run_checked({"start", id});
}

process::Child CliEngine::start_attached(const std::string& id, int stdin_fd)
{
    std::vector<std::string> args = {"start", "--attach"};
    if (stdin_fd >= 0)
        args.push_back("--interactive");
    args.push_back(id);
    return runner_->start(command(args), stdin_fd);
}

process::Child CliEngine::run_attached(const SandboxSpec& spec, int stdin_fd)
{
    std::vector<std::string> argv = create_argv(spec);
    prepare_etc();
    argv.front() = "run";
    // Removed by the engine as it exits, so a one-stage run costs one CLI call.
    argv.insert(argv.begin() + 1, "--rm");
    return runner_->start(command(argv), stdin_fd);
}

process::Child CliEngine::exec_attached(const std::string& id, const std::vector<std::string>& argv, int stdin_fd)
{
    if (argv.empty())
        throw Error(ErrorKind::usage, "exec needs a command", "argv");
    std::vector<std::string> args = {"exec"};
    if (stdin_fd >= 0)
        args.push_back("--interactive");
    args.push_back(id);
    args.insert(args.end(), argv.begin(), argv.end());
    for (const auto& arg : args)
        if (arg.find('\0') != std::string::npos)
            throw Error(ErrorKind::usage, "exec: an argument contains a NUL byte", "argv");
    return runner_->start(command(args), stdin_fd);
}

SandboxHandle CliEngine::handle(const std::string& name)
{
    ContainerInfo info = inspect(name);
    if (info.state != ContainerState::running || info.pid <= 0)
        throw Error(ErrorKind::unavailable,
                    "sandbox \"" + name + "\" is " + state_name(info.state) + ", not running: nothing to exec into");
    RunscSandboxProcess process;
    try {
        process = read_runsc_sandbox(info.pid);
    } catch (const Error& e) {
        throw Error(ErrorKind::unavailable, "sandbox \"" + name + "\" (runtime \"" + info.runtime +
                                                "\") cannot be reached with runsc exec: " + e.what());
    }
    // podman and docker give runsc the container's own id: another means the pid is not its.
    if (process.sandbox_id != info.id)
        throw Error(ErrorKind::unavailable, "sandbox \"" + name + "\": process " + std::to_string(info.pid) +
                                                " runs runsc sandbox " + process.sandbox_id + ", not " + info.id);
    std::error_code ec;
    if (!std::filesystem::is_directory(process.root, ec))
        throw Error(ErrorKind::unavailable,
                    "sandbox \"" + name + "\": runsc's root " + process.root.string() + " is not a directory here");
    return {info.name, info.id, info.pid, process.runsc, process.root};
}

process::Child CliEngine::exec_attached(const SandboxHandle& handle, const ExecSpec& spec, int stdin_fd)
{
    std::string json = exec_process_json(spec);
    if (handle.container_id.empty() || handle.runsc.empty() || handle.runsc_root.empty())
        throw Error(ErrorKind::usage, "exec: the sandbox handle is empty", "handle");
    SpecPipe pipe(work_dir() / "exec");
    process::Command cmd;
    cmd.argv = runsc_exec_argv(handle, pipe.path());
    cmd.env = environment_;
    cmd.cwd = config_.work_dir;
    process::Child child = runner_->start(cmd, stdin_fd);
    // runsc reads the spec first thing; one that fails before says why on its stderr.
    pipe.hand_over(json, child, std::chrono::seconds(30));
    return child;
}

int CliEngine::wait(const std::string& id)
{
    std::string out = last_line(run_checked({"wait", id}).out);
    int code = 0;
    auto [end, ec] = std::from_chars(out.data(), out.data() + out.size(), code);
    if (ec != std::errc() || end != out.data() + out.size())
        throw Error(ErrorKind::unavailable, std::string(name()) + " wait printed \"" + out + "\", not an exit code");
    return code;
}

bool CliEngine::kill(const std::string& id, int signal)
{
    process::Captured result = run({"kill", "--signal=" + std::to_string(signal), id});
    if (result.status.success())
        return true;
    if (says_missing(result.err) || says_not_running(result.err))
        return false;
    throw Error(ErrorKind::unavailable, std::string(name()) + " kill failed: " + trimmed(result.err));
}

void CliEngine::remove(const std::string& id, bool force)
{
    std::vector<std::string> args = {"rm"};
    if (force)
        args.push_back("--force");
    args.insert(args.end(), {"--volumes", id});
    process::Captured result = run(args);
    if (result.status.success() || says_missing(result.err))
        return;
    auto kind =
        !force && lower(result.err).find("running") != std::string::npos ? ErrorKind::conflict : ErrorKind::unavailable;
    throw Error(kind, std::string(name()) + " rm failed: " + trimmed(result.err));
}

process::Child CliEngine::start_remove(const std::string& id)
{
    process::Child child = runner_->start(command({"rm", "--force", "--volumes", id}), -1);
    // The CLI writes only once the daemon has answered: its pipes closed here cannot cut
    // the removal short.
    child.take_stdout();
    child.take_stderr();
    return child;
}

ContainerInfo CliEngine::inspect(const std::string& id)
{
    std::vector<ContainerInfo> found = parse_inspect(run_checked({"container", "inspect", id}).out);
    if (found.size() != 1)
        throw Error(ErrorKind::not_found, "no sandbox \"" + id + "\"");
    return found.front();
}

std::vector<ContainerInfo> CliEngine::list(const Labels& labels)
{
    Labels wanted = labels;
    wanted[instance_label] = config_.instance;
    std::vector<std::string> args = {"ps", "--all", "--quiet", "--no-trunc"};
    for (const auto& [key, value] : wanted)
        args.push_back("--filter=label=" + key + "=" + value);
    std::vector<std::string> ids = lines(run_checked(args).out);
    if (ids.empty())
        return {};
    std::vector<std::string> inspect_args = {"container", "inspect"};
    inspect_args.insert(inspect_args.end(), ids.begin(), ids.end());
    // A sandbox removed since `ps` makes inspect fail, yet it still prints the others.
    process::Captured result = run(inspect_args);
    if (!result.status.success() && !says_missing(result.err))
        throw Error(ErrorKind::unavailable, std::string(name()) + " container inspect failed: " + trimmed(result.err));
    std::vector<ContainerInfo> found = parse_inspect(result.out);
    std::erase_if(found, [&](const ContainerInfo& info) {
        return std::any_of(wanted.begin(), wanted.end(), [&](const auto& label) {
            auto it = info.labels.find(label.first);
            return it == info.labels.end() || it->second != label.second;
        });
    });
    return found;
}

bool CliEngine::image_exists(const std::string& ref)
{
    process::Captured result = run({"image", "inspect", "--format={{.Id}}", ref});
    if (result.status.success())
        return true;
    if (says_missing(result.err))
        return false;
    throw Error(ErrorKind::unavailable, std::string(name()) + " image inspect failed: " + trimmed(result.err));
}

std::string CliEngine::image_id(const std::string& ref)
{
    return last_line(run_checked({"image", "inspect", "--format={{.Id}}", ref}).out);
}

std::string CliEngine::image_import(const std::filesystem::path& tarball, const std::string& ref)
{
    if (::access(tarball.c_str(), R_OK) != 0)
        throw Error(ErrorKind::not_found, "cannot read image tarball " + tarball.string());
    if (ref.empty() || ref.front() == '-')
        throw Error(ErrorKind::usage, "\"" + ref + "\" is not an image reference");
    return last_line(run_checked({"import", tarball.string(), ref}).out);
}

} // namespace sbx::engine
