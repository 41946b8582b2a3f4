#include "runner/run_disk.hpp"

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "error.hpp"

namespace sbx::runner {
namespace {

namespace fs = std::filesystem;

// The user every sandbox runs as (engine::SandboxSpec::user).
constexpr unsigned sandbox_uid = 10000;
constexpr std::uint64_t bytes_per_file = 4096;
constexpr std::uint64_t least_files = 1024;

// /proc/self/mountinfo escapes space, tab, newline and backslash in paths as \ooo.
std::string unescape(const std::string& field)
{
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            out.push_back(static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8)));
            i += 3;
        } else {
            out.push_back(field[i]);
        }
    }
    return out;
}

} // namespace

std::uint64_t RunDisk::files_for(std::uint64_t size_bytes)
{
    return std::max(least_files, size_bytes / bytes_per_file);
}

RunDisk::RunDisk(const std::vector<fs::path>& targets, std::uint64_t size_bytes)
{
    for (const auto& target : targets) {
        std::error_code ec;
        fs::create_directories(target, ec);
        bool tmp = target.filename() == "tmp"; // /tmp is 1777, as everywhere
        std::string options = "size=" + std::to_string(size_bytes) +
                              ",nr_inodes=" + std::to_string(files_for(size_bytes)) +
                              ",uid=" + std::to_string(sandbox_uid) + ",gid=" + std::to_string(sandbox_uid) +
                              ",mode=" + (tmp ? "1777" : "0755");
        if (ec || ::mount("tmpfs", target.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
            std::string why = ec ? ec.message() : std::strerror(errno);
            release();
            throw Error(ErrorKind::unavailable, "cannot mount the run's disk at " + target.string() + ": " + why +
                                                    " (sbx runs sandboxes as root)");
        }
        mounted_.push_back(target);
    }
}

RunDisk::~RunDisk()
{
    release();
}

void RunDisk::release() noexcept
{
    for (auto it = mounted_.rbegin(); it != mounted_.rend(); ++it)
        ::umount2(it->c_str(), MNT_DETACH);
    mounted_.clear();
}

void unmount_below(const fs::path& dir)
{
    std::error_code ec;
    fs::path top = fs::weakly_canonical(dir, ec);
    if (ec)
        return;
    std::vector<std::string> found;
    std::ifstream mountinfo("/proc/self/mountinfo");
    for (std::string line; std::getline(mountinfo, line);) {
        std::istringstream fields(line);
        std::string id, parent, device, root, point;
        fields >> id >> parent >> device >> root >> point;
        point = unescape(point);
        std::string prefix = top.string() + "/";
        if (point == top.string() || point.starts_with(prefix))
            found.push_back(point);
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& point : found)
        ::umount2(point.c_str(), MNT_DETACH);
}

} // namespace sbx::runner
