#include "runner/limits.hpp"

#include <nlohmann/json.hpp>

#include "config/units.hpp"
#include "error.hpp"

namespace sbx::runner {
namespace {

template <typename T, typename Format>
void apply(const char* field, const std::optional<T>& asked, T& limit, const T& cap, Format format)
{
    if (!asked)
        return;
    if (!(*asked > T{}))
        throw Error(ErrorKind::usage, std::string(field) + " must be greater than 0", field);
    if (*asked > cap)
        throw Error(ErrorKind::usage,
                    std::string(field) + " " + format(*asked) + " is above the admin cap of " + format(cap) +
                        " (caps." + field + " in sbx.toml)",
                    field);
    limit = *asked;
}

} // namespace

config::Limits resolve_limits(const config::Limits& runtime, const config::Limits& caps, const LimitRequest& request)
{
    auto bytes = [](std::uint64_t v) { return config::format_bytes(v); };
    auto duration = [](std::chrono::milliseconds v) { return config::format_duration(v); };
    auto number = [](auto v) { return nlohmann::json(v).dump(); };
    config::Limits limits = runtime;
    apply("memory", request.memory, limits.memory, caps.memory, bytes);
    apply("cpus", request.cpus, limits.cpus, caps.cpus, number);
    apply("pids", request.pids, limits.pids, caps.pids, number);
    apply("wall_time", request.wall_time, limits.wall_time, caps.wall_time, duration);
    apply("compile_time", request.compile_time, limits.compile_time, caps.compile_time, duration);
    apply("output_bytes", request.output_bytes, limits.output_bytes, caps.output_bytes, bytes);
    apply("disk", request.disk, limits.disk, caps.disk, bytes);
    return limits;
}

} // namespace sbx::runner
