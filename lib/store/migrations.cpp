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
        {3, "users, projects, and the files each run ran", R"sql(
            CREATE TABLE users (
                id                  INTEGER PRIMARY KEY,
                name                TEXT NOT NULL UNIQUE,
                password_hash       TEXT NOT NULL,
                is_admin            INTEGER NOT NULL DEFAULT 0,
                disabled            INTEGER NOT NULL DEFAULT 0,
                created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                totp_secret         BLOB,
                totp_enabled        INTEGER NOT NULL DEFAULT 0,
                totp_last_step      INTEGER,
                max_concurrent_runs INTEGER,
                max_memory          INTEGER,
                max_cpus            REAL,
                max_storage         INTEGER,
                runs_per_hour       INTEGER
            ) STRICT;
            CREATE TABLE projects (
                id          INTEGER PRIMARY KEY,
                owner_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name        TEXT NOT NULL,
                runtime     TEXT NOT NULL,
                visibility  TEXT NOT NULL CHECK (visibility IN ('private', 'public')),
                forked_from INTEGER REFERENCES projects (id) ON DELETE SET NULL,
                created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                UNIQUE (owner_id, name)
            ) STRICT;
            CREATE INDEX projects_by_visibility ON projects (visibility, updated_at);
            CREATE TABLE project_files (
                id         INTEGER PRIMARY KEY,
                project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                path       TEXT NOT NULL,
                content    BLOB NOT NULL,
                updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                UNIQUE (project_id, path)
            ) STRICT;
            CREATE TABLE project_env (
                project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                name       TEXT NOT NULL,
                value      TEXT NOT NULL,
                PRIMARY KEY (project_id, name)
            ) STRICT, WITHOUT ROWID;
            ALTER TABLE runs ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
            ALTER TABLE runs ADD COLUMN memory_bytes INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE runs ADD COLUMN cpus REAL NOT NULL DEFAULT 0;
            ALTER TABLE runs ADD COLUMN admitted INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX runs_by_user ON runs (user_id, created_at);
            CREATE TABLE run_files (
                id      INTEGER PRIMARY KEY,
                run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                path    TEXT NOT NULL,
                content BLOB NOT NULL,
                UNIQUE (run_id, path)
            ) STRICT;
        )sql"},
        {4, "web sessions and API tokens", R"sql(
            CREATE TABLE web_sessions (
                id           INTEGER PRIMARY KEY,
                token_hash   BLOB NOT NULL UNIQUE,
                user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                complete     INTEGER NOT NULL,
                created_at   INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
            CREATE TABLE api_tokens (
                id           INTEGER PRIMARY KEY,
                user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name         TEXT NOT NULL,
                token_hash   BLOB NOT NULL UNIQUE,
                created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                last_used_at TEXT
            ) STRICT;
        )sql"},
        // Runs made before it have '' (not known): the setting of that day was not kept.
        {5, "the OCI runtime each run's sandbox runs under", R"sql(
            ALTER TABLE runs ADD COLUMN oci_runtime TEXT NOT NULL DEFAULT '';
        )sql"},
        // A pooled sandbox is made ahead of any run, claimed by one run and then thrown away;
        // each change of state is one conditional UPDATE, so its row says who owns it.
        // AUTOINCREMENT: an id names a container, a cgroup and a directory, and one left
        // behind by a crash must never be taken for a newer sandbox's.
        {6, "pooled sandboxes", R"sql(
            CREATE TABLE sandboxes (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                name         TEXT NOT NULL UNIQUE,
                runtime      TEXT NOT NULL,
                spec_key     TEXT NOT NULL,
                image_id     TEXT NOT NULL DEFAULT '',
                engine       TEXT NOT NULL,
                oci_runtime  TEXT NOT NULL,
                state        TEXT NOT NULL CHECK (state IN ('starting', 'ready', 'claimed', 'spent')),
                container_id TEXT NOT NULL DEFAULT '',
                exec_root    TEXT NOT NULL DEFAULT '',
                exec_binary  TEXT NOT NULL DEFAULT '',
                sandbox_pid  INTEGER,
                keeper_pid   INTEGER,
                run_id       INTEGER REFERENCES runs (id) ON DELETE SET NULL,
                created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                ready_at     TEXT,
                claimed_at   TEXT
            ) STRICT;
            CREATE INDEX sandboxes_by_spec ON sandboxes (runtime, spec_key, engine, state, id);
            CREATE TABLE pool_counters (
                runtime TEXT PRIMARY KEY,
                claims  INTEGER NOT NULL DEFAULT 0,
                misses  INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            ALTER TABLE runs ADD COLUMN pooled INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE runs ADD COLUMN pool_miss TEXT NOT NULL DEFAULT '';
        )sql"},
        // `sbx pool` counts the last minute's pooled runs without reading every run.
        {7, "runs by creation time", R"sql(
            CREATE INDEX runs_by_created ON runs (created_at);
        )sql"},
        // Runs asked for through a compatible API (Piston, codapi) are told apart in history and metrics.
        {8, "runs by API", R"sql(
            ALTER TABLE runs ADD COLUMN via TEXT NOT NULL DEFAULT 'api';
        )sql"},
        // Judge0 names a submission by a token its client keeps; what Judge0 decides after
        // the run (expected output, stderr into stdout) is asked at submission, so it stays here.
        {9, "judge0 submissions", R"sql(
            CREATE TABLE judge0_submissions (
                token           TEXT PRIMARY KEY,
                run_id          INTEGER NOT NULL UNIQUE REFERENCES runs (id) ON DELETE CASCADE,
                user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                language_id     INTEGER NOT NULL,
                expected_output BLOB,
                redirect_stderr INTEGER NOT NULL DEFAULT 0
            ) STRICT;
        )sql"},
    };
    return migrations;
}

} // namespace sbx::store
