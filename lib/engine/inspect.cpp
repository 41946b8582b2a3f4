#include "engine/inspect.hpp"

#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

#include "error.hpp"

namespace sbx::engine {

namespace {

using nlohmann::json;

[[noreturn]] void malformed(std::string_view what, std::string_view text)
{
    throw Error(ErrorKind::data, "malformed " + std::string(what) + " from the engine: \"" + std::string(text) + "\"");
}

// Reads exactly `digits` decimal digits at `pos`.
int number_at(std::string_view text, std::size_t pos, std::size_t digits)
{
    int value = 0;
    if (pos + digits > text.size())
        malformed("time", text);
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + digits, value);
    if (ec != std::errc() || end != text.data() + pos + digits)
        malformed("time", text);
    return value;
}

void expect(std::string_view text, std::size_t pos, char c)
{
    if (pos >= text.size() || text[pos] != c)
        malformed("time", text);
}

std::string string_or_empty(const json& object, const char* key)
{
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ContainerInfo parse_container(const json& entry)
{
    ContainerInfo info;
    info.id = string_or_empty(entry, "Id");
    info.name = string_or_empty(entry, "Name");
    // docker names start with '/', podman's do not.
    if (!info.name.empty() && info.name.front() == '/')
        info.name.erase(0, 1);
    const json& config = entry.value("Config", json::object());
    info.image = string_or_empty(config, "Image");
    if (auto labels = config.find("Labels"); labels != config.end() && labels->is_object())
        for (const auto& [key, value] : labels->items())
            if (value.is_string())
                info.labels[key] = value.get<std::string>();
    const json& state = entry.value("State", json::object());
    info.state = parse_state(string_or_empty(state, "Status"));
    info.exit_code = state.value("ExitCode", 0);
    info.oom_killed = state.value("OOMKilled", false);
    // Both engines say 0 once it has ended; docker says 0 before it starts, podman too.
    if (auto pid = state.find("Pid"); pid != state.end() && pid->is_number_integer() && pid->get<long long>() > 0 &&
                                      pid->get<long long>() <= std::numeric_limits<int>::max())
        info.pid = static_cast<int>(pid->get<long long>());
    info.started_at = parse_timestamp(string_or_empty(state, "StartedAt"));
    info.finished_at = parse_timestamp(string_or_empty(state, "FinishedAt"));
    // podman names the runtime in OCIRuntime (its HostConfig.Runtime says "oci");
    // docker has no OCIRuntime and names it in HostConfig.Runtime.
    info.runtime = string_or_empty(entry, "OCIRuntime");
    if (info.runtime.empty())
        info.runtime = string_or_empty(entry.value("HostConfig", json::object()), "Runtime");
    return info;
}

} // namespace

std::vector<ContainerInfo> parse_inspect(std::string_view text)
{
    json document = json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_array())
        throw Error(ErrorKind::data,
                    "container inspect did not print a JSON array: " + std::string(text.substr(0, 200)));
    std::vector<ContainerInfo> result;
    try {
        for (const auto& entry : document)
            if (entry.is_object())
                result.push_back(parse_container(entry));
    } catch (const json::exception& e) {
        throw Error(ErrorKind::data, std::string("unexpected container inspect JSON: ") + e.what());
    }
    return result;
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text)
{
    using namespace std::chrono;
    if (text.empty())
        return std::nullopt;
    // YYYY-MM-DDTHH:MM:SS
    int y = number_at(text, 0, 4);
    expect(text, 4, '-');
    int mo = number_at(text, 5, 2);
    expect(text, 7, '-');
    int d = number_at(text, 8, 2);
    if (text.size() < 11 || (text[10] != 'T' && text[10] != ' '))
        malformed("time", text);
    int h = number_at(text, 11, 2);
    expect(text, 13, ':');
    int mi = number_at(text, 14, 2);
    expect(text, 16, ':');
    int s = number_at(text, 17, 2);
    std::size_t pos = 19;
    nanoseconds fraction{0};
    if (pos < text.size() && text[pos] == '.') {
        std::int64_t scale = 100'000'000;
        for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
            fraction += nanoseconds((text[pos] - '0') * scale);
            scale /= 10;
        }
    }
    minutes offset{0};
    if (pos < text.size() && text[pos] == 'Z') {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int sign = text[pos] == '-' ? -1 : 1;
        offset = minutes(sign * (number_at(text, pos + 1, 2) * 60 + number_at(text, pos + 4, 2)));
        expect(text, pos + 3, ':');
        pos += 6;
    } else {
        malformed("time", text);
    }
    if (pos != text.size())
        malformed("time", text);
    if (y <= 1)
        return std::nullopt;
    year_month_day date{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
    if (!date.ok() || h > 23 || mi > 59 || s > 60)
        malformed("time", text);
    sys_time<nanoseconds> utc = sys_days(date) + hours(h) + minutes(mi) + seconds(s) + fraction - offset;
    return time_point_cast<system_clock::duration>(utc);
}

ContainerState parse_state(std::string_view status) noexcept
{
    if (status == "created" || status == "configured" || status == "initialized")
        return ContainerState::created;
    if (status == "running" || status == "stopping" || status == "restarting")
        return ContainerState::running;
    if (status == "paused")
        return ContainerState::paused;
    if (status == "exited" || status == "stopped")
        return ContainerState::exited;
    if (status == "removing")
        return ContainerState::removing;
    if (status == "dead")
        return ContainerState::dead;
    return ContainerState::unknown;
}

} // namespace sbx::engine
