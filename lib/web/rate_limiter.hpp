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
#include <vector>

namespace sbx::web {

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    /// Records an event for `key` when fewer than `per_minute` happened in the last minute
    /// and returns nullopt; otherwise records nothing and returns how long until one may.
    std::optional<std::chrono::seconds> take(const std::string& key, std::uint32_t per_minute,
                                             Clock::time_point now = Clock::now());
    /// Like take for several keys at once: records in all of them, or in none when any is
    /// full. A login reserves its attempt this way before the slow password check, so that
    /// guesses racing each other cannot all get past the check.
    std::optional<std::chrono::seconds> take_all(const std::vector<std::string>& keys, std::uint32_t per_minute,
                                                 Clock::time_point now = Clock::now());
    /// Forgets the newest event of `key` (an attempt that turned out not to count).
    void give_back(const std::string& key);
    void clear(const std::string& key);

  private:
    std::deque<Clock::time_point>& window(const std::string& key, Clock::time_point now);

    std::mutex mutex_;
    std::map<std::string, std::deque<Clock::time_point>> windows_;
    Clock::time_point last_sweep_{};
};

} // namespace sbx::web
