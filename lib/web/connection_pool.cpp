#include "web/connection_pool.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "error.hpp"

namespace sbx::web {
namespace {

[[noreturn]] void fail(const std::string& what)
{
    throw Error(ErrorKind::unavailable, what + ": " + std::strerror(errno));
}

// A connection's event carries its fd; the listening socket's and the stop event's carry
// tags past any fd.
constexpr std::uint64_t listen_tag = 1ULL << 32;
constexpr std::uint64_t stop_tag = 2ULL << 32;

} // namespace

ConnectionPool::ConnectionPool(int listen_fd, std::size_t max_parked) : listen_fd_(listen_fd), max_parked_(max_parked)
{
    int flags = ::fcntl(listen_fd_, F_GETFL);
    if (flags < 0 || ::fcntl(listen_fd_, F_SETFL, flags | O_NONBLOCK) < 0 ||
        ::fcntl(listen_fd_, F_SETFD, FD_CLOEXEC) < 0)
        fail("cannot set up the listening socket");
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_fd_ < 0 || stop_fd_ < 0)
        fail("cannot make an epoll set");
    epoll_event stop_event{EPOLLIN, {.u64 = stop_tag}};
    // One-shot: a new connection wakes one worker, which accepts it and re-arms.
    epoll_event listen_event{EPOLLIN | EPOLLONESHOT, {.u64 = listen_tag}};
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, stop_fd_, &stop_event) < 0 ||
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event) < 0)
        fail("cannot watch the listening socket");
}

ConnectionPool::~ConnectionPool()
{
    // Parked connections are closed with the process; nginx reconnects to the next one.
    ::close(epoll_fd_);
    ::close(stop_fd_);
}

int ConnectionPool::next()
{
    for (;;) {
        if (stopped_)
            return -1;
        epoll_event event{};
        int n = ::epoll_wait(epoll_fd_, &event, 1, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("epoll_wait");
        }
        if (n == 0 || event.data.u64 == stop_tag)
            continue;
        if (event.data.u64 == listen_tag) {
            sockaddr_storage peer{};
            socklen_t length = sizeof peer;
            int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
            int accept_errno = errno;
            epoll_event rearm{EPOLLIN | EPOLLONESHOT, {.u64 = listen_tag}};
            if (!stopped_ && ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &rearm) < 0)
                fail("cannot watch the listening socket");
            if (fd < 0) {
                // A shut-down socket ends serving; EAGAIN: another worker took it. Out of
                // fds, the connection waits in the backlog while workers close theirs.
                if (accept_errno == EINVAL)
                    stop();
                else if (accept_errno == EMFILE || accept_errno == ENFILE)
                    ::usleep(10'000);
                continue;
            }
            if (peer.ss_family == AF_INET || peer.ss_family == AF_INET6) {
                int on = 1;
                ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on); // latency only
            }
            // Handed over once it has something to read: a client that connects and says
            // nothing must not hold a worker.
            watch(fd);
            continue;
        }
        --parked_;
        return static_cast<int>(event.data.u64 & 0xffffffffU);
    }
}

void ConnectionPool::park(int fd)
{
    if (stopped_ || parked_ >= max_parked_) {
        ::close(fd);
        return;
    }
    watch(fd);
}

void ConnectionPool::watch(int fd)
{
    epoll_event event{EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, {.u64 = static_cast<std::uint32_t>(fd)}};
    // A connection handed out before is still in the set, disarmed; a new one is not.
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) < 0 &&
        (errno != ENOENT || ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) < 0)) {
        ::close(fd);
        return; // the client reconnects; the server goes on
    }
    ++parked_;
}

void ConnectionPool::stop()
{
    if (stopped_.exchange(true))
        return;
    std::uint64_t one = 1;
    if (::write(stop_fd_, &one, sizeof one) < 0)
        fail("cannot wake the workers");
}

} // namespace sbx::web
