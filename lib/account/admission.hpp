#pragma once
// The quota rules on a user's runs, decided here and written by lib/store inside one
// transaction, so that what was counted still holds when the decision commits.
#include <cstdint>

#include "store/run_store.hpp"

namespace sbx::account {

/// What one user's admitted runs may add up to.
struct Admission {
    std::uint32_t max_runs = 0;
    std::int64_t max_memory_bytes = 0;
    double max_cpus = 0;
};

enum class AdmitResult { admitted, wait, ended };

/// Throws Error(limit, field "runs_per_hour") when `started` runs in the last hour reach `per_hour`.
void check_runs_per_hour(std::int64_t started, std::uint32_t per_hour);

/// Throws Error(limit, field "max_concurrent_runs") when `going` runs reach `max_runs`.
void check_concurrent(std::int64_t going, std::uint32_t max_runs);

/// True when a run of `memory_bytes` and `cpus` fits beside what `used` holds.
bool fits(const store::AdmittedUsage& used, std::int64_t memory_bytes, double cpus, const Admission& admission);

/// Admits queued run `id` when it fits beside its user's other admitted unfinished runs.
/// Counted and marked in one transaction, so concurrent supervisors never overcommit.
AdmitResult admit(store::RunStore& runs, std::int64_t id, const Admission& admission);

} // namespace sbx::account
