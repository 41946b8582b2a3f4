#include "runner/snapshot_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"
#include "runner/run_disk.hpp"

namespace sbx::runner {
namespace {

namespace fs = std::filesystem;

void write_new_file(const fs::path& path, std::string_view content, mode_t mode)
{
    // O_EXCL|O_NOFOLLOW: never write through something that is already there.
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        throw Error(errno == EEXIST ? ErrorKind::usage : ErrorKind::unavailable,
                    path.string() + ": cannot create: " + std::strerror(errno));
    while (!content.empty()) {
        ssize_t n = write(fd, content.data(), content.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int error = errno;
            close(fd);
            throw Error(ErrorKind::unavailable, path.string() + ": cannot write: " + std::strerror(error));
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    if (close(fd) != 0)
        throw Error(ErrorKind::unavailable, path.string() + ": cannot write: " + std::strerror(errno));
}

void make_dir(const fs::path& path, mode_t mode)
{
    if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
        throw Error(ErrorKind::unavailable, path.string() + ": cannot create directory: " + std::strerror(errno));
    // Readable by the sandbox's user whatever the umask.
    chmod(path.c_str(), mode);
}

} // namespace

void check_relative_path(const std::string& name, const common::PathLimits& limits)
{
    std::string normal = common::normalize_path(name, limits);
    if (normal != name)
        throw Error(ErrorKind::usage,
                    "file name " + common::quote_path(name) + " is not in normal form (" + common::quote_path(normal) +
                        ")",
                    "path");
}

fs::path SnapshotDir::path_for(const fs::path& run_dir, std::int64_t run_id)
{
    return run_dir / "runs" / std::to_string(run_id);
}

SnapshotDir::SnapshotDir(const fs::path& run_dir, std::int64_t run_id) : root_(path_for(run_dir, run_id))
{
    std::error_code ec;
    fs::create_directories(run_dir / "runs", ec);
    if (ec)
        throw Error(ErrorKind::unavailable, (run_dir / "runs").string() + ": cannot create: " + ec.message());
    make_dir(root_, 0755);
    make_dir(src(), 0755);
}

void SnapshotDir::add_file(const std::string& name, std::string_view content)
{
    // Generous: what a run may hold was checked against the config before this.
    check_relative_path(name, {.max_length = 4096, .max_depth = 64, .max_segment = 255});
    fs::path dir = src();
    fs::path relative(name);
    for (const auto& part : relative.parent_path()) {
        dir /= part;
        make_dir(dir, 0755);
    }
    write_new_file(src() / relative, content, 0644);
}

void SnapshotDir::set_stdin(std::string_view content)
{
    write_new_file(stdin_file(), content, 0644);
}

void remove_snapshot(const fs::path& root)
{
    unmount_below(root); // a run's disk, left by a supervisor that died
    std::error_code ec;
    fs::remove_all(root, ec); // removes symlinks themselves, never what they point to
    if (ec)
        throw Error(ErrorKind::unavailable, root.string() + ": cannot remove: " + ec.message());
}

} // namespace sbx::runner
