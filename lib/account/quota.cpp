#include "account/quota.hpp"

namespace sbx::account {

config::Quotas effective_quota(const config::Quotas& defaults, const store::QuotaOverrides& own)
{
    config::Quotas q = defaults;
    q.max_concurrent_runs = own.max_concurrent_runs.value_or(q.max_concurrent_runs);
    q.max_memory = own.max_memory.value_or(q.max_memory);
    q.max_cpus = own.max_cpus.value_or(q.max_cpus);
    q.max_storage = own.max_storage.value_or(q.max_storage);
    q.runs_per_hour = own.runs_per_hour.value_or(q.runs_per_hour);
    return q;
}

RunQuota run_quota(const config::Quotas& quota)
{
    return {{quota.max_concurrent_runs, static_cast<std::int64_t>(quota.max_memory), quota.max_cpus},
            quota.runs_per_hour,
            quota.when_busy == "refuse"};
}

} // namespace sbx::account
