#pragma once
// Web login sessions and API tokens: random secrets handed to the client, of which only a
// SHA-256 hash is kept. A session is partial after the password when TOTP is on, and
// complete after the code; completing it makes a new token (rotation).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "account/actor.hpp"
#include "store/database.hpp"
#include "store/session_store.hpp"

namespace sbx::account {

struct SessionPolicy {
    std::chrono::seconds ttl{0};  ///< longest a session lives
    std::chrono::seconds idle{0}; ///< a session unused this long ends
};

struct OpenedSession {
    std::string token; ///< for the cookie; never stored
    store::SessionRecord record;
};

/// 256 random bits, base64url without padding.
std::string random_token();

/// A new session; with `replacing`, that one ends in the same transaction (logging in again,
/// passing the TOTP step), and stays when the new one cannot be stored.
OpenedSession open_session(store::Database& db, std::int64_t user_id, bool complete,
                           std::chrono::system_clock::time_point now,
                           std::optional<std::int64_t> replacing = std::nullopt);

/// The live session of `token`, touched; nullopt when unknown or past its time (then deleted).
std::optional<store::SessionRecord> check_session(store::Database& db, const std::string& token,
                                                  const SessionPolicy& policy,
                                                  std::chrono::system_clock::time_point now);

void close_session(store::Database& db, std::int64_t session_id);

struct NewToken {
    store::TokenRecord record;
    std::string token; ///< "sbx_…", shown once
};

/// A token for scripts, acting as the actor (who must be a user).
NewToken create_api_token(store::Database& db, const Actor& actor, const std::string& name);
std::vector<store::TokenRecord> list_api_tokens(store::Database& db, const Actor& actor);
/// Error(not_found) when the actor has no such token.
void revoke_api_token(store::Database& db, const Actor& actor, std::int64_t id);
/// The token's record when it is valid.
std::optional<store::TokenRecord> check_api_token(store::Database& db, const std::string& token);

} // namespace sbx::account
