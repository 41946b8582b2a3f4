#include "store/session_store.hpp"

#include "store/sqlite_access.hpp"

namespace sbx::store {
namespace {

TokenRecord read_token(SQLite::Statement& q)
{
    return {q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
            q.getColumn(3).getString(), q.getColumn(4).isNull() ? std::string() : q.getColumn(4).getString()};
}

constexpr const char* token_columns = "id, user_id, name, created_at, last_used_at";

} // namespace

std::int64_t SessionStore::create_session(const std::string& token_hash, std::int64_t user_id, bool complete,
                                          std::int64_t now)
{
    return guarded("create a session", [&] {
        SQLite::Statement q(db_.sql(), "INSERT INTO web_sessions (token_hash, user_id, complete, created_at, "
                                       "last_seen_at) VALUES (?, ?, ?, ?, ?)");
        q.bind(1, token_hash.data(), static_cast<int>(token_hash.size()));
        q.bind(2, user_id);
        q.bind(3, complete ? 1 : 0);
        q.bind(4, now);
        q.bind(5, now);
        q.exec();
        return db_.sql().getLastInsertRowid();
    });
}

std::int64_t SessionStore::replace_session(std::int64_t old_id, const std::string& token_hash, std::int64_t user_id,
                                           bool complete, std::int64_t now)
{
    return guarded("replace a session", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        std::int64_t id = create_session(token_hash, user_id, complete, now);
        delete_session(old_id);
        transaction.commit();
        return id;
    });
}

std::optional<SessionRecord> SessionStore::find_session(const std::string& token_hash)
{
    return guarded("read a session", [&]() -> std::optional<SessionRecord> {
        SQLite::Statement q(db_.sql(), "SELECT id, user_id, complete, created_at, last_seen_at FROM web_sessions "
                                       "WHERE token_hash = ?");
        q.bind(1, token_hash.data(), static_cast<int>(token_hash.size()));
        if (!q.executeStep())
            return std::nullopt;
        return SessionRecord{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt() != 0,
                             q.getColumn(3).getInt64(), q.getColumn(4).getInt64()};
    });
}

void SessionStore::touch_session(std::int64_t id, std::int64_t now)
{
    guarded("update a session", [&] {
        SQLite::Statement q(db_.sql(), "UPDATE web_sessions SET last_seen_at = ? WHERE id = ?");
        q.bind(1, now);
        q.bind(2, id);
        q.exec();
    });
}

void SessionStore::delete_session(std::int64_t id)
{
    guarded("delete a session", [&] {
        SQLite::Statement q(db_.sql(), "DELETE FROM web_sessions WHERE id = ?");
        q.bind(1, id);
        q.exec();
    });
}

std::int64_t SessionStore::delete_expired(std::int64_t created_before, std::int64_t seen_before)
{
    return guarded("expire sessions", [&] {
        SQLite::Statement q(db_.sql(), "DELETE FROM web_sessions WHERE created_at < ? OR last_seen_at < ?");
        q.bind(1, created_before);
        q.bind(2, seen_before);
        return static_cast<std::int64_t>(q.exec());
    });
}

std::int64_t SessionStore::count_expired(std::int64_t created_before, std::int64_t seen_before)
{
    return guarded("count sessions", [&] {
        SQLite::Statement q(db_.sql(), "SELECT count(*) FROM web_sessions WHERE created_at < ? OR last_seen_at < ?");
        q.bind(1, created_before);
        q.bind(2, seen_before);
        q.executeStep();
        return q.getColumn(0).getInt64();
    });
}

std::int64_t SessionStore::create_token(std::int64_t user_id, const std::string& name, const std::string& token_hash)
{
    return guarded("create an API token", [&] {
        SQLite::Statement q(db_.sql(), "INSERT INTO api_tokens (user_id, name, token_hash) VALUES (?, ?, ?)");
        q.bind(1, user_id);
        q.bind(2, name);
        q.bind(3, token_hash.data(), static_cast<int>(token_hash.size()));
        q.exec();
        return db_.sql().getLastInsertRowid();
    });
}

std::optional<TokenRecord> SessionStore::find_token(const std::string& token_hash)
{
    return guarded("read an API token", [&]() -> std::optional<TokenRecord> {
        SQLite::Statement q(db_.sql(),
                            std::string("SELECT ") + token_columns + " FROM api_tokens WHERE token_hash = ?");
        q.bind(1, token_hash.data(), static_cast<int>(token_hash.size()));
        if (!q.executeStep())
            return std::nullopt;
        return read_token(q);
    });
}

std::vector<TokenRecord> SessionStore::list_tokens(std::int64_t user_id)
{
    return guarded("list API tokens", [&] {
        SQLite::Statement q(db_.sql(),
                            std::string("SELECT ") + token_columns + " FROM api_tokens WHERE user_id = ? ORDER BY id");
        q.bind(1, user_id);
        std::vector<TokenRecord> tokens;
        while (q.executeStep())
            tokens.push_back(read_token(q));
        return tokens;
    });
}

bool SessionStore::delete_token(std::int64_t user_id, std::int64_t id)
{
    return guarded("revoke an API token", [&] {
        SQLite::Statement q(db_.sql(), "DELETE FROM api_tokens WHERE id = ? AND user_id = ?");
        q.bind(1, id);
        q.bind(2, user_id);
        return q.exec() == 1;
    });
}

void SessionStore::touch_token(std::int64_t id)
{
    guarded("update an API token", [&] {
        SQLite::Statement q(db_.sql(),
                            "UPDATE api_tokens SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?");
        q.bind(1, id);
        q.exec();
    });
}

} // namespace sbx::store
