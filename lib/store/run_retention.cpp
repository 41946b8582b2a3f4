// Retention: which finished runs go, by count per project and by age.
#include "store/run_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "error.hpp"
#include "store/run_rows.hpp"
#include "store/sqlite_access.hpp"

namespace sbx::store {

std::vector<std::int64_t> RunStore::expire(std::size_t keep, std::chrono::system_clock::time_point older_than,
                                           bool dry_run)
{
    return guarded("expire runs", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(db_.sql(), std::string(R"sql(
            SELECT id FROM (
                SELECT id, finished_at,
                       row_number() OVER (PARTITION BY coalesce(project_id, -1) ORDER BY id DESC) AS newest
                FROM runs WHERE status NOT IN )sql") +
                                           unfinished_sql + R"sql(
            ) WHERE newest > ? OR finished_at < ? ORDER BY id)sql");
        q.bind(1, static_cast<std::int64_t>(keep));
        q.bind(2, stored_time(older_than));
        std::vector<std::int64_t> ids;
        while (q.executeStep())
            ids.push_back(q.getColumn(0).getInt64());
        if (!dry_run) {
            SQLite::Statement del(db_.sql(), "DELETE FROM runs WHERE id = ?");
            for (auto id : ids) {
                del.bind(1, id);
                del.exec();
                del.reset();
            }
        }
        transaction.commit();
        return ids;
    });
}
} // namespace sbx::store
