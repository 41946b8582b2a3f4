#include "runner/run_cgroup.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>

namespace sbx::runner {
namespace {

namespace fs = std::filesystem;

constexpr const char* controllers[] = {"memory", "cpuacct"};

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
void remove_tree(const fs::path& dir)
{
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec))
            remove_tree(it->path());
    ::rmdir(dir.c_str());
}

} // namespace

std::optional<RunCgroup> RunCgroup::create(const std::string& instance, std::int64_t run_id, const fs::path& root)
{
    std::string parent = "/sbx-" + instance + "/run-" + std::to_string(run_id);
    for (const char* controller : controllers) {
        std::error_code ec;
        if (!fs::exists(root / controller / "tasks", ec))
            return std::nullopt;
        fs::create_directories(root / controller / parent.substr(1), ec);
        if (ec) {
            RunCgroup partial(root, parent); // its destructor removes what was made
            return std::nullopt;
        }
    }
    return RunCgroup(root, parent);
}

RunCgroup::RunCgroup(RunCgroup&& other) noexcept : root_(std::move(other.root_)), parent_(std::move(other.parent_))
{
    other.parent_.clear();
}

RunCgroup::~RunCgroup()
{
    if (parent_.empty())
        return;
    for (const char* controller : controllers)
        remove_tree(root_ / controller / parent_.substr(1));
}

ResourceUsage RunCgroup::usage() const
{
    ResourceUsage usage;
    if (auto ns = read_number(root_ / "cpuacct" / parent_.substr(1) / "cpuacct.usage"))
        usage.cpu_ms = *ns / 1'000'000;
    usage.peak_memory_bytes = read_number(root_ / "memory" / parent_.substr(1) / "memory.max_usage_in_bytes");
    return usage;
}

} // namespace sbx::runner
