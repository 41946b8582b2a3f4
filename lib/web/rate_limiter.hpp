#pragma once
// Sliding one-minute windows per key, in memory: requests per client, runs per user,
// failed logins per account and per client. Kept in the one sbx-fcgi process.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sbx::web {

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    /// Records an event for `key` when fewer than `per_minute` happened in the last minute
    /// and returns nullopt; otherwise records nothing and returns how long until one may.
    std::optional<std::chrono::seconds> take(const std::string& key, std::uint32_t per_minute,
                                             Clock::time_point now = Clock::now());
    /// How long until `key` is below `per_minute` again, without recording anything.
    std::optional<std::chrono::seconds> blocked(const std::string& key, std::uint32_t per_minute,
                                                Clock::time_point now = Clock::now());
    /// Records an event without checking (a failed login).
    void record(const std::string& key, Clock::time_point now = Clock::now());
    void clear(const std::string& key);

  private:
    std::deque<Clock::time_point>& window(const std::string& key, Clock::time_point now);

    std::mutex mutex_;
    std::map<std::string, std::deque<Clock::time_point>> windows_;
    Clock::time_point last_sweep_{};
};

} // namespace sbx::web
