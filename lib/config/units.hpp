#pragma once
// Human units in config and on the command line: "256M", "1.5G", "10s", "2m", "30d";
// and the plain numbers and booleans beside them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sbx::config {

/// Parses a byte size: a plain integer (bytes) or a number with K, M, G or T
/// (powers of 1024, optional "i"/"B": "64M", "64MiB", "1.5G"). nullopt if malformed.
std::optional<std::uint64_t> parse_bytes(std::string_view text);

/// Parses a duration: a plain integer (seconds) or number+unit among ms, s, m, h, d
/// ("500ms", "10s", "1.5m", "30d"). nullopt if malformed or negative.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// Parses a whole decimal number, sign allowed ("42", "-1"); nullopt unless all of `text` is one.
std::optional<std::int64_t> parse_integer(std::string_view text);

/// Parses a decimal number ("0.5", "2", "1e3"); nullopt unless all of `text` is one.
std::optional<double> parse_decimal(std::string_view text);

/// "true" or "false", exactly; nullopt for anything else.
std::optional<bool> parse_boolean(std::string_view text);

/// Shortest exact text for a byte size ("256M", "1536K", "100").
std::string format_bytes(std::uint64_t bytes);

/// A number as a person writes it ("0.5", "2").
std::string format_number(double value);

/// Shortest exact text for a duration ("10s", "1500ms", "30d").
std::string format_duration(std::chrono::milliseconds duration);

} // namespace sbx::config
