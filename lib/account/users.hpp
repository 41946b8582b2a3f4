#pragma once
// Managing accounts: what `sbx user` and the web API's account calls do. The admin
// manages everyone; a user may see themselves and change their own password.
#include <optional>
#include <string>
#include <vector>

#include "account/actor.hpp"
#include "store/database.hpp"
#include "store/user_store.hpp"

namespace sbx::account {

/// Creates an account (admin only). Throws Error(usage) for a bad name or password,
/// Error(conflict) when the name is taken, Error(forbidden) for a non-admin.
store::UserRecord add_user(store::Database& db, const Actor& actor, const std::string& name,
                           const std::string& password, bool admin);
/// Creates a non-admin account for a person signing themselves up.
store::UserRecord sign_up(store::Database& db, const std::string& name, const std::string& password);

/// All accounts (admin only).
std::vector<store::UserRecord> list_users(store::Database& db, const Actor& actor);
/// One account: the admin's or one's own; anybody else's answers not found.
store::UserRecord show_user(store::Database& db, const Actor& actor, const std::string& name);

/// Sets a new password: one's own, or anyone's as admin.
void change_password(store::Database& db, const Actor& actor, const std::string& name, const std::string& password);
/// Disables or enables an account (admin only; an admin cannot disable themselves).
store::UserRecord set_disabled(store::Database& db, const Actor& actor, const std::string& name, bool disabled);
/// Sets (or with `reset`, clears first) a user's own quota (admin only).
store::UserRecord set_quota(store::Database& db, const Actor& actor, const std::string& name,
                            const store::QuotaOverrides& quota, bool reset);

/// The user with this name and password, when the account is enabled; nullopt otherwise.
/// Takes as long for an unknown name as for a wrong password.
std::optional<store::UserRecord> authenticate(store::Database& db, const std::string& name,
                                              const std::string& password);

/// The actor for a user name (`--as NAME`): Error(not_found) if unknown, Error(forbidden) if disabled.
Actor actor_for(store::Database& db, const std::string& name);

} // namespace sbx::account
