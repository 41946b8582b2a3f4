#include "init/inherited_env.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sbx::init {
namespace {

std::string_view name_of(std::string_view entry)
{
    return entry.substr(0, entry.find('='));
}

} // namespace

std::vector<std::string> inherited_environment(std::string_view base, const std::vector<std::string>& own)
{
    std::vector<std::string> env;
    auto set = [&](std::string_view entry) {
        if (entry.find('=') == std::string_view::npos)
            return; // not a variable
        for (auto& existing : env)
            if (name_of(existing) == name_of(entry)) {
                existing = entry;
                return;
            }
        env.emplace_back(entry);
    };
    while (!base.empty()) {
        std::size_t end = base.find('\0');
        set(base.substr(0, end));
        base.remove_prefix(end == std::string_view::npos ? base.size() : end + 1);
    }
    for (const auto& entry : own)
        set(entry);
    return env;
}

std::string read_whole(const char* path)
{
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error(std::string(path) + ": " + std::strerror(errno));
    std::string data;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int error = errno;
            ::close(fd);
            throw std::runtime_error(std::string(path) + ": " + std::strerror(error));
        }
        if (n == 0)
            break;
        data.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return data;
}

} // namespace sbx::init
