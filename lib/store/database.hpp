#pragma once
// The one SQLite database: opened in WAL mode with foreign keys, a busy timeout and
// synchronous=FULL, and migrated to the newest schema on open.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/migrations.hpp"

namespace SQLite {
class Database;
}

namespace sbx::store {

struct DatabaseStatus {
    std::string path;
    int schema_version = 0;           ///< after opening (and migrating)
    int latest_version = 0;           ///< newest this build knows
    std::vector<std::string> applied; ///< migrations applied by this open, "3 name"
    std::string journal_mode;
};

class Database {
  public:
    /// Opens or creates the database and applies pending migrations in one
    /// transaction. Throws Error(data) when the file's schema is newer than
    /// `migrations` know, and Error(unavailable) when the file cannot be opened.
    explicit Database(const std::filesystem::path& path,
                      const std::vector<Migration>& migrations = schema_migrations());
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const DatabaseStatus& status() const noexcept { return status_; }
    /// For lib/store's own files only: everything else calls typed store functions.
    SQLite::Database& sql() noexcept { return *db_; }

  private:
    std::unique_ptr<SQLite::Database> db_;
    DatabaseStatus status_;
};

} // namespace sbx::store
