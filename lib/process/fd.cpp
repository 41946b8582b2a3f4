#include "process/fd.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "error.hpp"

namespace sbx::process {

namespace {

[[noreturn]] void fail(const std::string& what)
{
    throw Error(ErrorKind::internal, what + ": " + std::strerror(errno));
}

} // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept
{
    if (this != &other)
        reset(other.release());
    return *this;
}

int UniqueFd::release() noexcept
{
    int fd = fd_;
    fd_ = -1;
    return fd;
}

void UniqueFd::reset(int fd) noexcept
{
    // Linux releases the descriptor even when close() reports EINTR, so never retry.
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = fd;
}

Pipe make_pipe()
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        fail("pipe2");
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void set_nonblocking(int fd)
{
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        fail("fcntl(O_NONBLOCK)");
}

ReadResult read_some(int fd, std::string& into)
{
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<std::size_t>(n));
            return ReadResult::data;
        }
        if (n == 0)
            return ReadResult::eof;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return ReadResult::would_block;
        fail("read");
    }
}

} // namespace sbx::process
