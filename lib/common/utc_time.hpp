#pragma once
// The store's timestamps: ISO 8601 UTC text such as "2026-11-22T02:00:00.000Z".
#include <ctime>
#include <string>

namespace sbx::common {

/// Seconds since the epoch of such a timestamp (fractions dropped); 0 when it is not one.
std::time_t parse_utc(const std::string& iso);

/// `t` in the same form, "2026-11-22T02:00:00.000Z", so it sorts among the stored ones.
std::string format_utc(std::time_t t);

} // namespace sbx::common
