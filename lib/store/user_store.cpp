#include "store/user_store.hpp"

#include <functional>

#include "store/sqlite_access.hpp"

namespace sbx::store {
namespace {

constexpr const char* columns = "id, name, is_admin, disabled, totp_enabled, created_at, max_concurrent_runs, "
                                "max_memory, max_cpus, max_storage, runs_per_hour";

UserRecord read_user(SQLite::Statement& q)
{
    UserRecord u;
    u.id = q.getColumn(0).getInt64();
    u.name = q.getColumn(1).getString();
    u.admin = q.getColumn(2).getInt() != 0;
    u.disabled = q.getColumn(3).getInt() != 0;
    u.totp_enabled = q.getColumn(4).getInt() != 0;
    u.created_at = q.getColumn(5).getString();
    u.quota.max_concurrent_runs = optional_column<std::uint32_t>(q.getColumn(6));
    u.quota.max_memory = optional_column<std::uint64_t>(q.getColumn(7));
    u.quota.max_cpus = optional_column<double>(q.getColumn(8));
    u.quota.max_storage = optional_column<std::uint64_t>(q.getColumn(9));
    u.quota.runs_per_hour = optional_column<std::uint32_t>(q.getColumn(10));
    return u;
}

template <typename Key>
std::optional<UserRecord> find_by(Database& db, const char* column, const Key& key)
{
    return guarded("read a user", [&]() -> std::optional<UserRecord> {
        SQLite::Statement q(db.sql(), std::string("SELECT ") + columns + " FROM users WHERE " + column + " = ?");
        q.bind(1, key);
        if (!q.executeStep())
            return std::nullopt;
        return read_user(q);
    });
}

// Runs one UPDATE of a user; throws not_found when no such user exists.
void update_user(Database& db, std::int64_t id, const std::string& set_sql,
                 const std::function<void(SQLite::Statement&)>& bind)
{
    guarded("update a user", [&] {
        SQLite::Statement q(db.sql(), "UPDATE users SET " + set_sql + " WHERE id = ?");
        bind(q);
        q.bind(q.getBindParameterCount(), id);
        if (q.exec() == 0)
            throw Error(ErrorKind::not_found, "no user with id " + std::to_string(id), "user");
    });
}

} // namespace

std::int64_t UserStore::create(const std::string& name, const std::string& password_hash, bool admin)
{
    return guarded("create a user", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        if (find(name))
            throw Error(ErrorKind::conflict, "user '" + name + "' already exists", "name");
        SQLite::Statement q(db_.sql(), "INSERT INTO users (name, password_hash, is_admin) VALUES (?, ?, ?)");
        q.bind(1, name);
        q.bind(2, password_hash);
        q.bind(3, admin ? 1 : 0);
        q.exec();
        auto id = db_.sql().getLastInsertRowid();
        transaction.commit();
        return id;
    });
}

std::optional<UserRecord> UserStore::find(const std::string& name)
{
    return find_by(db_, "name", name);
}

std::optional<UserRecord> UserStore::find(std::int64_t id)
{
    return find_by(db_, "id", id);
}

UserRecord UserStore::get(const std::string& name)
{
    if (auto user = find(name))
        return *user;
    throw Error(ErrorKind::not_found, "no user '" + name + "'", "user");
}

UserRecord UserStore::get(std::int64_t id)
{
    if (auto user = find(id))
        return *user;
    throw Error(ErrorKind::not_found, "no user with id " + std::to_string(id), "user");
}

std::vector<UserRecord> UserStore::list()
{
    return guarded("list users", [&] {
        SQLite::Statement q(db_.sql(), std::string("SELECT ") + columns + " FROM users ORDER BY name");
        std::vector<UserRecord> users;
        while (q.executeStep())
            users.push_back(read_user(q));
        return users;
    });
}

