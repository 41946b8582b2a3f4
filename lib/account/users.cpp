#include "account/users.hpp"

#include "account/names.hpp"
#include "account/password.hpp"
#include "error.hpp"

namespace sbx::account {
namespace {

void require_admin(const Actor& actor, const char* what)
{
    if (!actor.admin)
        throw Error(ErrorKind::forbidden, std::string("only an admin may ") + what);
}

// A user record the actor may see: their own, or anyone's for an admin.
store::UserRecord visible_user(store::UserStore& users, const Actor& actor, const std::string& name)
{
    auto user = users.find(name);
    if (!user || (!actor.admin && !actor.is(user->id)))
        throw Error(ErrorKind::not_found, "no user '" + name + "'", "user");
    return *user;
}

void check_quota_values(const store::QuotaOverrides& quota)
{
    if (quota.max_concurrent_runs && *quota.max_concurrent_runs == 0)
        throw Error(ErrorKind::usage, "max-concurrent-runs must be at least 1", "max_concurrent_runs");
    if (quota.max_memory && *quota.max_memory < (4U << 20))
        throw Error(ErrorKind::usage, "max-memory must be at least 4M", "max_memory");
    if (quota.max_cpus && !(*quota.max_cpus >= 0.01 && *quota.max_cpus <= 1024))
        throw Error(ErrorKind::usage, "max-cpus must be a number from 0.01 to 1024", "max_cpus");
    if (quota.max_storage && *quota.max_storage < 1024)
        throw Error(ErrorKind::usage, "max-storage must be at least 1K", "max_storage");
    if (quota.runs_per_hour && *quota.runs_per_hour == 0)
        throw Error(ErrorKind::usage, "runs-per-hour must be at least 1", "runs_per_hour");
}

} // namespace

store::UserRecord add_user(store::Database& db, const Actor& actor, const std::string& name,
                           const std::string& password, bool admin)
{
    require_admin(actor, "add users");
    check_user_name(name);
    store::UserStore users(db);
    if (users.find(name))
        throw Error(ErrorKind::conflict, "user '" + name + "' already exists", "name");
    auto id = users.create(name, hash_password(password), admin);
    return users.get(id);
}

store::UserRecord sign_up(store::Database& db, const std::string& name, const std::string& password)
{
    return add_user(db, Actor::shell(), name, password, false);
}

std::vector<store::UserRecord> list_users(store::Database& db, const Actor& actor)
{
    require_admin(actor, "list users");
    return store::UserStore(db).list();
}

store::UserRecord show_user(store::Database& db, const Actor& actor, const std::string& name)
{
    store::UserStore users(db);
    return visible_user(users, actor, name);
}

void change_password(store::Database& db, const Actor& actor, const std::string& name, const std::string& password)
{
    store::UserStore users(db);
    auto user = visible_user(users, actor, name);
    users.set_password_hash(user.id, hash_password(password));
}

store::UserRecord set_disabled(store::Database& db, const Actor& actor, const std::string& name, bool disabled)
{
    require_admin(actor, "disable or enable users");
    store::UserStore users(db);
    auto user = users.get(name);
    if (disabled && actor.is(user.id))
        throw Error(ErrorKind::conflict, "you cannot disable your own account", "user");
    users.set_disabled(user.id, disabled);
    return users.get(user.id);
}

store::UserRecord set_quota(store::Database& db, const Actor& actor, const std::string& name,
                            const store::QuotaOverrides& quota, bool reset)
{
    require_admin(actor, "set quotas");
    check_quota_values(quota);
    store::UserStore users(db);
    auto user = users.get(name);
    if (reset)
        users.clear_quota(user.id);
    users.set_quota(user.id, quota);
    return users.get(user.id);
}

std::optional<store::UserRecord> authenticate(store::Database& db, const std::string& name, const std::string& password)
{
    store::UserStore users(db);
    auto user = users.find(name);
    if (!user) {
        verify_password(dummy_hash(), password);
        return std::nullopt;
    }
    const auto hash = users.credentials(user->id).password_hash;
    if (!verify_password(hash, password) || user->disabled)
        return std::nullopt;
    if (needs_rehash(hash))
        users.set_password_hash(user->id, hash_password(password));
    return user;
}

Actor actor_for(store::Database& db, const std::string& name)
{
    auto user = store::UserStore(db).get(name);
    if (user.disabled)
        throw Error(ErrorKind::forbidden, "user '" + name + "' is disabled", "user");
    return {user.id, user.name, user.admin};
}

} // namespace sbx::account
