#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "account/totp.hpp"
#include "error.hpp"

using namespace sbx::account;
using std::chrono::seconds;
using std::chrono::sys_seconds;
using std::chrono::system_clock;

namespace {

const std::string rfc_secret = "12345678901234567890";

system_clock::time_point at(std::int64_t unix_seconds)
{
    return system_clock::time_point(seconds(unix_seconds));
}

} // namespace

TEST_CASE("RFC 6238 appendix B SHA1 vectors", "[totp]")
{
    struct Vector {
        std::int64_t time;
        const char* code;
    };
    for (auto [time, code] :
         {Vector{59, "94287082"}, Vector{1111111109, "07081804"}, Vector{1111111111, "14050471"},
          Vector{1234567890, "89005924"}, Vector{2000000000, "69279037"}, Vector{20000000000, "65353130"}}) {
        INFO("T = " << time);
        // 20000000000 (year 2603) is past what a nanosecond system_clock holds, hence sys_seconds.
        CHECK(hotp_code(rfc_secret, totp_step(sys_seconds(seconds(time))), 8) == code);
    }
    CHECK(totp_step(at(1111111109)) == 0x23523EC);
    CHECK(totp_step(at(59)) == 1);
    CHECK(totp_step(at(60)) == 2);
    CHECK(totp_step(at(-1)) == -1);
}

TEST_CASE("RFC 4226 appendix D HOTP vectors", "[totp]")
{
    const char* codes[] = {"755224", "287082", "359152", "969429", "338314",
                           "254676", "287922", "162583", "399871", "520489"};
    for (std::int64_t counter = 0; counter < 10; ++counter)
        CHECK(hotp_code(rfc_secret, counter) == codes[counter]);
    CHECK_THROWS_AS(hotp_code("", 0), sbx::Error);
    CHECK_THROWS_AS(hotp_code(rfc_secret, 0, 5), sbx::Error);
    CHECK_THROWS_AS(hotp_code(rfc_secret, 0, 9), sbx::Error);
}

TEST_CASE("codes one step either side are accepted, two steps are not", "[totp]")
{
    auto now = at(1'700'000'015);
    auto step = totp_step(now);
    CHECK(totp_match(rfc_secret, hotp_code(rfc_secret, step), now, std::nullopt) == step);
    CHECK(totp_match(rfc_secret, hotp_code(rfc_secret, step - 1), now, std::nullopt) == step - 1);
    CHECK(totp_match(rfc_secret, hotp_code(rfc_secret, step + 1), now, std::nullopt) == step + 1);
    CHECK_FALSE(totp_match(rfc_secret, hotp_code(rfc_secret, step - 2), now, std::nullopt));
    CHECK_FALSE(totp_match(rfc_secret, hotp_code(rfc_secret, step + 2), now, std::nullopt));
    CHECK_FALSE(totp_match("another secret value", hotp_code(rfc_secret, step), now, std::nullopt));
}

TEST_CASE("a code is never accepted twice, nor one older than the last used", "[totp]")
{
    auto now = at(1'700'000'015);
    auto step = totp_step(now);
    auto code = hotp_code(rfc_secret, step);
    auto used = totp_match(rfc_secret, code, now, std::nullopt);
    REQUIRE(used == step);
    CHECK_FALSE(totp_match(rfc_secret, code, now, used));
    CHECK_FALSE(totp_match(rfc_secret, code, now + seconds(30), used));
    // The next step's code was used; the current one, still in the window, is now too old.
    CHECK_FALSE(totp_match(rfc_secret, code, now, step + 1));
    CHECK_FALSE(totp_match(rfc_secret, hotp_code(rfc_secret, step - 1), now, step));
    CHECK(totp_match(rfc_secret, hotp_code(rfc_secret, step + 1), now, step) == step + 1);
}

TEST_CASE("only exactly six ASCII digits can match", "[totp]")
{
    auto now = at(1'700'000'015);
    auto code = hotp_code(rfc_secret, totp_step(now));
    CHECK(totp_match(rfc_secret, code, now, std::nullopt));
    CHECK_FALSE(totp_match(rfc_secret, code + "0", now, std::nullopt));
    CHECK_FALSE(totp_match(rfc_secret, code.substr(1), now, std::nullopt));
    CHECK_FALSE(totp_match(rfc_secret, " " + code.substr(1), now, std::nullopt));
    CHECK_FALSE(totp_match(rfc_secret, code.substr(0, 5) + "x", now, std::nullopt));
    CHECK_FALSE(totp_match(rfc_secret, "", now, std::nullopt));
    CHECK_FALSE(totp_match(rfc_secret, hotp_code(rfc_secret, totp_step(now), 8), now, std::nullopt));
}

TEST_CASE("base32 follows RFC 4648 without padding", "[totp]")
{
    CHECK(base32_encode("").empty());
    CHECK(base32_encode("f") == "MY");
    CHECK(base32_encode("fo") == "MZXQ");
    CHECK(base32_encode("foo") == "MZXW6");
    CHECK(base32_encode("foob") == "MZXW6YQ");
    CHECK(base32_encode("fooba") == "MZXW6YTB");
    CHECK(base32_encode("foobar") == "MZXW6YTBOI");
    CHECK(base32_decode("MZXW6YTBOI") == "foobar");
    CHECK(base32_decode("MZXW6YTBOI======") == "foobar");
    CHECK(base32_decode("mzxw 6ytb oi") == "foobar");
    CHECK(base32_decode("MY======") == "f");
    CHECK(base32_decode("") == "");
    CHECK_FALSE(base32_decode("MZXW1YTB")); // '1' is not in the alphabet
    CHECK_FALSE(base32_decode("MZXW6YTB0I"));
    CHECK_FALSE(base32_decode("MZ-XW"));
    CHECK_FALSE(base32_decode("M")); // no encoding is 1, 3 or 6 characters past a group
    CHECK_FALSE(base32_decode("MZX"));
    CHECK_FALSE(base32_decode("MZXW6Y"));
}

TEST_CASE("base32 round-trips every length and byte", "[totp]")
{
    for (std::size_t length = 0; length <= 25; ++length) {
        std::string bytes;
        for (std::size_t i = 0; i < length; ++i)
            bytes += static_cast<char>((i * 73 + length * 31 + 255) & 0xff);
        INFO("length " << length);
        CHECK(base32_decode(base32_encode(bytes)) == bytes);
    }
    auto secret = random_totp_secret();
    CHECK(secret.size() == 20);
    CHECK(secret != random_totp_secret());
    CHECK(base32_decode(base32_encode(secret)) == secret);
}

TEST_CASE("otpauth URIs percent-encode issuer and account", "[totp]")
{
    CHECK(otpauth_uri("sbx", "alice", "12345678901234567890") ==
          "otpauth://totp/"
          "sbx:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=sbx&algorithm=SHA1&digits=6&period=30");
    CHECK(otpauth_uri("sbx lab", "alice:b@example.org", "\x01") ==
          "otpauth://totp/"
          "sbx%20lab:alice%3Ab%40example.org?secret=AE&issuer=sbx%20lab&algorithm=SHA1&digits=6&period=30");
    CHECK(otpauth_uri("", "alice", "f") == "otpauth://totp/alice?secret=MY&algorithm=SHA1&digits=6&period=30");
}
