#pragma once
// What the files of RunStore share about the runs table: lib/store's own.
#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <string>

#include "common/utc_time.hpp"
#include "store/run_store.hpp"

namespace sbx::store {

/// The statuses a run can still leave, as an SQL list; kept beside is_final().
inline constexpr const char* unfinished_sql = "('queued', 'building', 'running')";

/// The columns read_record() reads, in its order.
extern const char* const run_columns;

/// The run at the statement's current row, selected as run_columns.
RunRecord read_record(SQLite::Statement& q);

/// A time as the runs table stores it, so that it compares with created_at and finished_at.
inline std::string stored_time(std::chrono::system_clock::time_point at)
{
    return common::format_utc(std::chrono::system_clock::to_time_t(at));
}

} // namespace sbx::store
