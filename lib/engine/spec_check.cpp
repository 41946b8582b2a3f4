#include "engine/spec_check.hpp"

#include <algorithm>
#include <cctype>

#include "engine/sandbox_etc.hpp"
#include "error.hpp"

namespace sbx::engine {

namespace {

[[noreturn]] void bad_spec(const std::string& field, const std::string& message)
{
    throw Error(ErrorKind::usage, "sandbox " + field + ": " + message, field);
}

bool contains_any(const std::string& text, const char* chars)
{
    return text.find_first_of(chars) != std::string::npos;
}

void check_path(const std::string& field, const std::string& path)
{
    if (path.empty() || path.front() != '/')
        bad_spec(field, "\"" + path + "\" is not an absolute path");
    // ',' and '"' would split or quote the engines' --mount and --tmpfs option lists, ':' too in --tmpfs.
    if (contains_any(path, ",:\"\n"))
        bad_spec(field, "\"" + path + "\" contains one of , : \" or a newline");
}

void check_key(const std::string& field, const std::string& key)
{
    if (key.empty() || contains_any(key, "=\n"))
        bad_spec(field, "name \"" + key + "\" is empty or contains '=' or a newline");
}

bool is_root_user(const std::string& user)
{
    std::string name = user.substr(0, user.find(':'));
    return name == "0" || name == "root" || name.empty();
}

} // namespace

void check_spec(const SandboxSpec& spec, bool runsc)
{
    const auto& n = spec.name;
    bool name_ok = !n.empty() && std::isalnum(static_cast<unsigned char>(n[0])) &&
                   std::all_of(n.begin(), n.end(),
                               [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '-'; });
    if (!name_ok)
        bad_spec("name", "\"" + n + "\" must be letters, digits, '_', '.' or '-', starting with a letter or digit");
    // gc tells whose a sandbox is by one of these labels.
    if (spec.run_id.empty() && !spec.labels.count(pool_label))
        bad_spec("run_id", "is empty, and no " + std::string(pool_label) + " label says it is pooled");
    if (spec.image.empty() || spec.image.front() == '-' || contains_any(spec.image, " \t\n"))
        bad_spec("image", "\"" + spec.image + "\" is not an image reference");
    for (const auto& [key, value] : spec.env)
        check_key("env", key);
    for (const auto& [key, value] : spec.labels) {
        check_key("labels", key);
        if (key == instance_label || key == run_label)
            bad_spec("labels", std::string(key) + " is set by sbx itself");
    }
    if (is_root_user(spec.user))
        bad_spec("user", "\"" + spec.user + "\" is root or empty; sandboxes run as an unprivileged user");
    bool has_tmp = false;
    bool workdir_mounted = false;
    for (const auto& mount : spec.tmpfs) {
        check_path("tmpfs", mount.target);
        if (!mount.host_dir.empty())
            check_path("tmpfs", mount.host_dir.string());
        if (mount.size_bytes == 0)
            bad_spec("tmpfs", mount.target + " has no size cap");
        has_tmp = has_tmp || mount.target == "/tmp";
        workdir_mounted = workdir_mounted || mount.target == spec.workdir;
    }
    if (!spec.cgroup_parent.empty())
        check_path("cgroup_parent", spec.cgroup_parent);
    for (const auto& bind : spec.binds) {
        check_path("binds", bind.source.string());
        check_path("binds", bind.target);
        if (is_sandbox_etc_target(bind.target))
            bad_spec("binds", bind.target + " is set by sbx itself (a fixed file of every sandbox)");
        workdir_mounted = workdir_mounted || bind.target == spec.workdir;
    }
    if (!has_tmp)
        bad_spec("tmpfs", "no size-capped /tmp (the sandbox would get an uncapped one)");
    if (!workdir_mounted)
        bad_spec("workdir", "\"" + spec.workdir + "\" is not the target of a tmpfs or bind mount");
    const auto& limits = spec.limits;
    if (limits.memory_bytes == 0 || !(limits.cpus > 0) || limits.pids == 0 || limits.nofile == 0 || limits.nproc == 0)
        bad_spec("limits", "memory, cpus, pids, nofile and nproc must all be set");
    if (runsc && limits.pids < min_runsc_pids)
        bad_spec("limits", "pids limit " + std::to_string(limits.pids) + " is below " + std::to_string(min_runsc_pids) +
                               ", the least gVisor (runsc) works with");
}

} // namespace sbx::engine
