#pragma once
// The quota a user is held to: the config's [quotas] with the user's own overrides.
#include "account/admission.hpp"
#include "config/settings.hpp"
#include "store/run_store.hpp"
#include "store/user_store.hpp"

namespace sbx::account {

config::Quotas effective_quota(const config::Quotas& defaults, const store::QuotaOverrides& own);

/// What the user a run belongs to may use.
struct RunQuota {
    Admission admission;
    std::uint32_t runs_per_hour = 0;
    bool refuse_when_busy = false; ///< false: a run beyond max_runs waits as queued
};

/// What a run of this user waits for or is refused by.
RunQuota run_quota(const config::Quotas& quota);

} // namespace sbx::account
