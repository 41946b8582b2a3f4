#pragma once
// Pooled sandboxes as rows: made ahead by the keeper (starting, then ready), taken by one
// run (claimed), then thrown away (spent, then removed). Every change of state is one
// conditional UPDATE: true means the caller made it, and owns the next step.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace sbx::store {

enum class SandboxState { starting, ready, claimed, spent };

/// "starting", "ready", "claimed" or "spent".
const char* sandbox_state_name(SandboxState state) noexcept;
/// Throws Error(usage) naming the valid states.
SandboxState parse_sandbox_state(std::string_view name);

struct SandboxRecord {
    std::int64_t id = 0;
    std::string name; ///< the engine's container name: a prefix and the id
    std::string runtime;
    std::string spec_key; ///< a claim matches it exactly: sandboxes of another key are not interchangeable
    std::string image_id;
    std::string engine;
    std::string oci_runtime;
    SandboxState state = SandboxState::starting;
    std::string container_id; ///< the engine's full ID; empty until ready
    std::string exec_root;    ///< the OCI runtime's --root for a direct exec; empty: not known
    std::string exec_binary;  ///< the OCI runtime's binary for a direct exec; empty: not known
    std::optional<int> sandbox_pid;
    std::optional<int> keeper_pid;      ///< the keeper that started it
    std::optional<std::int64_t> run_id; ///< the run that claimed it; none once that run is deleted
    std::string created_at;             ///< ISO 8601 UTC
    std::string ready_at;               ///< empty until ready
    std::string claimed_at;             ///< empty until claimed
};

/// A runtime's pool figures since the database was made, for /metrics.
struct PoolCounter {
    std::string runtime;
    std::int64_t claims = 0;
    std::int64_t misses = 0;
};

class SandboxStore {
  public:
    explicit SandboxStore(Database& db) : db_(db) {}

    /// A new row in state starting, named `name_prefix` followed by its id (which is never
    /// used twice, even after the row is removed); returns the id.
    std::int64_t insert_starting(const std::string& name_prefix, const std::string& runtime,
                                 const std::string& spec_key, const std::string& image_id, const std::string& engine,
                                 const std::string& oci_runtime, int keeper_pid);
    /// starting → ready, with what a direct exec needs. False when the row is not starting.
    bool mark_ready(std::int64_t id, const std::string& container_id, const std::string& exec_root,
                    const std::string& exec_binary, int sandbox_pid);
    /// Takes the oldest ready sandbox of this runtime, spec key and engine for `run_id`:
    /// ready → claimed, the run marked pooled and the runtime's claims counted, in one
    /// transaction. Of any number of claimers, in threads or processes, one gets each row;
    /// nullopt when none is ready, and nothing counted: the caller records that with record_miss.
    std::optional<SandboxRecord> claim(const std::string& runtime, const std::string& spec_key,
                                       const std::string& engine, std::int64_t run_id);
    /// Records on run `run_id` why it did not run pooled ("off", "limits", "empty", "dead"),
    /// and with `count` counts it among `runtime`'s misses, in one transaction.
    void record_miss(const std::string& runtime, std::int64_t run_id, const std::string& why, bool count);
    /// `from` → spent. False when the row is not in state `from` (or `from` is spent).
    bool mark_spent(std::int64_t id, SandboxState from);
    /// Deletes a spent row, once its container and files are gone. False when the row is
    /// not spent (or not there): mark it spent first, so no claim can take it meanwhile.
    bool remove(std::int64_t id);

    std::optional<SandboxRecord> find(std::int64_t id);
    /// Throws Error(not_found).
    SandboxRecord get(std::int64_t id);
    /// Oldest first; all states when `state` is none.
    std::vector<SandboxRecord> list(std::optional<SandboxState> state = std::nullopt);
    /// One per runtime that was ever claimed or missed, by runtime name.
    std::vector<PoolCounter> counters();
    /// Runs that ran pooled since `since` (ISO 8601 UTC), per runtime.
    std::map<std::string, std::int64_t> pooled_runs_since(const std::string& since);

  private:
    Database& db_;
};

} // namespace sbx::store
