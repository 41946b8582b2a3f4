#include "engine/sandbox_cgroup.hpp"

#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "engine/engine.hpp"

namespace sbx::engine {
namespace {

namespace fs = std::filesystem;

// Where the figures are read; the engine creates the parent in every controller.
constexpr const char* controllers[] = {"memory", "cpuacct"};

// Every v1 hierarchy under root (the cgroup2 "unified" one excepted).
std::vector<fs::path> hierarchies(const fs::path& root)
{
    std::vector<fs::path> found;
    std::error_code ec;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename() != "unified" && fs::exists(it->path() / "tasks", ec))
            found.push_back(it->path());
    return found;
}

std::optional<std::int64_t> read_number(const fs::path& file)
{
    std::ifstream in(file);
    std::string text;
    if (!(in >> text))
        return std::nullopt;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{})
        return std::nullopt;
    return value;
}

// Deepest first: rmdir only works on a cgroup without children or tasks.
bool remove_tree(const fs::path& dir)
{
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec))
            remove_tree(it->path());
    return ::rmdir(dir.c_str()) == 0 || errno == ENOENT;
}

// The processes of cgroup `top` and of every cgroup below it; with `spare_monitor`, not
// those of podman's "conmon" cgroup.
std::set<pid_t> processes_of(const fs::path& top, bool spare_monitor)
{
    std::set<pid_t> found;
    std::error_code ec;
    auto read = [&](const fs::path& dir) {
        std::ifstream procs(dir / "cgroup.procs");
        for (pid_t pid; procs >> pid;)
            if (pid > 1)
                found.insert(pid);
    };
    if (!fs::is_directory(top, ec))
        return found;
    read(top);
    for (fs::recursive_directory_iterator it(top, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_directory(ec))
            continue;
        if (spare_monitor && it->path().filename() == "conmon") {
            it.disable_recursion_pending();
            continue;
        }
        read(it->path());
    }
    return found;
}

} // namespace

std::string run_cgroup_name(std::int64_t run_id)
{
    return "run-" + std::to_string(run_id);
}

std::set<pid_t> SandboxCgroup::processes() const
{
    return processes_of(root_ / "memory" / parent_.substr(1), true);
}

std::size_t SandboxCgroup::kill_processes() const
{
    std::size_t killed = 0;
    for (pid_t pid : processes())
        if (::kill(pid, SIGKILL) == 0)
            ++killed;
    return killed;
}

std::size_t SandboxCgroup::sandbox_processes() const
{
    return processes().size();
}

std::optional<SandboxCgroup> SandboxCgroup::create(const std::string& instance, std::int64_t run_id,
                                                   const fs::path& root)
{
    return create(instance, run_cgroup_name(run_id), root);
}

std::optional<SandboxCgroup> SandboxCgroup::create(const std::string& instance, const std::string& name,
                                                   const fs::path& root)
{
    std::string parent = "/sbx-" + instance + "/" + name;
    for (const char* controller : controllers) {
        std::error_code ec;
        if (!fs::exists(root / controller / "tasks", ec))
            return std::nullopt;
        fs::create_directories(root / controller / parent.substr(1), ec);
        if (ec) {
            SandboxCgroup partial(root, parent); // its destructor removes what was made
            return std::nullopt;
        }
    }
    return SandboxCgroup(root, parent);
}

std::optional<SandboxCgroup> SandboxCgroup::open(const std::string& instance, const std::string& name,
                                                 const fs::path& root)
{
    const std::string parent = "/sbx-" + instance + "/" + name;
    for (const auto& hierarchy : hierarchies(root)) {
        std::error_code ec;
        if (fs::is_directory(hierarchy / parent.substr(1), ec))
            return SandboxCgroup(root, parent);
    }
    return std::nullopt;
}

SandboxCgroup::SandboxCgroup(SandboxCgroup&& other) noexcept
    : root_(std::move(other.root_)), parent_(std::move(other.parent_)), owned_(other.owned_),
      cpu_baseline_ns_(other.cpu_baseline_ns_)
{
    other.parent_.clear();
}

