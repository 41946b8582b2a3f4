#pragma once
// Runs and their output, as rows. The life of a run (lib/runner) drives these calls;
// status changes that end a run happen at most once, whoever gets there first.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace sbx::store {

enum class RunStatus { queued, building, running, succeeded, failed, timeout, oom, output_limit, cancelled, error };

/// "queued", ..., "output-limit", ...
const char* status_name(RunStatus status) noexcept;
/// Throws Error(usage) naming the valid statuses.
RunStatus parse_status(std::string_view name);
/// True once a run has ended: it never changes again.
bool is_final(RunStatus status) noexcept;

enum class Stream { out, err, sbx }; ///< sbx: lines sbx itself adds, such as the truncation marker
const char* stream_name(Stream stream) noexcept;

struct RunRecord {
    std::int64_t id = 0;
    std::optional<std::int64_t> project_id;
    std::optional<std::int64_t> user_id; ///< who started it; none for the admin's shell
    std::string runtime;
    std::string engine;
    std::string oci_runtime; ///< what the sandbox runs under, e.g. "runsc"; empty: recorded before sbx kept it
    bool pooled = false;     ///< it ran in a sandbox of the warm pool
    std::string pool_miss;   ///< why it did not: "off", "limits", "empty", "dead"; empty when pooled or not asked
    std::string via = "api"; ///< the API that asked for it: "api" (sbx's own, or the CLI), "piston", "codapi"
    RunStatus status = RunStatus::queued;
    std::string stage;  ///< "compile" or "run" once started
    std::string reason; ///< why it ended as error or cancelled, or what killed it
    std::optional<int> exit_code;
    std::optional<int> signal;
    std::string created_at; ///< ISO 8601 UTC
    std::string started_at;
    std::string finished_at;
    std::optional<std::int64_t> wall_ms;
    std::optional<std::int64_t> cpu_ms;
    std::optional<std::int64_t> peak_memory_bytes;
    std::string limits;  ///< JSON of the limits applied
    std::string request; ///< JSON of what was asked: entry file, args, env names
    std::optional<int> supervisor_pid;
    std::string container;
    std::int64_t output_bytes = 0;
    bool cancel_requested = false;
    std::int64_t memory_bytes = 0; ///< reserved from the user's quota while admitted
    double cpus = 0;
    bool admitted = false; ///< counted against the user's quota (until it ends)
};

/// A file as it was frozen with a run.
struct RunFileRecord {
    std::string path;
    std::string content;
};

struct NewRun {
    std::optional<std::int64_t> project_id;
    std::string runtime;
    std::string engine;
    std::string limits;
    std::string request;
    std::optional<std::int64_t> user_id;
    std::int64_t memory_bytes = 0;
    double cpus = 0;
    bool admitted = true; ///< false: waits for account::admit() before it may start
    std::vector<RunFileRecord> files;
    /// The OCI runtime its sandbox will run under, as configured (e.g. "runsc"); required.
    std::string oci_runtime;
    std::string via = "api"; ///< see RunRecord::via
};

struct CreatedRun {
    std::int64_t id = 0;
};

/// What one user's admitted unfinished runs hold.
struct AdmittedUsage {
    std::int64_t runs = 0;
    std::int64_t memory_bytes = 0;
    double cpus = 0;
};

/// Figures over all runs, for /metrics.
struct RunStats {
    struct Count {
        std::string runtime, engine, oci_runtime, status, via;
        std::int64_t runs = 0;
    };
    std::vector<Count> by_status;
    std::int64_t active = 0; ///< building or running
    std::int64_t queued = 0;
    std::vector<std::int64_t> wall_buckets; ///< finished runs with wall time <= each bound, cumulative
    std::int64_t wall_count = 0;
    double wall_sum_s = 0;
};

/// How a run ended.
struct RunEnd {
    RunStatus status = RunStatus::error;
    std::string reason;
    std::optional<int> exit_code;
    std::optional<int> signal;
    std::optional<std::int64_t> wall_ms;
    std::optional<std::int64_t> cpu_ms;
    std::optional<std::int64_t> peak_memory_bytes;
};

struct OutputLine {
    std::int64_t seq = 0;
    Stream stream = Stream::out;
    std::string data; ///< bytes as written, without the newline; not necessarily UTF-8
    bool eol = true;  ///< false: the line did not end with a newline (final line, or cut)
};