Credentials UserStore::credentials(std::int64_t id)
{
    return guarded("read credentials", [&] {
        SQLite::Statement q(db_.sql(),
                            "SELECT password_hash, totp_secret, totp_enabled, totp_last_step FROM users WHERE id = ?");
        q.bind(1, id);
        if (!q.executeStep())
            throw Error(ErrorKind::not_found, "no user with id " + std::to_string(id), "user");
        Credentials c;
        c.password_hash = q.getColumn(0).getString();
        const auto& secret = q.getColumn(1);
        if (!secret.isNull())
            c.totp_secret.assign(static_cast<const char*>(secret.getBlob()),
                                 static_cast<std::size_t>(secret.getBytes()));
        c.totp_enabled = q.getColumn(2).getInt() != 0;
        c.totp_last_step = optional_column<std::int64_t>(q.getColumn(3));
        return c;
    });
}

void UserStore::set_password_hash(std::int64_t id, const std::string& hash)
{
    update_user(db_, id, "password_hash = ?", [&](SQLite::Statement& q) { q.bind(1, hash); });
}

void UserStore::set_disabled(std::int64_t id, bool disabled)
{
    update_user(db_, id, "disabled = ?", [&](SQLite::Statement& q) { q.bind(1, disabled ? 1 : 0); });
}

void UserStore::set_admin(std::int64_t id, bool admin)
{
    update_user(db_, id, "is_admin = ?", [&](SQLite::Statement& q) { q.bind(1, admin ? 1 : 0); });
}

void UserStore::set_quota(std::int64_t id, const QuotaOverrides& quota)
{
    update_user(db_, id,
                "max_concurrent_runs = coalesce(?, max_concurrent_runs), max_memory = coalesce(?, max_memory), "
                "max_cpus = coalesce(?, max_cpus), max_storage = coalesce(?, max_storage), "
                "runs_per_hour = coalesce(?, runs_per_hour)",
                [&](SQLite::Statement& q) {
                    bind_optional(q, 1, quota.max_concurrent_runs);
                    bind_optional(q, 2, quota.max_memory);
                    bind_optional(q, 3, quota.max_cpus);
                    bind_optional(q, 4, quota.max_storage);
                    bind_optional(q, 5, quota.runs_per_hour);
                });
}

void UserStore::clear_quota(std::int64_t id)
{
    update_user(db_, id,
                "max_concurrent_runs = NULL, max_memory = NULL, max_cpus = NULL, max_storage = NULL, "
                "runs_per_hour = NULL",
                [](SQLite::Statement&) {});
}

void UserStore::set_totp_secret(std::int64_t id, const std::string& secret)
{
    update_user(db_, id, "totp_secret = ?, totp_enabled = 0, totp_last_step = NULL",
                [&](SQLite::Statement& q) { q.bind(1, secret.data(), static_cast<int>(secret.size())); });
}

void UserStore::enable_totp(std::int64_t id, std::int64_t confirmed_step)
{
    update_user(db_, id, "totp_enabled = 1, totp_last_step = ?",
                [&](SQLite::Statement& q) { q.bind(1, confirmed_step); });
}

void UserStore::disable_totp(std::int64_t id)
{
    update_user(db_, id, "totp_secret = NULL, totp_enabled = 0, totp_last_step = NULL", [](SQLite::Statement&) {});
}

bool UserStore::use_totp_step(std::int64_t id, std::int64_t step)
{
    return guarded("record a TOTP code", [&] {
        SQLite::Statement q(db_.sql(), "UPDATE users SET totp_last_step = ? WHERE id = ? AND "
                                       "(totp_last_step IS NULL OR totp_last_step < ?)");
        q.bind(1, step);
        q.bind(2, id);
        q.bind(3, step);
        return q.exec() == 1;
    });
}

std::uint64_t UserStore::storage_used(std::int64_t id)
{
    return guarded("measure storage", [&] {
        SQLite::Statement q(db_.sql(), "SELECT coalesce(sum(length(f.content)), 0) FROM project_files f "
                                       "JOIN projects p ON p.id = f.project_id WHERE p.owner_id = ?");
        q.bind(1, id);
        q.executeStep();
        return static_cast<std::uint64_t>(q.getColumn(0).getInt64());
    });
}

} // namespace sbx::store
