#pragma once
// SHA-256 of a string, raw or as hex.
#include <string>

namespace sbx::common {

/// The 32 bytes of the digest.
std::string sha256(const std::string& text);
/// The digest as 64 lowercase hex digits.
std::string sha256_hex(const std::string& text);

} // namespace sbx::common
