#pragma once
// A run's side of the pool: take a ready pooled sandbox that fits the run, put the run's
// files in it, and give it up when the run is over. A sandbox serves one run, ever.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "pool/pooled_sandbox.hpp"

namespace sbx::pool {

struct Claimed {
    store::SandboxRecord sandbox;
    engine::SandboxHandle handle;
};

/// A claim's answer: the sandbox, or why the run goes cold (also recorded on the run):
/// "off" (no pool for this runtime or engine), "limits" (the run asked for limits that
/// shape the sandbox, other than the runtime's defaults), "empty" (none ready), "dead" (the ready ones had died).
struct ClaimResult {
    std::optional<Claimed> claimed;
    std::string miss;
};

/// Claims a ready pooled sandbox for run `run_id` of `runtime` under `limits`. A sandbox
/// found dead is marked spent (for the keeper to remove) and the next one tried.
ClaimResult claim_sandbox(PoolContext& pool, const config::Runtime& runtime, const config::Limits& limits,
                          std::int64_t run_id);

/// Links the run's files (what is in `run_src`) into the claimed sandbox's src/, which it
/// mounts where sbx-init seeds /work from. Both are under the run dir. Throws
/// Error(unavailable); `run_src` is left as it was.
void hand_over_files(const config::Settings& settings, const store::SandboxRecord& sandbox,
                     const std::filesystem::path& run_src);

/// Ends a claimed sandbox's use: its removal is started (not awaited) and its row made
/// spent, so the keeper, or else gc, removes the rest.
void release_sandbox(PoolContext& pool, const store::SandboxRecord& sandbox);

} // namespace sbx::pool
