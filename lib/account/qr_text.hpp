#pragma once
// QR codes drawn with text, for a terminal (the TOTP enrolment URI, for one).
#include <string>
#include <string_view>

namespace sbx::account {

/// text as a QR code (error correction level M) in Unicode half blocks, two module rows per
/// line, each line ending in '\n'. Light modules and the 2-module quiet zone are drawn, dark
/// ones left blank, so the code scans on a dark terminal background. Throws Error(usage,
/// field "text") for empty text or text too long for a QR code, Error(internal) otherwise.
std::string qr_text(std::string_view text);

} // namespace sbx::account
