#include "engine/sandbox_etc.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "error.hpp"

namespace sbx::engine {

namespace {

namespace fs = std::filesystem;

struct EtcFile {
    const char* name;
    const char* target;
    const char* content;
    bool for_preload = false; ///< only in sandboxes that have sbx-preload.so
};

// An empty resolv.conf leaves the C library asking 127.0.0.1, which has nothing to say.
constexpr EtcFile etc_files[] = {
    {"resolv.conf", "/etc/resolv.conf", "# sbx: the sandbox has no network, so no name servers\n"},
    {"hosts", "/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"},
    {"ld.so.preload", "/etc/ld.so.preload", "/sbx/preload.so\n", true},
};
constexpr std::string_view preload_list = etc_files[2].content;
static_assert(preload_list.substr(0, preload_list.size() - 1) == preload_target && preload_list.ends_with('\n'),
              "the sandbox's ld.so.preload names preload_target");

bool has_content(const fs::path& path, const std::string& content)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::string found((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return found == content;
}

[[noreturn]] void fail(const fs::path& path, const std::string& what)
{
    throw Error(ErrorKind::unavailable, path.string() + ": cannot " + what + ": " + std::strerror(errno));
}

void write_file(const fs::path& path, const std::string& content)
{
    fs::path aside = path;
    aside += ".new-" + std::to_string(::getpid());
    ::unlink(aside.c_str());
    int fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        fail(aside, "create");
    // The umask must not take the sandbox's user's read access away.
    bool written =
        ::fchmod(fd, 0644) == 0 && ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    if (::close(fd) != 0 || !written) {
        ::unlink(aside.c_str());
        fail(aside, "write");
    }
    if (::rename(aside.c_str(), path.c_str()) != 0) {
        ::unlink(aside.c_str());
        fail(path, "replace");
    }
}

} // namespace

std::vector<BindMount> sandbox_etc_binds(const fs::path& dir, bool preload)
{
    std::vector<BindMount> binds;
    for (const auto& file : etc_files)
        if (preload || !file.for_preload)
            binds.push_back({dir / file.name, file.target, true});
    return binds;
}

bool is_sandbox_etc_target(const std::string& target)
{
    return std::any_of(std::begin(etc_files), std::end(etc_files),
                       [&](const EtcFile& file) { return target == file.target; });
}

void write_sandbox_etc(const fs::path& dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw Error(ErrorKind::unavailable, dir.string() + ": cannot create: " + ec.message());
    for (const auto& file : etc_files)
        if (!has_content(dir / file.name, file.content))
            write_file(dir / file.name, file.content);
}

} // namespace sbx::engine
