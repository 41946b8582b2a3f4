#pragma once
// The FastCGI connections of one listening socket, shared by sbx-fcgi's worker threads.
// nginx (fastcgi_keep_conn, keepalive N) holds idle connections open between requests;
// a worker blocked reading one of them would be lost to every other client. So a worker
// answers one request and parks the connection here; whichever worker is free next takes
// the first connection that has something to read, old or newly accepted.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace sbx::web {

class ConnectionPool {
  public:
    /// Takes over `listen_fd` (a listening socket; made non-blocking). At most
    /// `max_parked` idle connections are kept; past that the oldest is closed.
    explicit ConnectionPool(int listen_fd, std::size_t max_parked = 1000);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    /// Blocks until a connection has a request to read (or has been closed by its peer,
    /// which the reader finds out) and hands it over; -1 once stopped.
    int next();
    /// Gives back a connection that stays open, idle, for its next request.
    void park(int fd);
    /// Wakes every waiting worker with -1 and stops accepting; idempotent.
    void stop();

    std::size_t parked() const;

  private:
    void poll_once(std::unique_lock<std::mutex>& lock);
    void accept_all();
    void wake();

    int listen_fd_;
    int wake_[2] = {-1, -1};
    std::size_t max_parked_;
    mutable std::mutex mutex_;
    std::condition_variable ready_changed_;
    std::deque<int> ready_; // connections with something to read, oldest first
    std::deque<int> idle_;  // parked connections, oldest first
    bool polling_ = false;  // one waiting worker polls for all of them
    bool stopped_ = false;
    bool accept_backoff_ = false; // out of fds: wait a little before accepting again
};

} // namespace sbx::web
