#include "web/rate_limiter.hpp"

namespace sbx::web {
namespace {

constexpr std::chrono::seconds window_length{60};

std::chrono::seconds until_free(const std::deque<RateLimiter::Clock::time_point>& events,
                                RateLimiter::Clock::time_point now)
{
    auto wait = std::chrono::ceil<std::chrono::seconds>(events.front() + window_length - now);
    return std::max(wait, std::chrono::seconds(1));
}

} // namespace

std::deque<RateLimiter::Clock::time_point>& RateLimiter::window(const std::string& key, Clock::time_point now)
{
    // Forget idle keys now and then, so that many clients do not grow the map forever.
    if (now - last_sweep_ > window_length) {
        for (auto it = windows_.begin(); it != windows_.end();)
            it = (it->second.empty() || now - it->second.back() > window_length) ? windows_.erase(it) : std::next(it);
        last_sweep_ = now;
    }
    auto& events = windows_[key];
    while (!events.empty() && now - events.front() >= window_length)
        events.pop_front();
    return events;
}

std::optional<std::chrono::seconds> RateLimiter::take(const std::string& key, std::uint32_t per_minute,
                                                      Clock::time_point now)
{
    std::lock_guard lock(mutex_);
    auto& events = window(key, now);
    if (events.size() >= per_minute)
        return until_free(events, now);
    events.push_back(now);
    return std::nullopt;
}

std::optional<std::chrono::seconds> RateLimiter::take_all(const std::vector<std::string>& keys,
                                                          std::uint32_t per_minute, Clock::time_point now)
{
    std::lock_guard lock(mutex_);
    for (const auto& key : keys)
        if (auto& events = window(key, now); events.size() >= per_minute)
            return until_free(events, now);
    for (const auto& key : keys)
        windows_[key].push_back(now);
    return std::nullopt;
}

void RateLimiter::give_back(const std::string& key)
{
    std::lock_guard lock(mutex_);
    if (auto it = windows_.find(key); it != windows_.end() && !it->second.empty())
        it->second.pop_back();
}

void RateLimiter::clear(const std::string& key)
{
    std::lock_guard lock(mutex_);
    windows_.erase(key);
}

} // namespace sbx::web
