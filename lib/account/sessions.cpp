#include "account/sessions.hpp"

#include <algorithm>

#include <sodium.h>

#include "common/digest.hpp"
#include "error.hpp"

namespace sbx::account {
namespace {

constexpr const char* token_prefix = "sbx_";
// Touching on every request would write on every request; once a minute is enough for idle
// time, unless the idle timeout itself is shorter (then a tenth of it).
constexpr std::int64_t touch_every_s = 60;

std::int64_t unix_seconds(std::chrono::system_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

} // namespace

std::string random_token()
{
    if (sodium_init() < 0)
        throw Error(ErrorKind::internal, "libsodium could not be initialised");
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char text[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return text;
}

OpenedSession open_session(store::Database& db, std::int64_t user_id, bool complete,
                           std::chrono::system_clock::time_point now, std::optional<std::int64_t> replacing)
{
    std::string token = random_token();
    store::SessionStore sessions(db);
    auto at = unix_seconds(now);
    auto id = replacing ? sessions.replace_session(*replacing, common::sha256(token), user_id, complete, at)
                        : sessions.create_session(common::sha256(token), user_id, complete, at);
    return {token, {id, user_id, complete, at, at}};
}

std::optional<store::SessionRecord> check_session(store::Database& db, const std::string& token,
                                                  const SessionPolicy& policy,
                                                  std::chrono::system_clock::time_point now)
{
    if (token.empty() || token.size() > 100)
        return std::nullopt;
    store::SessionStore sessions(db);
    auto session = sessions.find_session(common::sha256(token));
    if (!session)
        return std::nullopt;
    auto at = unix_seconds(now);
    if (at - session->created_at >= policy.ttl.count() || at - session->last_seen_at >= policy.idle.count()) {
        sessions.delete_session(session->id);
        return std::nullopt;
    }
    const std::int64_t touch_after = std::min<std::int64_t>(touch_every_s, policy.idle.count() / 10);
    if (at - session->last_seen_at >= touch_after) {
        sessions.touch_session(session->id, at);
        session->last_seen_at = at;
    }
    return session;
}

void close_session(store::Database& db, std::int64_t session_id)
{
    store::SessionStore(db).delete_session(session_id);
}

NewToken create_api_token(store::Database& db, const Actor& actor, const std::string& name)
{
    if (!actor.user_id)
        throw Error(ErrorKind::usage, "API tokens belong to users: give --as USER", "user");
    if (name.empty() || name.size() > 100)
        throw Error(ErrorKind::usage, "a token's name must be 1 to 100 characters", "name");
    std::string token = token_prefix + random_token();
    store::SessionStore sessions(db);
    auto id = sessions.create_token(*actor.user_id, name, common::sha256(token));
    for (auto& record : sessions.list_tokens(*actor.user_id))
        if (record.id == id)
            return {record, token};
    throw Error(ErrorKind::internal, "the new token vanished");
}

std::vector<store::TokenRecord> list_api_tokens(store::Database& db, const Actor& actor)
{
    if (!actor.user_id)
        return {};
    return store::SessionStore(db).list_tokens(*actor.user_id);
}

void revoke_api_token(store::Database& db, const Actor& actor, std::int64_t id)
{
    if (!actor.user_id || !store::SessionStore(db).delete_token(*actor.user_id, id))
        throw Error(ErrorKind::not_found, "no token " + std::to_string(id), "token");
}

std::optional<store::TokenRecord> check_api_token(store::Database& db, const std::string& token)
{
    if (!token.starts_with(token_prefix) || token.size() > 100)
        return std::nullopt;
    store::SessionStore sessions(db);
    auto record = sessions.find_token(common::sha256(token));
    if (record)
        sessions.touch_token(record->id);
    return record;
}

} // namespace sbx::account
