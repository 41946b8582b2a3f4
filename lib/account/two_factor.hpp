#pragma once
// TOTP as a second login step: enrol (a secret shown once), confirm with a first code,
// verify at login (each code once), disable. Secrets never leave lib except at enrolment.
#include <chrono>
#include <string>

#include "account/actor.hpp"
#include "store/database.hpp"

namespace sbx::account {

struct TotpEnrolment {
    std::string secret_base32; ///< for typing into an app by hand
    std::string uri;           ///< otpauth://..., for a QR code
};

/// Starts enrolment for `name` (oneself, or anyone as admin): a new secret replaces any
/// old one, and TOTP stays off until confirm_totp(). Error(conflict) when already enabled.
TotpEnrolment begin_totp(store::Database& db, const Actor& actor, const std::string& name, const std::string& issuer);

/// Turns TOTP on when `code` is valid for the pending secret. Error(usage, field "code") otherwise.
void confirm_totp(store::Database& db, const Actor& actor, const std::string& name, const std::string& code,
                  std::chrono::system_clock::time_point now);

/// Turns TOTP off and forgets the secret.
void disable_totp(store::Database& db, const Actor& actor, const std::string& name);

/// True when `code` is valid now for the user's enabled TOTP and was not used before; of
/// concurrent verifications of one code, only one succeeds.
bool verify_totp(store::Database& db, std::int64_t user_id, const std::string& code,
                 std::chrono::system_clock::time_point now);

} // namespace sbx::account
