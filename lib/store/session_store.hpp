#pragma once
// Login sessions and API tokens as rows. Only hashes of the secrets are stored: a copy of
// the database does not let anyone in.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace sbx::store {

struct SessionRecord {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    bool complete = false;       ///< false: the password was right, the TOTP step is pending
    std::int64_t created_at = 0; ///< unix seconds
    std::int64_t last_seen_at = 0;
};

struct TokenRecord {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string name;
    std::string created_at;
    std::string last_used_at;
};

class SessionStore {
  public:
    explicit SessionStore(Database& db) : db_(db) {}

    std::int64_t create_session(const std::string& token_hash, std::int64_t user_id, bool complete, std::int64_t now);
    /// Creates a session and deletes `old_id` in one transaction: when the new one cannot be
    /// written, the old one stays.
    std::int64_t replace_session(std::int64_t old_id, const std::string& token_hash, std::int64_t user_id,
                                 bool complete, std::int64_t now);
    std::optional<SessionRecord> find_session(const std::string& token_hash);
    void touch_session(std::int64_t id, std::int64_t now);
    void delete_session(std::int64_t id);
    /// Sessions whose absolute or idle time ran out; returns how many went.
    std::int64_t delete_expired(std::int64_t created_before, std::int64_t seen_before);
    /// How many delete_expired() would delete.
    std::int64_t count_expired(std::int64_t created_before, std::int64_t seen_before);

    std::int64_t create_token(std::int64_t user_id, const std::string& name, const std::string& token_hash);
    std::optional<TokenRecord> find_token(const std::string& token_hash);
    std::vector<TokenRecord> list_tokens(std::int64_t user_id);
    /// False when the user has no such token.
    bool delete_token(std::int64_t user_id, std::int64_t id);
    void touch_token(std::int64_t id);

  private:
    Database& db_;
};

} // namespace sbx::store
