// What admission reads and writes: the counts lib/account's quota rules decide on, inside
// a transaction of RunStore::in_transaction(), and the mark of an admitted run.
#include "store/run_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "error.hpp"
#include "store/run_rows.hpp"
#include "store/sqlite_access.hpp"

namespace sbx::store {

AdmittedUsage RunStore::admitted_usage(std::optional<std::int64_t> user_id)
{
    return guarded("count admitted runs", [&] {
        SQLite::Statement q(db_.sql(), std::string("SELECT count(*), coalesce(sum(memory_bytes), 0), "
                                                   "coalesce(sum(cpus), 0) FROM runs WHERE user_id IS ? AND "
                                                   "admitted = 1 AND status IN ") +
                                           unfinished_sql);
        bind_optional(q, 1, user_id);
        q.executeStep();
        return AdmittedUsage{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getDouble()};
    });
}

void RunStore::mark_admitted(std::int64_t id)
{
    guarded("admit a run", [&] {
        SQLite::Statement mark(db_.sql(), "UPDATE runs SET admitted = 1 WHERE id = ?");
        mark.bind(1, id);
        mark.exec();
    });
}

std::int64_t RunStore::count_going(std::int64_t user_id, std::int64_t except)
{
    return guarded("count runs", [&] {
        SQLite::Statement q(db_.sql(), std::string("SELECT count(*) FROM runs WHERE user_id = ? AND id != ? "
                                                   "AND cancel_requested = 0 AND status IN ") +
                                           unfinished_sql);
        q.bind(1, user_id);
        q.bind(2, except);
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
