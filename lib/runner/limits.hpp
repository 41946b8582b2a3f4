#pragma once
// The limits a run gets: the runtime's (defaults with its overrides), changed by what the
// request asks for, never beyond the admin's caps.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/settings.hpp"

namespace sbx::runner {

/// What a user asked for; unset fields keep the runtime's limit.
struct LimitRequest {
    std::optional<std::uint64_t> memory;
    std::optional<double> cpus;
    std::optional<std::uint32_t> pids;
    std::optional<std::chrono::milliseconds> wall_time;
    std::optional<std::chrono::milliseconds> compile_time;
    std::optional<std::uint64_t> output_bytes;
    std::optional<std::uint64_t> disk;
};

/// Throws Error(usage) naming the field and the cap when a request exceeds a cap or is not
/// positive.
config::Limits resolve_limits(const config::Limits& runtime, const config::Limits& caps, const LimitRequest& request);

} // namespace sbx::runner
