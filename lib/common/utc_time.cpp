#include "common/utc_time.hpp"

namespace sbx::common {

std::time_t parse_utc(const std::string& iso)
{
    std::tm tm{};
    if (!strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return timegm(&tm);
}

std::string format_utc(std::time_t t)
{
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return text;
}

} // namespace sbx::common
