#include "store/database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <thread>

#include "error.hpp"

namespace sbx::store {
namespace {

constexpr int busy_timeout_ms = 5000;

// Switching a new database to WAL does not wait on the busy timeout: when several
// processes open a fresh file at once, the losers are retried here.
std::string switch_to_wal(SQLite::Database& db)
{
    for (int waited_ms = 0;; waited_ms += 20) {
        try {
            return db.execAndGet("PRAGMA journal_mode = WAL").getString();
        } catch (const SQLite::Exception& e) {
            if (e.getErrorCode() != SQLITE_BUSY || waited_ms >= busy_timeout_ms)
                throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
}

void check_sequence(const std::vector<Migration>& migrations)
{
    for (std::size_t i = 0; i < migrations.size(); ++i)
        if (migrations[i].version != static_cast<int>(i + 1))
            throw Error(ErrorKind::internal, "migration list out of order at '" + migrations[i].name + "'");
}

} // namespace

Database::Database(const std::filesystem::path& path, const std::vector<Migration>& migrations)
{
    check_sequence(migrations);
    status_.path = path.string();
    status_.latest_version = static_cast<int>(migrations.size());
    try {
        db_ = std::make_unique<SQLite::Database>(path.string(),
                                                 SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
        db_->setBusyTimeout(busy_timeout_ms);
        status_.journal_mode = switch_to_wal(*db_);
        db_->exec("PRAGMA foreign_keys = ON");
        db_->exec("PRAGMA synchronous = FULL");
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorKind::unavailable, path.string() + ": cannot open database: " + e.what());
    }

    try {
        // IMMEDIATE takes the write lock first, so two processes opening a fresh
        // database at once cannot both apply migration 1.
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        int version = db_->execAndGet("PRAGMA user_version").getInt();
        if (version > status_.latest_version)
            throw Error(ErrorKind::data, path.string() + ": database schema version " + std::to_string(version) +
                                             " is newer than this sbx understands (" +
                                             std::to_string(status_.latest_version) +
                                             "); run a newer sbx, or restore a backup made for this one");
        for (const auto& migration : migrations) {
            if (migration.version <= version)
                continue;
            db_->exec(migration.sql);
            db_->exec("PRAGMA user_version = " + std::to_string(migration.version));
            status_.applied.push_back(std::to_string(migration.version) + " " + migration.name);
        }
        transaction.commit();
        status_.schema_version = db_->execAndGet("PRAGMA user_version").getInt();
    } catch (const SQLite::Exception& e) {
        throw Error(ErrorKind::unavailable, path.string() + ": cannot migrate database: " + e.what());
    }
}

Database::~Database() = default;

} // namespace sbx::store
