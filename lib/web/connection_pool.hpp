#pragma once
// The FastCGI connections of one listening socket, shared by sbx-fcgi's worker threads.
// nginx (fastcgi_keep_conn, keepalive N) holds idle connections open between requests;
// a worker blocked reading one of them would be lost to every other client. So a worker
// answers one request and parks the connection here; whichever worker is free next takes
// the first connection that has something to read, old or newly accepted. One epoll set
// with one-shot events: each readable connection wakes exactly one worker.
#include <atomic>
#include <cstddef>

namespace sbx::web {

class ConnectionPool {
  public:
    /// Takes over `listen_fd` (a listening socket; made non-blocking). At most
    /// `max_parked` idle connections are kept; one parked past that is closed.
    explicit ConnectionPool(int listen_fd, std::size_t max_parked = 1000);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    /// Blocks until a connection has something to read (a request, or its peer's hang-up,
    /// which the reader finds out) and hands it over; -1 once stopped.
    int next();
    /// Gives back a connection that stays open, idle, for its next request.
    void park(int fd);
    /// Wakes every waiting worker with -1 and stops accepting; idempotent.
    void stop();

    std::size_t parked() const noexcept { return parked_; }

  private:
    void watch(int fd);

    int listen_fd_;
    int epoll_fd_ = -1;
    int stop_fd_ = -1; // an eventfd, level-triggered: once set, it wakes everyone
    std::size_t max_parked_;
    std::atomic<std::size_t> parked_{0};
    std::atomic<bool> stopped_{false};
};

} // namespace sbx::web