struct RunFilter {
    bool active_only = false; ///< queued, building or running
    std::optional<std::int64_t> project_id;
    std::optional<std::int64_t> user_id;
    std::size_t limit = 100;
};

/// The runs table and what hangs off it. One class in several files: a run's life in
/// run_store.cpp, admission in run_admission.cpp, output in run_output.cpp, figures in
/// run_stats.cpp, retention in run_retention.cpp.
class RunStore {
  public:
    explicit RunStore(Database& db) : db_(db) {}

    /// Runs `body` in one BEGIN IMMEDIATE transaction, committed when it returns and rolled
    /// back when it throws: a caller that decides on counts read inside it (lib/account's
    /// quota, one build per project) decides on what its writes commit beside. Only the
    /// calls marked "in a transaction" may be made inside; the others open their own.
    void in_transaction(const char* what, const std::function<void()>& body);

    /// Inserts a queued run with its files, in a transaction of its own.
    CreatedRun create(const NewRun& run);
    /// As create(), in a transaction: the caller's in_transaction().
    std::int64_t insert(const NewRun& run);
    /// Cancels the unfinished runs of `project_id` by `user_id` other than `except`, in a
    /// transaction; their supervisors kill their sandboxes. Returns their ids.
    std::vector<std::int64_t> supersede(std::int64_t project_id, std::optional<std::int64_t> user_id,
                                        std::int64_t except, const std::string& reason);
    /// The files a run ran, by path.
    std::vector<RunFileRecord> files(std::int64_t id);
    /// Counts by runtime, engine, OCI runtime and status, and the wall-time histogram over `bounds_s`.
    RunStats stats(const std::vector<double>& bounds_s);
    /// Unfinished runs of a user that nobody asked to stop, besides `except`; works in a transaction.
    std::int64_t count_going(std::int64_t user_id, std::int64_t except);
    /// Runs a user started at or after `since`; works in a transaction.
    std::int64_t count_started_since(std::int64_t user_id, std::chrono::system_clock::time_point since);
    /// What the admitted unfinished runs of `user_id` hold; works in a transaction.
    AdmittedUsage admitted_usage(std::optional<std::int64_t> user_id);
    /// Counts the run against its user's quota until it ends; in a transaction.
    void mark_admitted(std::int64_t id);
    /// Works in a transaction, as get() does.
    std::optional<RunRecord> find(std::int64_t id);
    /// Throws Error(not_found).
    RunRecord get(std::int64_t id);
    /// Newest first.
    std::vector<RunRecord> list(const RunFilter& filter);
    /// Runs that have not ended, oldest first.
    std::vector<RunRecord> unfinished();

    void set_supervisor(std::int64_t id, int pid);
    /// Moves a queued/building/running run to `status` (building or running) at `stage`.
    /// Returns false when the run has already ended (e.g. it was cancelled meanwhile).
    bool advance(std::int64_t id, RunStatus status, const std::string& stage, const std::string& container);
    /// Ends the run unless it has ended already; true when this call ended it.
    bool finish(std::int64_t id, const RunEnd& end);
    /// Asks for a run to stop; a queued run ends as cancelled at once. Returns the record after.
    RunRecord request_cancel(std::int64_t id, const std::string& reason);
    /// How many queued runs are ahead of this one (0: next).
    std::int64_t queue_position(std::int64_t id);

    /// Appends lines in one transaction and adds `bytes` to the run's output count.
    void append_output(std::int64_t id, const std::vector<OutputLine>& lines, std::int64_t bytes);
    /// Lines with seq >= from, in order, at most `limit`, optionally of one stream.
    std::vector<OutputLine> read_output(std::int64_t id, std::int64_t from, std::size_t limit,
                                        std::optional<Stream> stream = std::nullopt);

    /// Finished runs beyond the newest `keep` per project (loose runs count as one project)
    /// or finished before `older_than`; deleted with their output when `dry_run` is false.
    std::vector<std::int64_t> expire(std::size_t keep, std::chrono::system_clock::time_point older_than, bool dry_run);

  private:
    void cancel_in_transaction(std::int64_t id, const std::string& reason);

    Database& db_;
};

} // namespace sbx::store