SandboxCgroup::~SandboxCgroup()
{
    if (parent_.empty() || !owned_)
        return;
    // The engine's monitor (podman's conmon) may still be leaving its cgroup; what is
    // left after a short wait is gc's to remove.
    for (int attempt = 0; attempt < 10; ++attempt) {
        bool gone = true;
        for (const auto& hierarchy : hierarchies(root_))
            gone = remove_tree(hierarchy / parent_.substr(1)) && gone;
        if (gone)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

namespace {

// The cgroups KIND-N of instance that `ended` says are over, in every hierarchy, by N.
std::map<std::int64_t, std::vector<fs::path>> stale_dirs(const std::string& instance, const std::string& kind,
                                                         const std::function<bool(std::int64_t)>& ended,
                                                         const fs::path& root)
{
    const std::string prefix = kind + "-";
    std::map<std::int64_t, std::vector<fs::path>> dirs_of_run;
    for (const auto& hierarchy : hierarchies(root)) {
        std::error_code ec;
        fs::path base = hierarchy / ("sbx-" + instance);
        for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
            std::string name = it->path().filename().string();
            std::int64_t id = 0;
            if (!name.starts_with(prefix) ||
                std::from_chars(name.data() + prefix.size(), name.data() + name.size(), id).ec != std::errc{} ||
                !ended(id))
                continue;
            dirs_of_run[id].push_back(it->path());
        }
    }
    return dirs_of_run;
}

} // namespace

std::map<std::int64_t, std::size_t> SandboxCgroup::kill_stale(const std::string& instance, const std::string& kind,
                                                              const std::function<bool(std::int64_t)>& ended,
                                                              bool dry_run, const fs::path& root)
{
    std::map<std::int64_t, std::size_t> killed;
    for (const auto& [id, dirs] : stale_dirs(instance, kind, ended, root)) {
        // A process may fork meanwhile: look again until none is left.
        std::set<pid_t> signalled;
        for (int round = 0; round < 100; ++round) {
            std::set<pid_t> left;
            for (const auto& dir : dirs)
                left.merge(processes_of(dir, true));
            if (left.empty() || dry_run) {
                signalled.merge(left);
                break;
            }
            for (pid_t pid : left)
                if (::kill(pid, SIGKILL) == 0)
                    signalled.insert(pid);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!signalled.empty())
            killed[id] = signalled.size();
    }
    return killed;
}

std::vector<std::string> SandboxCgroup::remove_stale(const std::string& instance, const std::string& kind,
                                                     const std::function<bool(std::int64_t)>& ended, bool dry_run,
                                                     const fs::path& root)
{
    std::vector<fs::path> left;
    for (const auto& [id, dirs] : stale_dirs(instance, kind, ended, root))
        left.insert(left.end(), dirs.begin(), dirs.end());
    std::vector<std::string> removed;
    // A monitor leaves its cgroup a moment after the sandbox it watched has died.
    for (int round = 0; round < 20 && !left.empty(); ++round) {
        if (round > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::erase_if(left, [&](const fs::path& dir) {
            if (!dry_run && !remove_tree(dir))
                return false;
            removed.push_back(dir.string());
            return true;
        });
    }
    return removed;
}

void SandboxCgroup::start_counting()
{
    cpu_baseline_ns_ = read_number(root_ / "cpuacct" / parent_.substr(1) / "cpuacct.usage").value_or(0);
    // Writing 0 sets the peak to the usage now (cgroup v1).
    std::ofstream(root_ / "memory" / parent_.substr(1) / "memory.max_usage_in_bytes") << 0;
}

ResourceUsage SandboxCgroup::usage() const
{
    ResourceUsage usage;
    if (auto ns = read_number(root_ / "cpuacct" / parent_.substr(1) / "cpuacct.usage"))
        usage.cpu_ms = std::max<std::int64_t>(0, *ns - cpu_baseline_ns_) / 1'000'000;
    usage.peak_memory_bytes = read_number(root_ / "memory" / parent_.substr(1) / "memory.max_usage_in_bytes");
    return usage;
}

std::optional<std::int64_t> SandboxCgroup::host_tasks() const
{
    return read_number(root_ / "pids" / parent_.substr(1) / "pids.current");
}

bool SandboxCgroup::near_task_backstop(std::uint32_t nproc) const
{
    // Under gVisor's ptrace platform a program that keeps forking grows host threads
    // without end (about 700 a second here) while fork() inside already fails at nproc:
    // a quarter below the backstop leaves some seconds before the crash.
    auto tasks = host_tasks();
    return tasks && *tasks >= std::int64_t{runsc_pids_backstop(nproc)} * 3 / 4;
}

} // namespace sbx::engine
