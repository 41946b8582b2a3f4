#include "config/units.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

namespace sbx::config {
namespace {

// Splits "1.5G" into 1.5 and "G"; requires at least one digit and nothing but a unit after.
std::optional<std::pair<double, std::string_view>> split_number(std::string_view text)
{
    if (text.empty() || !(text.front() >= '0' && text.front() <= '9'))
        return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
    if (ec != std::errc{} || !std::isfinite(value))
        return std::nullopt;
    return std::pair{value, text.substr(static_cast<std::size_t>(end - text.data()))};
}

std::optional<std::uint64_t> to_whole(double value)
{
    if (value < 0 || value >= 18446744073709551615.0 || value != std::floor(value))
        return std::nullopt;
    return static_cast<std::uint64_t>(value);
}

} // namespace

std::optional<std::uint64_t> parse_bytes(std::string_view text)
{
    auto parts = split_number(text);
    if (!parts)
        return std::nullopt;
    auto [number, unit] = *parts;
    if (unit.size() > 1 && (unit.ends_with("B") || unit.ends_with("b")))
        unit.remove_suffix(1);
    if (unit.size() > 1 && unit.ends_with("i"))
        unit.remove_suffix(1);
    double scale = 1;
    if (unit == "K" || unit == "k")
        scale = 1024.0;
    else if (unit == "M" || unit == "m")
        scale = 1024.0 * 1024;
    else if (unit == "G" || unit == "g")
        scale = 1024.0 * 1024 * 1024;
    else if (unit == "T" || unit == "t")
        scale = 1024.0 * 1024 * 1024 * 1024;
    else if (!unit.empty() && unit != "B" && unit != "b")
        return std::nullopt;
    return to_whole(number * scale);
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text)
{
    auto parts = split_number(text);
    if (!parts)
        return std::nullopt;
    auto [number, unit] = *parts;
    double ms_per_unit = 0;
    if (unit == "ms")
        ms_per_unit = 1;
    else if (unit.empty() || unit == "s")
        ms_per_unit = 1000;
    else if (unit == "m" || unit == "min")
        ms_per_unit = 60'000;
    else if (unit == "h")
        ms_per_unit = 3'600'000;
    else if (unit == "d")
        ms_per_unit = 86'400'000;
    else
        return std::nullopt;
    auto ms = to_whole(std::round(number * ms_per_unit));
    if (!ms || *ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(*ms));
}

std::optional<std::int64_t> parse_integer(std::string_view text)
{
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<double> parse_decimal(std::string_view text)
{
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<bool> parse_boolean(std::string_view text)
{
    if (text == "true" || text == "false")
        return text == "true";
    return std::nullopt;
}

std::string format_bytes(std::uint64_t bytes)
{
    static constexpr const char* units[] = {"", "K", "M", "G", "T"};
    std::size_t unit = 0;
    while (unit + 1 < std::size(units) && bytes != 0 && bytes % 1024 == 0) {
        bytes /= 1024;
        ++unit;
    }
    return std::to_string(bytes) + units[unit];
}

std::string format_number(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

std::string format_duration(std::chrono::milliseconds duration)
{
    auto ms = duration.count();
    if (ms == 0)
        return "0s";
    static constexpr std::pair<std::int64_t, const char*> units[] = {
        {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}};
    for (auto [size, name] : units)
        if (ms % size == 0)
            return std::to_string(ms / size) + name;
    return std::to_string(ms) + "ms";
}

} // namespace sbx::config
