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
        {2, "runs and their output", R"sql(
            CREATE TABLE runs (
                id                INTEGER PRIMARY KEY,
                project_id        INTEGER,
                runtime           TEXT NOT NULL,
                engine            TEXT NOT NULL,
                status            TEXT NOT NULL CHECK (status IN ('queued', 'building', 'running', 'succeeded',
                                      'failed', 'timeout', 'oom', 'output-limit', 'cancelled', 'error')),
                stage             TEXT NOT NULL DEFAULT '',
                reason            TEXT NOT NULL DEFAULT '',
                exit_code         INTEGER,
                signal            INTEGER,
                created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                started_at        TEXT,
                finished_at       TEXT,
                wall_ms           INTEGER,
                cpu_ms            INTEGER,
                peak_memory_bytes INTEGER,
                limits            TEXT NOT NULL,
                request           TEXT NOT NULL,
                supervisor_pid    INTEGER,
                container         TEXT NOT NULL DEFAULT '',
                output_bytes      INTEGER NOT NULL DEFAULT 0,
                cancel_requested  INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE INDEX runs_by_status ON runs (status);
            CREATE INDEX runs_by_project ON runs (project_id, id);
            CREATE TABLE run_output (
                run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                seq    INTEGER NOT NULL,
                stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'sbx')),
                data   BLOB NOT NULL,
                eol    INTEGER NOT NULL,
                PRIMARY KEY (run_id, seq)
            ) STRICT, WITHOUT ROWID;
        )sql"},
    };
    return migrations;
}

} // namespace sbx::store
