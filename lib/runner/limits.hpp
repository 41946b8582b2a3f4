#pragma once
// The limits a run gets: the runtime's (defaults with its overrides), changed by what the
// request asks for, never beyond the admin's caps.

#include "config/runtime_catalog.hpp"
#include "config/settings.hpp"

namespace sbx::runner {

/// What a user asked for: the same shape as a runtime's own overrides; unset fields keep
/// the runtime's limit.
using LimitRequest = config::LimitOverrides;

/// Throws Error(usage) naming the field and the cap when a request exceeds a cap or is not
/// positive.
config::Limits resolve_limits(const config::Limits& runtime, const config::Limits& caps, const LimitRequest& request);

} // namespace sbx::runner
