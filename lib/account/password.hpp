#pragma once
// Account passwords, stored as argon2id strings in libsodium's (PHC) format.
#include <cstddef>
#include <string>
#include <string_view>

namespace sbx::account {

inline constexpr std::size_t min_password_bytes = 8;
inline constexpr std::size_t max_password_bytes = 1024;

/// argon2id cost of new hashes.
struct PasswordParams {
    unsigned long long ops;
    std::size_t memory_bytes;
};

/// The cost hash_password uses: at or above OWASP's argon2id minimum (19 MiB, 2 passes).
PasswordParams password_params() noexcept;

/// Hashes a new password with a fresh salt. Throws Error(usage, field "password") when it is
/// shorter than min_password_bytes, longer than max_password_bytes or contains a NUL byte;
/// the length is checked before any hashing.
std::string hash_password(std::string_view password);

/// True when password matches stored_hash. False, without hashing, for a password longer than
/// max_password_bytes; false for a malformed stored hash.
bool verify_password(const std::string& stored_hash, std::string_view password);

/// True when stored_hash is not argon2id at password_params(): rehash it after a successful login.
bool needs_rehash(const std::string& stored_hash);

/// A valid hash of a random password nobody knows, the same for the whole process. Verify
/// against it for an unknown user name so that login takes the same time as for a real user.
std::string dummy_hash();

} // namespace sbx::account
