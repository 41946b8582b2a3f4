// Admission: whether a user's runs fit their quota, decided atomically so that
// concurrent supervisors never overcommit, and the counts the quota rules read.
#include "store/run_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "error.hpp"
#include "store/run_rows.hpp"
#include "store/sqlite_access.hpp"

namespace sbx::store {

AdmitResult RunStore::admit(std::int64_t id, const Admission& admission)
{
    return guarded("admit a run", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        RunRecord run = get(id);
        if (is_final(run.status))
            return AdmitResult::ended;
        if (run.admitted)
            return AdmitResult::admitted;
        SQLite::Statement q(db_.sql(), std::string("SELECT count(*), coalesce(sum(memory_bytes), 0), "
                                                   "coalesce(sum(cpus), 0) FROM runs WHERE user_id IS ? AND "
                                                   "admitted = 1 AND status IN ") +
                                           unfinished_sql);
        bind_optional(q, 1, run.user_id);
        q.executeStep();
        auto count = q.getColumn(0).getInt64();
        auto memory = q.getColumn(1).getInt64();
        double cpus = q.getColumn(2).getDouble();
        constexpr double epsilon = 1e-9;
        if (count >= static_cast<std::int64_t>(admission.max_runs) ||
            memory + run.memory_bytes > admission.max_memory_bytes || cpus + run.cpus > admission.max_cpus + epsilon)
            return AdmitResult::wait;
        SQLite::Statement mark(db_.sql(), "UPDATE runs SET admitted = 1 WHERE id = ?");
        mark.bind(1, id);
        mark.exec();
        transaction.commit();
        return AdmitResult::admitted;
    });
}

std::int64_t RunStore::count_unfinished(std::int64_t user_id)
{
    return guarded("count runs", [&] {
        SQLite::Statement q(db_.sql(),
                            std::string("SELECT count(*) FROM runs WHERE user_id = ? AND status IN ") + unfinished_sql);
        q.bind(1, user_id);
        q.executeStep();
        return q.getColumn(0).getInt64();
    });
}

std::int64_t RunStore::count_started_since(std::int64_t user_id, std::chrono::system_clock::time_point since)
{
    return guarded("count runs", [&] {
        SQLite::Statement q(db_.sql(), "SELECT count(*) FROM runs WHERE user_id = ? AND created_at >= ?");
        q.bind(1, user_id);
        q.bind(2, stored_time(since));
        q.executeStep();
        return q.getColumn(0).getInt64();
    });
}
} // namespace sbx::store
