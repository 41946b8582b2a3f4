#pragma once
// The keeper: one long-lived process per host that keeps every runtime's pool full. It
// refills as soon as a run claims a sandbox, removes what runs gave up, and now and then
// what went stale or died. While it is down runs go cold; none fails for it.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "pool/pooled_sandbox.hpp"
#include "pool/staleness.hpp"
#include "runner/garbage_collector.hpp"
#include "runner/host_slots.hpp"

namespace sbx::pool {

/// Takes the keeper's lock (and writes its pid beside it); throws Error(conflict) naming
/// the keeper that holds it.
runner::SlotLease lock_keeper(const config::Settings& settings);

/// The pid of the running keeper, if one runs.
std::optional<int> running_keeper(const config::Settings& settings);

class Keeper {
  public:
    /// `log` receives one line per thing done or failed.
    Keeper(PoolContext& pool, int pid, std::function<void(const std::string&)> log);

    /// What an earlier keeper left: adopted when still of use, else removed.
    void adopt();
    /// One pass: removes what runs gave up, now and then what is stale, and makes one
    /// sandbox for the runtime that lacks most. True when it did something, so the next
    /// pass should follow at once.
    bool step();
    /// adopt(), then step() until `stop` is set, looking again every `poll` when idle.
    void run(const std::atomic<bool>& stop, std::chrono::milliseconds poll = std::chrono::milliseconds{100});

  private:
    void collect();

    PoolContext& pool_;
    int pid_;
    std::function<void(const std::string&)> log_;
    std::chrono::steady_clock::time_point next_collect_{};
    int collects_ = 0;
    CurrentPool current_; ///< the pool as configured, read at the last collect()
    /// A runtime whose sandbox could not be made is not tried again before this.
    std::map<std::string, std::chrono::steady_clock::time_point> backoff_;
    std::set<std::int64_t> unremovable_; ///< spent sandboxes whose removal failed, once said
};

/// Spends and removes every idle pooled sandbox (ready ones; starting ones too when no
/// keeper runs); returns what was removed.
std::vector<runner::GcAction> drain_pool(PoolContext& pool);

} // namespace sbx::pool
