#include "account/password.hpp"

#include <sodium.h>

#include "error.hpp"

namespace sbx::account {
namespace {

constexpr std::string_view argon2id_prefix = "$argon2id$";

void init_sodium()
{
    // sodium_init is thread-safe; the static only saves calling it again.
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        throw Error(ErrorKind::internal, "libsodium could not be initialised");
}

void check_new_password(std::string_view password)
{
    if (password.size() > max_password_bytes)
        throw Error(ErrorKind::usage, "the password is longer than " + std::to_string(max_password_bytes) + " bytes",
                    "password");
    if (password.size() < min_password_bytes)
        throw Error(ErrorKind::usage, "the password is shorter than " + std::to_string(min_password_bytes) + " bytes",
                    "password");
    if (password.find('\0') != std::string_view::npos)
        throw Error(ErrorKind::usage, "the password contains a NUL byte", "password");
}

} // namespace

PasswordParams password_params() noexcept
{
    // About 80 ms per hash on a 2-core host: slow for guessing, fine for a login.
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

std::string hash_password(std::string_view password)
{
    check_new_password(password);
    init_sodium();
    auto params = password_params();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops, params.memory_bytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error(ErrorKind::internal, "argon2id hashing failed: out of memory");
    return out;
}

bool verify_password(const std::string& stored_hash, std::string_view password)
{
    if (password.size() > max_password_bytes || stored_hash.size() >= crypto_pwhash_STRBYTES)
        return false;
    init_sodium();
    return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& stored_hash)
{
    // Also true for argon2i, which libsodium would otherwise judge by its own parameters.
    if (!stored_hash.starts_with(argon2id_prefix))
        return true;
    init_sodium();
    auto params = password_params();
    return crypto_pwhash_str_needs_rehash(stored_hash.c_str(), params.ops, params.memory_bytes) != 0;
}

std::string dummy_hash()
{
    static const std::string hash = [] {
        init_sodium();
        unsigned char secret[16];
        randombytes_buf(secret, sizeof secret);
        char password[sizeof secret * 2 + 1];
        sodium_bin2hex(password, sizeof password, secret, sizeof secret);
        auto result = hash_password(password);
        sodium_memzero(password, sizeof password);
        sodium_memzero(secret, sizeof secret);
        return result;
    }();
    return hash;
}

} // namespace sbx::account
