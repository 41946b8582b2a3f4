#include "store/sandbox_store.hpp"

#include <array>

#include "store/sqlite_access.hpp"

namespace sbx::store {
namespace {

constexpr std::array state_names = {"starting", "ready", "claimed", "spent"};

constexpr const char* columns =
    "id, name, runtime, spec_key, image_id, engine, oci_runtime, state, container_id, exec_root, exec_binary, "
    "sandbox_pid, keeper_pid, run_id, created_at, coalesce(ready_at, ''), coalesce(claimed_at, '')";

SandboxRecord read_record(SQLite::Statement& q)
{
    SandboxRecord r;
    r.id = q.getColumn(0).getInt64();
    r.name = q.getColumn(1).getString();
    r.runtime = q.getColumn(2).getString();
    r.spec_key = q.getColumn(3).getString();
    r.image_id = q.getColumn(4).getString();
    r.engine = q.getColumn(5).getString();
    r.oci_runtime = q.getColumn(6).getString();
    r.state = parse_sandbox_state(q.getColumn(7).getString());
    r.container_id = q.getColumn(8).getString();
    r.exec_root = q.getColumn(9).getString();
    r.exec_binary = q.getColumn(10).getString();
    r.sandbox_pid = optional_column<int>(q.getColumn(11));
    r.keeper_pid = optional_column<int>(q.getColumn(12));
    r.run_id = optional_column<std::int64_t>(q.getColumn(13));
    r.created_at = q.getColumn(14).getString();
    r.ready_at = q.getColumn(15).getString();
    r.claimed_at = q.getColumn(16).getString();
    return r;
}

} // namespace

const char* sandbox_state_name(SandboxState state) noexcept
{
    return state_names[static_cast<std::size_t>(state)];
}

SandboxState parse_sandbox_state(std::string_view name)
{
    return static_cast<SandboxState>(name_index(state_names, name, "sandbox state", "state"));
}

std::int64_t SandboxStore::insert_starting(const std::string& name_prefix, const std::string& runtime,
                                           const std::string& spec_key, const std::string& image_id,
                                           const std::string& engine, const std::string& oci_runtime, int keeper_pid)
{
    return guarded("record a pooled sandbox", [&] {
        // One statement takes the next id AUTOINCREMENT would give and names the row after
        // it: the write lock is held throughout, so no other insert can take the same id.
        SQLite::Statement q(db_.sql(), "INSERT INTO sandboxes (id, name, runtime, spec_key, image_id, engine, "
                                       "oci_runtime, state, keeper_pid) "
                                       "SELECT next.id, ? || next.id, ?, ?, ?, ?, ?, 'starting', ? FROM "
                                       "(SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'sandboxes'), "
                                       "0) + 1 AS id) AS next");
        q.bind(1, name_prefix);
        q.bind(2, runtime);
        q.bind(3, spec_key);
        q.bind(4, image_id);
        q.bind(5, engine);
        q.bind(6, oci_runtime);
        q.bind(7, keeper_pid);
        q.exec();
        return db_.sql().getLastInsertRowid();
    });
}

bool SandboxStore::mark_ready(std::int64_t id, const std::string& container_id, const std::string& exec_root,
                              const std::string& exec_binary, int sandbox_pid)
{
    return guarded("mark a pooled sandbox ready", [&] {
        SQLite::Statement q(db_.sql(), "UPDATE sandboxes SET state = 'ready', container_id = ?, exec_root = ?, "
                                       "exec_binary = ?, sandbox_pid = ?, "
                                       "ready_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                                       "WHERE id = ? AND state = 'starting'");
        q.bind(1, container_id);
        q.bind(2, exec_root);
        q.bind(3, exec_binary);
        q.bind(4, sandbox_pid);
        q.bind(5, id);
        return q.exec() == 1;
    });
}

std::optional<SandboxRecord> SandboxStore::claim(const std::string& runtime, const std::string& spec_key,
                                                 const std::string& engine, std::int64_t run_id)
{
    return guarded("claim a pooled sandbox", [&]() -> std::optional<SandboxRecord> {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        std::optional<SandboxRecord> claimed;
        {
            // The state test in the outer WHERE is what makes the claim safe on its own: a
            // row another claimer took between the subquery and the update is not changed.
            SQLite::Statement q(db_.sql(),
                                std::string("UPDATE sandboxes SET state = 'claimed', run_id = ?, "
                                            "claimed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                                            "WHERE state = 'ready' AND id = (SELECT id FROM sandboxes "
                                            "WHERE state = 'ready' AND runtime = ? AND spec_key = ? AND engine = ? "
                                            "ORDER BY id LIMIT 1) RETURNING ") +
                                    columns);
            q.bind(1, run_id);
            q.bind(2, runtime);
            q.bind(3, spec_key);
            q.bind(4, engine);
            if (q.executeStep())
                claimed = read_record(q);
        }
        if (!claimed)
            return std::nullopt;
        SQLite::Statement run(db_.sql(), "UPDATE runs SET pooled = 1 WHERE id = ?");
        run.bind(1, run_id);
        run.exec();
        SQLite::Statement count(db_.sql(), "INSERT INTO pool_counters (runtime, claims) VALUES (?, 1) "
                                           "ON CONFLICT (runtime) DO UPDATE SET claims = claims + 1");
        count.bind(1, runtime);
        count.exec();
        transaction.commit();
        return claimed;
    });
}

void SandboxStore::record_miss(const std::string& runtime, std::int64_t run_id, const std::string& why, bool count)
{
    guarded("record a pool miss", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement run(db_.sql(), "UPDATE runs SET pool_miss = ?, pooled = 0 WHERE id = ?");
        run.bind(1, why);
        run.bind(2, run_id);
        run.exec();
        if (count) {
            SQLite::Statement q(db_.sql(), "INSERT INTO pool_counters (runtime, misses) VALUES (?, 1) "
                                           "ON CONFLICT (runtime) DO UPDATE SET misses = misses + 1");
            q.bind(1, runtime);
            q.exec();
        }
        transaction.commit();
    });
}

bool SandboxStore::mark_spent(std::int64_t id, SandboxState from)
{
    return guarded("mark a pooled sandbox spent", [&] {
        SQLite::Statement q(db_.sql(),
                            "UPDATE sandboxes SET state = 'spent' WHERE id = ? AND state = ? AND state <> 'spent'");
        q.bind(1, id);
        q.bind(2, sandbox_state_name(from));
        return q.exec() == 1;
    });
}

bool SandboxStore::remove(std::int64_t id)
{
    return guarded("remove a pooled sandbox", [&] {
        SQLite::Statement q(db_.sql(), "DELETE FROM sandboxes WHERE id = ? AND state = 'spent'");
        q.bind(1, id);
        return q.exec() == 1;
    });
}

std::optional<SandboxRecord> SandboxStore::find(std::int64_t id)
{
    return guarded("read a pooled sandbox", [&]() -> std::optional<SandboxRecord> {
        SQLite::Statement q(db_.sql(), std::string("SELECT ") + columns + " FROM sandboxes WHERE id = ?");
        q.bind(1, id);
        if (!q.executeStep())
            return std::nullopt;
        return read_record(q);
    });
}

SandboxRecord SandboxStore::get(std::int64_t id)
{
    if (auto sandbox = find(id))
        return *sandbox;
    throw Error(ErrorKind::not_found, "no pooled sandbox " + std::to_string(id), "sandbox");
}

std::vector<SandboxRecord> SandboxStore::list(std::optional<SandboxState> state)
{
    return guarded("list pooled sandboxes", [&] {
        SQLite::Statement q(db_.sql(), std::string("SELECT ") + columns + " FROM sandboxes" +
                                           (state ? " WHERE state = ?" : "") + " ORDER BY id");
        if (state)
            q.bind(1, sandbox_state_name(*state));
        std::vector<SandboxRecord> sandboxes;
        while (q.executeStep())
            sandboxes.push_back(read_record(q));
        return sandboxes;
    });
}

std::vector<PoolCounter> SandboxStore::counters()
{
    return guarded("read the pool counters", [&] {
        SQLite::Statement q(db_.sql(), "SELECT runtime, claims, misses FROM pool_counters ORDER BY runtime");
        std::vector<PoolCounter> counters;
        while (q.executeStep())
            counters.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64()});
        return counters;
    });
}

std::map<std::string, std::int64_t> SandboxStore::pooled_runs_since(const std::string& since)
{
    return guarded("count pooled runs", [&] {
        SQLite::Statement q(db_.sql(),
                            "SELECT runtime, count(*) FROM runs WHERE created_at >= ? AND pooled = 1 GROUP BY runtime");
        q.bind(1, since);
        std::map<std::string, std::int64_t> runs;
        while (q.executeStep())
            runs[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
        return runs;
    });
}

} // namespace sbx::store
