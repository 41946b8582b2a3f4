// A run's record and its life: created queued with its files, advanced, ended once,
// cancelled; read back one by one or as lists. Admission, output, figures and retention
// are RunStore's other files (run_admission.cpp, run_output.cpp, run_stats.cpp,
// run_retention.cpp).
#include "store/run_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <array>

#include "error.hpp"
#include "store/run_rows.hpp"
#include "store/sqlite_access.hpp"

namespace sbx::store {
namespace {

constexpr std::array status_names = {"queued",  "building", "running",      "succeeded", "failed",
                                     "timeout", "oom",      "output-limit", "cancelled", "error"};

} // namespace

const char* const run_columns =
    "id, project_id, runtime, engine, status, stage, reason, exit_code, signal, created_at, "
    "coalesce(started_at, ''), coalesce(finished_at, ''), wall_ms, cpu_ms, peak_memory_bytes, limits, request, "
    "supervisor_pid, container, output_bytes, cancel_requested, user_id, memory_bytes, cpus, admitted, oci_runtime, "
    "pooled, pool_miss, via";

RunRecord read_record(SQLite::Statement& q)
{
    RunRecord r;
    r.id = q.getColumn(0).getInt64();
    r.project_id = optional_column<std::int64_t>(q.getColumn(1));
    r.runtime = q.getColumn(2).getString();
    r.engine = q.getColumn(3).getString();
    r.status = parse_status(q.getColumn(4).getString());
    r.stage = q.getColumn(5).getString();
    r.reason = q.getColumn(6).getString();
    r.exit_code = optional_column<int>(q.getColumn(7));
    r.signal = optional_column<int>(q.getColumn(8));
    r.created_at = q.getColumn(9).getString();
    r.started_at = q.getColumn(10).getString();
    r.finished_at = q.getColumn(11).getString();
    r.wall_ms = optional_column<std::int64_t>(q.getColumn(12));
    r.cpu_ms = optional_column<std::int64_t>(q.getColumn(13));
    r.peak_memory_bytes = optional_column<std::int64_t>(q.getColumn(14));
    r.limits = q.getColumn(15).getString();
    r.request = q.getColumn(16).getString();
    r.supervisor_pid = optional_column<int>(q.getColumn(17));
    r.container = q.getColumn(18).getString();
    r.output_bytes = q.getColumn(19).getInt64();
    r.cancel_requested = q.getColumn(20).getInt() != 0;
    r.user_id = optional_column<std::int64_t>(q.getColumn(21));
    r.memory_bytes = q.getColumn(22).getInt64();
    r.cpus = q.getColumn(23).getDouble();
    r.admitted = q.getColumn(24).getInt() != 0;
    r.oci_runtime = q.getColumn(25).getString();
    r.pooled = q.getColumn(26).getInt() != 0;
    r.pool_miss = q.getColumn(27).getString();
    r.via = q.getColumn(28).getString();
    return r;
}

const char* status_name(RunStatus status) noexcept
{
    return status_names[static_cast<std::size_t>(status)];
}

RunStatus parse_status(std::string_view name)
{
    return static_cast<RunStatus>(name_index(status_names, name, "run status", "status"));
}

bool is_final(RunStatus status) noexcept
{
    return status != RunStatus::queued && status != RunStatus::building && status != RunStatus::running;
}

void RunStore::in_transaction(const char* what, const std::function<void()>& body)
{
    guarded(what, [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        body();
        transaction.commit();
    });
}

CreatedRun RunStore::create(const NewRun& run)
{
    CreatedRun created;
    in_transaction("create a run", [&] { created.id = insert(run); });
    return created;
}

std::int64_t RunStore::insert(const NewRun& run)
{
    if (run.oci_runtime.empty())
        throw Error(ErrorKind::internal, "a run must be recorded with the OCI runtime it will run under");
    return guarded("create a run", [&] {
        SQLite::Statement q(
            db_.sql(),
            "INSERT INTO runs (project_id, runtime, engine, status, limits, request, user_id, "
            "memory_bytes, cpus, admitted, oci_runtime, via) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)");
        bind_optional(q, 1, run.project_id);
        q.bind(2, run.runtime);
        q.bind(3, run.engine);
        q.bind(4, run.limits);
        q.bind(5, run.request);
        bind_optional(q, 6, run.user_id);
        q.bind(7, run.memory_bytes);
        q.bind(8, run.cpus);
        q.bind(9, run.admitted ? 1 : 0);
        q.bind(10, run.oci_runtime);
        q.bind(11, run.via);
        q.exec();
        std::int64_t id = db_.sql().getLastInsertRowid();
        SQLite::Statement file(db_.sql(), "INSERT INTO run_files (run_id, path, content) VALUES (?, ?, ?)");
        for (const auto& f : run.files) {
            file.bind(1, id);
            file.bind(2, f.path);
            file.bind(3, f.content.data(), static_cast<int>(f.content.size()));
            file.exec();
            file.reset();
        }
        return id;
    });
}

std::vector<std::int64_t> RunStore::supersede(std::int64_t project_id, std::optional<std::int64_t> user_id,
                                              std::int64_t except, const std::string& reason)
{
    return guarded("supersede runs", [&] {
        SQLite::Statement older(db_.sql(), std::string("SELECT id FROM runs WHERE project_id = ? AND user_id IS ? "
                                                       "AND id != ? AND status IN ") +
                                               unfinished_sql);
        older.bind(1, project_id);
        bind_optional(older, 2, user_id);
        older.bind(3, except);
        std::vector<std::int64_t> ids;
        while (older.executeStep())
            ids.push_back(older.getColumn(0).getInt64());
        for (auto id : ids)
            cancel_in_transaction(id, reason);
        return ids;
    });
}

std::vector<RunFileRecord> RunStore::files(std::int64_t id)
{
    return guarded("read the files of a run", [&] {
        SQLite::Statement q(db_.sql(), "SELECT path, content FROM run_files WHERE run_id = ? ORDER BY path");
        q.bind(1, id);
        std::vector<RunFileRecord> files;
        while (q.executeStep()) {
            const auto& content = q.getColumn(1);
            files.push_back({q.getColumn(0).getString(), std::string(static_cast<const char*>(content.getBlob()),
                                                                     static_cast<std::size_t>(content.getBytes()))});
        }
        return files;
    });
}

std::optional<RunRecord> RunStore::find(std::int64_t id)
{
    return guarded("read a run", [&]() -> std::optional<RunRecord> {
        SQLite::Statement q(db_.sql(), std::string("SELECT ") + run_columns + " FROM runs WHERE id = ?");
        q.bind(1, id);
        if (!q.executeStep())
            return std::nullopt;
        return read_record(q);
    });
}

RunRecord RunStore::get(std::int64_t id)
{
    if (auto run = find(id))
        return *run;
    throw Error(ErrorKind::not_found, "no run " + std::to_string(id), "run");
}

std::vector<RunRecord> RunStore::list(const RunFilter& filter)
{
    return guarded("list runs", [&] {
        std::string sql = std::string("SELECT ") + run_columns + " FROM runs WHERE 1";
        if (filter.active_only)
            sql += std::string(" AND status IN ") + unfinished_sql;
        if (filter.project_id)
            sql += " AND project_id = ?";
        if (filter.user_id)
            sql += " AND user_id = ?";
        sql += " ORDER BY id DESC LIMIT ?";
        SQLite::Statement q(db_.sql(), sql);
        int index = 1;
        if (filter.project_id)
            q.bind(index++, *filter.project_id);
        if (filter.user_id)
            q.bind(index++, *filter.user_id);
        q.bind(index, static_cast<std::int64_t>(filter.limit));
        std::vector<RunRecord> runs;
        while (q.executeStep())
            runs.push_back(read_record(q));
        return runs;
    });
}

std::vector<RunRecord> RunStore::unfinished()
{
    return guarded("list unfinished runs", [&] {
        SQLite::Statement q(db_.sql(), std::string("SELECT ") + run_columns + " FROM runs WHERE status IN " +
                                           unfinished_sql + " ORDER BY id");
        std::vector<RunRecord> runs;
        while (q.executeStep())
            runs.push_back(read_record(q));
        return runs;
    });
}

void RunStore::set_supervisor(std::int64_t id, int pid)
{
    guarded("record the supervisor", [&] {
        SQLite::Statement q(db_.sql(), "UPDATE runs SET supervisor_pid = ? WHERE id = ?");
        q.bind(1, pid);
        q.bind(2, id);
        q.exec();
    });
}

bool RunStore::advance(std::int64_t id, RunStatus status, const std::string& stage, const std::string& container)
{
    return guarded("update a run", [&] {
        SQLite::Statement q(db_.sql(),
                            std::string("UPDATE runs SET status = ?, stage = ?, container = ?, "
                                        "started_at = coalesce(started_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
                                        "WHERE id = ? AND status IN ") +
                                unfinished_sql);
        q.bind(1, status_name(status));
        q.bind(2, stage);
        q.bind(3, container);
        q.bind(4, id);
        return q.exec() == 1;
    });
}

bool RunStore::finish(std::int64_t id, const RunEnd& end)
{
    if (!is_final(end.status))
        throw Error(ErrorKind::internal, std::string("finish() with unfinished status ") + status_name(end.status));
    return guarded("finish a run", [&] {
        SQLite::Statement q(db_.sql(), std::string("UPDATE runs SET status = ?, reason = ?, exit_code = ?, signal = ?, "
                                                   "wall_ms = ?, cpu_ms = ?, peak_memory_bytes = ?, "
                                                   "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                                                   "WHERE id = ? AND status IN ") +
                                           unfinished_sql);
        q.bind(1, status_name(end.status));
        q.bind(2, end.reason);
        bind_optional(q, 3, end.exit_code);
        bind_optional(q, 4, end.signal);
        bind_optional(q, 5, end.wall_ms);
        bind_optional(q, 6, end.cpu_ms);
        bind_optional(q, 7, end.peak_memory_bytes);
        q.bind(8, id);
        return q.exec() == 1;
    });
}

RunRecord RunStore::request_cancel(std::int64_t id, const std::string& reason)
{
    guarded("cancel a run", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        cancel_in_transaction(id, reason);
        transaction.commit();
    });
    return get(id);
}

void RunStore::cancel_in_transaction(std::int64_t id, const std::string& reason)
{
    SQLite::Statement queued(db_.sql(), "UPDATE runs SET status = 'cancelled', reason = ?, cancel_requested = 1, "
                                        "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                                        "WHERE id = ? AND status = 'queued'");
    queued.bind(1, reason);
    queued.bind(2, id);
    if (queued.exec() == 0) {
        SQLite::Statement active(db_.sql(), std::string("UPDATE runs SET cancel_requested = 1, reason = ? "
                                                        "WHERE id = ? AND status IN ") +
                                                unfinished_sql);
        active.bind(1, reason);
        active.bind(2, id);
        active.exec();
    }
}

std::int64_t RunStore::queue_position(std::int64_t id)
{
    return guarded("read the queue", [&] {
        SQLite::Statement q(db_.sql(), "SELECT count(*) FROM runs WHERE status = 'queued' AND id < ?");
        q.bind(1, id);
        q.executeStep();
        return q.getColumn(0).getInt64();
    });
}
} // namespace sbx::store
