#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1), as authenticator
// apps implement them: 30-second steps, 6 digits, secrets shown in base32.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sbx::account {

inline constexpr int totp_digits = 6;
inline constexpr std::int64_t totp_period_seconds = 30;

/// 20 random bytes (160 bits, RFC 4226's recommended size).
std::string random_totp_secret();

/// RFC 4648 base32 in upper case, without '=' padding.
std::string base32_encode(std::string_view bytes);
/// Accepts upper or lower case and ignores spaces and '='. nullopt for any other character or
/// for a length no encoding produces.
std::optional<std::string> base32_decode(std::string_view text);

/// The TOTP time step: floor(unix seconds / 30).
std::int64_t totp_step(std::chrono::sys_seconds now);
std::int64_t totp_step(std::chrono::system_clock::time_point now);

/// The HOTP code of secret (raw bytes) at counter, zero-padded to digits (6 to 8).
/// Throws Error(usage) for an empty secret or digits out of range.
std::string hotp_code(std::string_view secret, std::int64_t counter, int digits = totp_digits);

/// The step at which code is valid for secret, among the steps just before, at and just after
/// now, ignoring any step at or before last_used_step so that no code is accepted twice.
/// Record the step returned as the new last_used_step. nullopt if none matches or code is not
/// exactly 6 ASCII digits. Comparison is constant-time.
std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code,
                                       std::chrono::system_clock::time_point now,
                                       std::optional<std::int64_t> last_used_step);

/// The key URI authenticator apps read from a QR code (Google Authenticator's format):
/// otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
/// issuer and account percent-encoded. An empty issuer is left out.
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret);

} // namespace sbx::account
