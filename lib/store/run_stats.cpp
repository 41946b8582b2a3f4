// Figures over all runs, for /metrics and /health.
#include "store/run_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "error.hpp"
#include "store/run_rows.hpp"
#include "store/sqlite_access.hpp"

namespace sbx::store {

RunStats RunStore::stats(const std::vector<double>& bounds_s)
{
    return guarded("read run figures", [&] {
        RunStats stats;
        SQLite::Statement q(
            db_.sql(), "SELECT runtime, engine, oci_runtime, status, via, count(*) FROM runs GROUP BY 1, 2, 3, 4, 5");
        while (q.executeStep()) {
            stats.by_status.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                                       q.getColumn(2).getString(), q.getColumn(3).getString(),
                                       q.getColumn(4).getString(), q.getColumn(5).getInt64()});
            if (stats.by_status.back().status == "queued")
                stats.queued += stats.by_status.back().runs;
            else if (!is_final(parse_status(stats.by_status.back().status)))
                stats.active += stats.by_status.back().runs;
        }
        SQLite::Statement bucket(db_.sql(), "SELECT count(*) FROM runs WHERE wall_ms IS NOT NULL AND wall_ms <= ?");
        for (double bound : bounds_s) {
            bucket.bind(1, static_cast<std::int64_t>(bound * 1000));
            bucket.executeStep();
            stats.wall_buckets.push_back(bucket.getColumn(0).getInt64());
            bucket.reset();
        }
        SQLite::Statement total(db_.sql(),
                                "SELECT count(*), coalesce(sum(wall_ms), 0) FROM runs WHERE wall_ms IS NOT NULL");
        total.executeStep();
        stats.wall_count = total.getColumn(0).getInt64();
        stats.wall_sum_s = static_cast<double>(total.getColumn(1).getInt64()) / 1000.0;
        return stats;
    });
}
} // namespace sbx::store
