#include "engine/runsc_exec.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>

#include "error.hpp"

namespace sbx::engine {

namespace {

constexpr std::string_view deleted_suffix = " (deleted)";

std::vector<std::string> split_nul(std::string_view text)
{
    std::vector<std::string> parts;
    std::size_t begin = 0;
    while (begin < text.size()) {
        auto end = text.find('\0', begin);
        if (end == std::string_view::npos)
            end = text.size();
        parts.emplace_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return parts;
}

// The value of Go flag `name` at args[i] ("--root=X", "-root=X"; "--root", "-root" with X next).
std::optional<std::string> flag_value(const std::vector<std::string>& args, std::size_t& i, std::string_view name)
{
    std::string_view arg = args[i];
    if (arg.starts_with("--"))
        arg.remove_prefix(2);
    else if (arg.starts_with("-"))
        arg.remove_prefix(1);
    else
        return std::nullopt;
    if (!arg.starts_with(name))
        return std::nullopt;
    arg.remove_prefix(name.size());
    if (arg.starts_with("="))
        return std::string(arg.substr(1));
    if (!arg.empty() || i + 1 >= args.size())
        return std::nullopt;
    return args[++i];
}

std::uint32_t id_number(std::string_view text, const std::string& user)
{
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        throw Error(ErrorKind::usage, "exec: user \"" + user + "\" is not numeric UID:GID", "user");
    return value;
}

void check_no_nul(const std::string& text, const char* field)
{
    if (text.find('\0') != std::string::npos)
        throw Error(ErrorKind::usage, std::string("exec: the ") + field + " contains a NUL byte", field);
}

} // namespace

RunscSandboxProcess parse_runsc_sandbox(std::string_view cmdline, const std::filesystem::path& exe)
{
    std::vector<std::string> args = split_nul(cmdline);
    if (args.empty())
        throw Error(ErrorKind::unavailable, "the sandbox process has no command line (it has ended)");
    // runsc starts its sandbox process from /proc/self/exe, naming it "runsc-sandbox";
    // older releases kept runsc's own path as argv[0].
    std::filesystem::path argv0 = args[0];
    std::string program = argv0.filename().string();
    auto boot = std::find(args.begin() + 1, args.end(), "boot");
    if ((program != "runsc-sandbox" && program != "runsc") || boot == args.end() || boot + 1 == args.end())
        throw Error(ErrorKind::unavailable, "the sandbox process is not runsc's (\"" + args[0] +
                                                " ...\"): is the sandbox running under gVisor?");

    RunscSandboxProcess found;
    found.sandbox_id = args.back();
    std::string binary = exe.string();
    if (binary.ends_with(deleted_suffix))
        throw Error(ErrorKind::unavailable, "runsc (" + binary.substr(0, binary.size() - deleted_suffix.size()) +
                                                ") has been replaced since the sandbox started: a new runsc may not "
                                                "speak to it; start a new sandbox");
    if (binary.empty() && argv0.is_absolute() && program == "runsc")
        binary = argv0.string();
    if (binary.empty())
        throw Error(ErrorKind::unavailable, "cannot tell which runsc binary runs the sandbox");
    found.runsc = binary;

    const std::size_t globals = static_cast<std::size_t>(boot - args.begin());
    for (std::size_t i = 1; i < globals; ++i)
        if (auto value = flag_value(args, i, "root"); value && i < globals)
            found.root = *value;
    if (found.root.empty())
        throw Error(ErrorKind::unavailable,
                    "runsc's sandbox process names no --root: cannot reach the sandbox with runsc exec");
    if (!found.root.is_absolute())
        throw Error(ErrorKind::unavailable,
                    "runsc's sandbox process has a relative --root (" + found.root.string() + "): cannot reach it");
    return found;
}

RunscSandboxProcess read_runsc_sandbox(int pid)
{
    if (pid <= 0)
        throw Error(ErrorKind::unavailable, "the sandbox has no process (it is not running)");
    const std::filesystem::path proc = "/proc/" + std::to_string(pid);
    std::ifstream in(proc / "cmdline", std::ios::binary);
    if (!in)
        throw Error(ErrorKind::unavailable, "the sandbox's process " + std::to_string(pid) + " is gone");
    std::string cmdline{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink(proc / "exe", ec);
    return parse_runsc_sandbox(cmdline, ec ? std::filesystem::path() : exe);
}

bool is_alive(const SandboxHandle& handle)
{
    try {
        RunscSandboxProcess process = read_runsc_sandbox(handle.sandbox_pid);
        return process.sandbox_id == handle.container_id && process.root == handle.runsc_root;
    } catch (const Error&) {
        return false;
    }
}

std::string exec_process_json(const ExecSpec& spec)
{
    if (spec.argv.empty())
        throw Error(ErrorKind::usage, "exec needs a command", "argv");
    for (const auto& arg : spec.argv)
        check_no_nul(arg, "argv");
    check_no_nul(spec.user, "user");
    check_no_nul(spec.cwd, "cwd");
    if (spec.cwd.empty() || spec.cwd.front() != '/')
        throw Error(ErrorKind::usage, "exec: the working directory \"" + spec.cwd + "\" is not absolute", "cwd");
    auto colon = spec.user.find(':');
    if (colon == std::string::npos)
        throw Error(ErrorKind::usage, "exec: user \"" + spec.user + "\" is not numeric UID:GID", "user");
    std::uint32_t uid = id_number(std::string_view(spec.user).substr(0, colon), spec.user);
    std::uint32_t gid = id_number(std::string_view(spec.user).substr(colon + 1), spec.user);

    nlohmann::json env = nlohmann::json::array();
    for (const auto& [key, value] : spec.env) {
        check_no_nul(key, "env");
        check_no_nul(value, "env");
        if (key.empty() || key.find('=') != std::string::npos)
            throw Error(ErrorKind::usage, "exec: \"" + key + "\" is not an environment variable name", "env");
        env.push_back(key + "=" + value);
    }
    const nlohmann::json none = nlohmann::json::array();
    nlohmann::json process = {
        {"terminal", false},
        {"user", {{"uid", uid}, {"gid", gid}}},
        {"args", spec.argv},
        {"env", env},
        {"cwd", spec.cwd},
        // Spelled out, not left to runsc: a stage never gets more than nothing.
        {"capabilities",
         {{"bounding", none}, {"effective", none}, {"inheritable", none}, {"permitted", none}, {"ambient", none}}},
        {"noNewPrivileges", true},
    };
    try {
        return process.dump();
    } catch (const nlohmann::json::type_error&) {
        // runsc would read such bytes back as U+FFFD: refused, not silently changed.
        throw Error(ErrorKind::usage, "exec: an argument or env value is not valid UTF-8, which runsc's process "
                                      "spec (JSON) cannot carry");
    }
}

std::vector<std::string> runsc_exec_argv(const SandboxHandle& handle, const std::filesystem::path& process_file)
{
    return {handle.runsc.string(), "--root",           handle.runsc_root.string(), "exec", "--process",
            process_file.string(), handle.container_id};
}

} // namespace sbx::engine
