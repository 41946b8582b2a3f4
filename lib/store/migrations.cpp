#include "store/migrations.hpp"

namespace sbx::store {

const std::vector<Migration>& schema_migrations()
{
    static const std::vector<Migration> migrations = {
        {1, "instance metadata", R"sql(
            CREATE TABLE instance_meta (
                key   TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) STRICT;
            INSERT INTO instance_meta (key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        )sql"},
    };
    return migrations;
}

} // namespace sbx::store
