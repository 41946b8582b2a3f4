#pragma once
// /metrics in Prometheus text format. HTTP counts are this process's; run figures come
// from the database at scrape time, so they cover every supervisor and survive restarts.
#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "config/settings.hpp"
#include "store/database.hpp"

namespace sbx::web {

class Metrics {
  public:
    void count_request(const std::string& route, int status);
    void count_login_failure() { ++login_failures_; }
    /// `settings` name the engine and OCI runtime new sandboxes get.
    std::string render(store::Database& db, const config::Settings& settings);

  private:
    std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    std::atomic<std::uint64_t> login_failures_{0};
};

} // namespace sbx::web
