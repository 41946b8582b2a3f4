#pragma once
// The quota a user is held to: the config's [quotas] with the user's own overrides.
#include "config/settings.hpp"
#include "runner/run_service.hpp"
#include "store/user_store.hpp"

namespace sbx::account {

config::Quotas effective_quota(const config::Quotas& defaults, const store::QuotaOverrides& own);

/// What a run of this user waits for or is refused by.
runner::RunQuota run_quota(const config::Quotas& quota);

} // namespace sbx::account
