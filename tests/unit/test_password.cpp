#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "account/password.hpp"
#include "error.hpp"

using namespace sbx::account;

namespace {

// The value of "key=" in the parameter section of a PHC string ("...$m=65536,t=2,p=1$...").
long phc_param(const std::string& hash, const std::string& key)
{
    auto at = hash.find("$" + key + "=");
    if (at == std::string::npos)
        at = hash.find("," + key + "=");
    REQUIRE(at != std::string::npos);
    return std::stol(hash.substr(at + key.size() + 2));
}

bool refused_for_password(const std::string& password)
{
    try {
        hash_password(password);
    } catch (const sbx::Error& e) {
        return e.kind() == sbx::ErrorKind::usage && e.field() == "password";
    }
    return false;
}

double elapsed_ms(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

} // namespace

TEST_CASE("a hashed password verifies, a wrong one does not", "[password]")
{
    auto hash = hash_password("correct horse battery");
    CHECK(verify_password(hash, "correct horse battery"));
    CHECK_FALSE(verify_password(hash, "correct horse batterY"));
    CHECK_FALSE(verify_password(hash, ""));
    CHECK(hash_password("correct horse battery") != hash); // fresh salt
    CHECK_FALSE(needs_rehash(hash));
}

TEST_CASE("hashes are argon2id at or above the OWASP minimum", "[password]")
{
    auto hash = hash_password("correct horse battery");
    CHECK(hash.starts_with("$argon2id$"));
    CHECK(phc_param(hash, "m") >= 19456); // KiB
    CHECK(phc_param(hash, "t") >= 2);
    CHECK(password_params().memory_bytes >= 19u << 20);
    CHECK(password_params().ops >= 2);
}

TEST_CASE("unacceptable new passwords are refused before hashing", "[password]")
{
    std::string huge(1 << 20, 'a');
    auto start = std::chrono::steady_clock::now();
    CHECK(refused_for_password(huge));
    CHECK(elapsed_ms(start) < 50);
    CHECK(refused_for_password(std::string(max_password_bytes + 1, 'a')));
    CHECK_THROWS_WITH(hash_password(huge), "the password is longer than 1024 bytes");
    CHECK(refused_for_password("short"));
    CHECK(refused_for_password(std::string(min_password_bytes - 1, 'a')));
    CHECK(refused_for_password(std::string("long enough\0but NUL", 19)));
    CHECK_NOTHROW(hash_password(std::string(min_password_bytes, 'a')));
}

TEST_CASE("verify refuses oversized passwords and malformed hashes without hashing", "[password]")
{
    auto hash = hash_password("correct horse battery");
    std::string huge(1 << 20, 'a');
    auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(verify_password(hash, huge));
    CHECK(elapsed_ms(start) < 50);
    CHECK_FALSE(verify_password("", "correct horse battery"));
    CHECK_FALSE(verify_password("not a hash", "correct horse battery"));
    CHECK_FALSE(verify_password("$argon2id$v=19$m=65536,t=2,p=1$garbage", "correct horse battery"));
    CHECK_FALSE(verify_password(hash.substr(0, hash.size() - 4), "correct horse battery"));
    CHECK(needs_rehash("not a hash"));
}

TEST_CASE("weaker or other-algorithm hashes need a rehash", "[password]")
{
    // Real hashes: argon2id at 19 MiB of "correct horse", argon2i of "correct horse battery".
    auto weaker = std::string(
        "$argon2id$v=19$m=19456,t=2,p=1$Hi/Z5M98hqvmyFshHDS+4Q$Gr0B4M3cWv4HRyxAGn+Mv7B111MlwhtI+5n+6NpwseU");
    auto argon2i =
        std::string("$argon2i$v=19$m=65536,t=3,p=1$WqJDqt1iolEvg85K5x6+Dg$YrRnY02xxyJ29kSbe2zait38T8/kbrKaeg8m36JVigE");
    CHECK(verify_password(weaker, "correct horse"));
    CHECK(verify_password(argon2i, "correct horse battery"));
    CHECK(needs_rehash(weaker));
    CHECK(needs_rehash(argon2i));
}

TEST_CASE("the dummy hash is valid, stable and matches no password", "[password]")
{
    auto dummy = dummy_hash();
    CHECK(dummy.starts_with("$argon2id$"));
    CHECK(dummy_hash() == dummy);
    CHECK_FALSE(needs_rehash(dummy));
    CHECK_FALSE(verify_password(dummy, "correct horse battery"));
    CHECK_FALSE(verify_password(dummy, ""));
}
