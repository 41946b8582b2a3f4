#pragma once
// The pool's part of `sbx gc`, also what the keeper does when it starts and now and then:
// whatever no run or keeper can still use goes, and after any crash nothing leaks.
#include <vector>

#include "pool/pooled_sandbox.hpp"
#include "pool/staleness.hpp"
#include "runner/garbage_collector.hpp"

namespace sbx::pool {

/// Spends what is of no use (claimed by a run that ended, starting with no keeper making
/// it, idle but dead or stale), then removes every spent sandbox, and every container,
/// directory and cgroup of the pool that has no row. `keeper_pid` is the calling keeper's
/// (its own starting sandboxes are in the making), 0 for gc, which then takes starting
/// ones as orphans only while no keeper runs. With `dry_run` it only says what it would do.
/// `check_images`: ask the engine whether each pooled runtime's image was rebuilt.
std::vector<runner::GcAction> collect_pool_garbage(PoolContext& pool, bool dry_run, int keeper_pid = 0,
                                                   bool check_images = true);
/// The same against `current`, the pool as configured now, read by the caller.
std::vector<runner::GcAction> collect_pool_garbage(PoolContext& pool, const CurrentPool& current, bool dry_run,
                                                   int keeper_pid);

/// The keeper's lock, run_dir/pool/keeper.lock: held by the keeper for its life.
std::filesystem::path keeper_lock_path(const config::Settings& settings);

/// True while a keeper holds its lock.
bool keeper_running(const config::Settings& settings);

} // namespace sbx::pool
