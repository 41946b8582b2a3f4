#include "account/two_factor.hpp"

#include "account/totp.hpp"
#include "error.hpp"
#include "store/user_store.hpp"

namespace sbx::account {
namespace {

store::UserRecord own_or_admin(store::UserStore& users, const Actor& actor, const std::string& name)
{
    auto user = users.find(name);
    if (!user || (!actor.admin && !actor.is(user->id)))
        throw Error(ErrorKind::not_found, "no user '" + name + "'", "user");
    return *user;
}

} // namespace

TotpEnrolment begin_totp(store::Database& db, const Actor& actor, const std::string& name, const std::string& issuer)
{
    store::UserStore users(db);
    auto user = own_or_admin(users, actor, name);
    if (user.totp_enabled)
        throw Error(ErrorKind::conflict, "two-factor login is already on for '" + name + "'; disable it first", "user");
    std::string secret = random_totp_secret();
    users.set_totp_secret(user.id, secret);
    return {base32_encode(secret), otpauth_uri(issuer, user.name, secret)};
}

void confirm_totp(store::Database& db, const Actor& actor, const std::string& name, const std::string& code,
                  std::chrono::system_clock::time_point now)
{
    store::UserStore users(db);
    auto user = own_or_admin(users, actor, name);
    auto credentials = users.credentials(user.id);
    if (credentials.totp_enabled)
        throw Error(ErrorKind::conflict, "two-factor login is already on for '" + name + "'", "user");
    if (credentials.totp_secret.empty())
        throw Error(ErrorKind::conflict, "no enrolment to confirm: start one with totp enable", "user");
    auto step = totp_match(credentials.totp_secret, code, now, std::nullopt);
    if (!step)
        throw Error(ErrorKind::usage, "that code is not valid now; check the device's clock and try the next code",
                    "code");
    users.enable_totp(user.id, *step);
}

void disable_totp(store::Database& db, const Actor& actor, const std::string& name)
{
    store::UserStore users(db);
    auto user = own_or_admin(users, actor, name);
    users.disable_totp(user.id);
}

bool verify_totp(store::Database& db, std::int64_t user_id, const std::string& code,
                 std::chrono::system_clock::time_point now)
{
    store::UserStore users(db);
    auto credentials = users.credentials(user_id);
    if (!credentials.totp_enabled || credentials.totp_secret.empty())
        return false;
    auto step = totp_match(credentials.totp_secret, code, now, credentials.totp_last_step);
    return step && users.use_totp_step(user_id, *step);
}

} // namespace sbx::account
