#include "account/user_json.hpp"

#include "account/quota.hpp"

namespace sbx::account {

nlohmann::json user_json(const store::UserRecord& user, const config::Quotas& defaults)
{
    auto quota = effective_quota(defaults, user.quota);
    auto own = nlohmann::json::array();
    const auto& q = user.quota;
    if (q.max_concurrent_runs)
        own.push_back("max_concurrent_runs");
    if (q.max_memory)
        own.push_back("max_memory");
    if (q.max_cpus)
        own.push_back("max_cpus");
    if (q.max_storage)
        own.push_back("max_storage");
    if (q.runs_per_hour)
        own.push_back("runs_per_hour");
    return {{"id", user.id},
            {"name", user.name},
            {"admin", user.admin},
            {"disabled", user.disabled},
            {"totp", user.totp_enabled},
            {"created_at", user.created_at},
            {"quota",
             {{"max_concurrent_runs", quota.max_concurrent_runs},
              {"max_memory", quota.max_memory},
              {"max_cpus", quota.max_cpus},
              {"max_storage", quota.max_storage},
              {"runs_per_hour", quota.runs_per_hour},
              {"own", own}}}};
}

} // namespace sbx::account
