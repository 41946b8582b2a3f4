#pragma once
// Users as rows. Secrets (password hash, TOTP secret) are read only through
// credentials(), never with the record that commands print.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace sbx::store {

/// A user's own quota; an unset field falls back to the config's [quotas].
struct QuotaOverrides {
    std::optional<std::uint32_t> max_concurrent_runs;
    std::optional<std::uint64_t> max_memory;
    std::optional<double> max_cpus;
    std::optional<std::uint64_t> max_storage;
    std::optional<std::uint32_t> runs_per_hour;
};

struct UserRecord {
    std::int64_t id = 0;
    std::string name;
    bool admin = false;
    bool disabled = false;
    bool totp_enabled = false;
    std::string created_at;
    QuotaOverrides quota;
};

struct Credentials {
    std::string password_hash;
    std::string totp_secret; ///< raw bytes; empty when none is enrolled
    bool totp_enabled = false;
    std::optional<std::int64_t> totp_last_step;
};

class UserStore {
  public:
    explicit UserStore(Database& db) : db_(db) {}

    /// Throws Error(conflict) when the name is taken.
    std::int64_t create(const std::string& name, const std::string& password_hash, bool admin);
    std::optional<UserRecord> find(const std::string& name);
    std::optional<UserRecord> find(std::int64_t id);
    /// Throws Error(not_found, "no user NAME").
    UserRecord get(const std::string& name);
    UserRecord get(std::int64_t id);
    /// By name.
    std::vector<UserRecord> list();

    Credentials credentials(std::int64_t id);
    void set_password_hash(std::int64_t id, const std::string& hash);
    void set_disabled(std::int64_t id, bool disabled);
    void set_admin(std::int64_t id, bool admin);
    /// Replaces the given fields; unset ones are kept.
    void set_quota(std::int64_t id, const QuotaOverrides& quota);
    /// Resets every field to the config's default.
    void clear_quota(std::int64_t id);

    /// Stores a secret awaiting confirmation; TOTP stays off until enable_totp().
    void set_totp_secret(std::int64_t id, const std::string& secret);
    void enable_totp(std::int64_t id, std::int64_t confirmed_step);
    void disable_totp(std::int64_t id);
    /// Records that the code of `step` was used; false when it or a later one already was,
    /// so of two racing verifications of one code exactly one succeeds.
    bool use_totp_step(std::int64_t id, std::int64_t step);

    /// Bytes of files in all projects the user owns.
    std::uint64_t storage_used(std::int64_t id);

  private:
    Database& db_;
};

} // namespace sbx::store
