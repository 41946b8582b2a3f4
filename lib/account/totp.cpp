#include "account/totp.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>

#include "error.hpp"

namespace sbx::account {
namespace {

constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t secret_bytes = 20;

int base32_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

// RFC 3986 unreserved characters stay, everything else (':' and ' ' included) becomes %XX.
std::string percent_encode(std::string_view text)
{
    static constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        }
    }
    return out;
}

bool is_six_digits(std::string_view code)
{
    if (code.size() != static_cast<std::size_t>(totp_digits))
        return false;
    for (char c : code)
        if (c < '0' || c > '9')
            return false;
    return true;
}

} // namespace

std::string random_totp_secret()
{
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        throw Error(ErrorKind::internal, "libsodium could not be initialised");
    std::string secret(secret_bytes, '\0');
    randombytes_buf(secret.data(), secret.size());
    return secret;
}

std::string base32_encode(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() * 8 + 4) / 5);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : bytes) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += base32_alphabet[(buffer >> bits) & 31];
        }
    }
    if (bits > 0)
        out += base32_alphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<std::string> base32_decode(std::string_view text)
{
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    std::size_t chars = 0;
    for (char c : text) {
        if (c == ' ' || c == '=')
            continue;
        int value = base32_value(c);
        if (value < 0)
            return std::nullopt;
        ++chars;
        buffer = (buffer << 5) | static_cast<unsigned>(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    // 1, 3 or 6 characters past a whole 8-character group cannot end an encoding: one is missing.
    auto rest = chars % 8;
    if (rest == 1 || rest == 3 || rest == 6)
        return std::nullopt;
    return out;
}

std::int64_t totp_step(std::chrono::sys_seconds now)
{
    auto seconds = now.time_since_epoch().count();
    auto step = seconds / totp_period_seconds;
    return (seconds % totp_period_seconds < 0) ? step - 1 : step;
}

std::int64_t totp_step(std::chrono::system_clock::time_point now)
{
    return totp_step(std::chrono::floor<std::chrono::seconds>(now));
}

std::string hotp_code(std::string_view secret, std::int64_t counter, int digits)
{
    if (secret.empty())
        throw Error(ErrorKind::usage, "the one-time password secret is empty", "secret");
    if (digits < 6 || digits > 8)
        throw Error(ErrorKind::usage, "a one-time password has 6 to 8 digits, not " + std::to_string(digits), "digits");
    std::array<unsigned char, 8> message{};
    auto value = static_cast<std::uint64_t>(counter);
    for (auto it = message.rbegin(); it != message.rend(); ++it, value >>= 8)
        *it = static_cast<unsigned char>(value & 0xff);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned mac_size = 0;
    if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(), message.size(), mac.data(),
             &mac_size) == nullptr ||
        mac_size != 20)
        throw Error(ErrorKind::internal, "HMAC-SHA1 failed in OpenSSL");
    // RFC 4226 5.3 dynamic truncation.
    unsigned offset = mac[19] & 0xf;
    std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                           (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                           (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
    std::uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i)
        modulus *= 10;
    auto code = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code,
                                       std::chrono::system_clock::time_point now,
                                       std::optional<std::int64_t> last_used_step)
{
    if (!is_six_digits(code))
        return std::nullopt;
    auto current = totp_step(now);
    std::optional<std::int64_t> matched;
    // Every candidate is compared, matched or not, so the time taken says nothing about the code.
    for (auto step = current - 1; step <= current + 1; ++step) {
        if (last_used_step && step <= *last_used_step)
            continue;
        auto expected = hotp_code(secret, step, totp_digits);
        if (CRYPTO_memcmp(expected.data(), code.data(), expected.size()) == 0 && !matched)
            matched = step;
    }
    return matched;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret)
{
    std::string uri = "otpauth://totp/";
    if (!issuer.empty())
        uri += percent_encode(issuer) + ":";
    uri += percent_encode(account);
    uri += "?secret=" + base32_encode(secret);
    if (!issuer.empty())
        uri += "&issuer=" + percent_encode(issuer);
    uri += "&algorithm=SHA1&digits=" + std::to_string(totp_digits) + "&period=" + std::to_string(totp_period_seconds);
    return uri;
}

} // namespace sbx::account
