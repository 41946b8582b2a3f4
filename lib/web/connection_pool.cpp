#include "web/connection_pool.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "error.hpp"

namespace sbx::web {
namespace {

[[noreturn]] void fail(const std::string& what)
{
    throw Error(ErrorKind::unavailable, what + ": " + std::strerror(errno));
}

} // namespace

ConnectionPool::ConnectionPool(int listen_fd, std::size_t max_parked) : listen_fd_(listen_fd), max_parked_(max_parked)
{
    int flags = ::fcntl(listen_fd_, F_GETFL);
    if (flags < 0 || ::fcntl(listen_fd_, F_SETFL, flags | O_NONBLOCK) < 0 ||
        ::fcntl(listen_fd_, F_SETFD, FD_CLOEXEC) < 0)
        fail("cannot set up the listening socket");
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) < 0)
        fail("cannot make a pipe");
}

ConnectionPool::~ConnectionPool()
{
    for (int fd : ready_)
        ::close(fd);
    for (int fd : idle_)
        ::close(fd);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

int ConnectionPool::next()
{
    std::unique_lock lock(mutex_);
    for (;;) {
        if (stopped_)
            return -1;
        if (!ready_.empty()) {
            int fd = ready_.front();
            ready_.pop_front();
            return fd;
        }
        if (polling_)
            ready_changed_.wait(lock);
        else
            poll_once(lock);
    }
}

void ConnectionPool::poll_once(std::unique_lock<std::mutex>& lock)
{
    polling_ = true;
    // While accepting is backed off, the listening socket sits out one short poll.
    std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {accept_backoff_ ? -1 : listen_fd_, POLLIN, 0}};
    for (int fd : idle_)
        fds.push_back({fd, POLLIN, 0});
    const int timeout_ms = accept_backoff_ ? 50 : -1;
    accept_backoff_ = false;
    lock.unlock();
    int polled = ::poll(fds.data(), fds.size(), timeout_ms);
    int poll_errno = errno;
    lock.lock();
    polling_ = false;
    if (polled < 0 && poll_errno != EINTR) {
        errno = poll_errno;
        stopped_ = true;
        ready_changed_.notify_all();
        fail("poll");
    }
    char drained[64];
    while (::read(wake_[0], drained, sizeof drained) > 0) {
    }
    for (std::size_t i = 2; polled > 0 && i < fds.size(); ++i)
        if (fds[i].revents) {
            // The connection may have been dropped as the oldest meanwhile.
            auto it = std::find(idle_.begin(), idle_.end(), fds[i].fd);
            if (it != idle_.end()) {
                idle_.erase(it);
                ready_.push_back(fds[i].fd);
            }
        }
    if (polled > 0 && fds[1].revents)
        accept_all();
    ready_changed_.notify_all();
}

void ConnectionPool::accept_all()
{
    for (;;) {
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            // A shut-down socket ends serving. EMFILE and the like: the connection stays in
            // the backlog while the workers answer, and close, what they hold.
            if (errno == EINVAL)
                stopped_ = true;
            else
                accept_backoff_ = true;
            return;
        }
        if (peer.ss_family == AF_INET || peer.ss_family == AF_INET6) {
            int on = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on); // latency only
        }
        ready_.push_back(fd);
    }
}

void ConnectionPool::park(int fd)
{
    std::lock_guard lock(mutex_);
    if (stopped_) {
        ::close(fd);
        return;
    }
    idle_.push_back(fd);
    if (idle_.size() > max_parked_) {
        ::close(idle_.front());
        idle_.pop_front();
    }
    wake();
}

void ConnectionPool::stop()
{
    std::lock_guard lock(mutex_);
    stopped_ = true;
    wake();
    ready_changed_.notify_all();
}

std::size_t ConnectionPool::parked() const
{
    std::lock_guard lock(mutex_);
    return idle_.size();
}

void ConnectionPool::wake()
{
    // Under mutex_. A full pipe already wakes the poller.
    if (polling_ && ::write(wake_[1], "x", 1) < 0 && errno != EAGAIN)
        fail("cannot wake the poller");
}

} // namespace sbx::web
