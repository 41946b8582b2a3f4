#include "runner/run_plan.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "error.hpp"

namespace sbx::runner {
namespace {

nlohmann::json limits_to_json(const config::Limits& l)
{
    return {{"memory", l.memory},
            {"cpus", l.cpus},
            {"pids", l.pids},
            {"wall_time_ms", l.wall_time.count()},
            {"compile_time_ms", l.compile_time.count()},
            {"output_bytes", l.output_bytes},
            {"disk", l.disk}};
}

config::Limits limits_from_json(const nlohmann::json& j)
{
    config::Limits l;
    l.memory = j.at("memory").get<std::uint64_t>();
    l.cpus = j.at("cpus").get<double>();
    l.pids = j.at("pids").get<std::uint32_t>();
    l.wall_time = std::chrono::milliseconds(j.at("wall_time_ms").get<std::int64_t>());
    l.compile_time = std::chrono::milliseconds(j.at("compile_time_ms").get<std::int64_t>());
    l.output_bytes = j.at("output_bytes").get<std::uint64_t>();
    l.disk = j.at("disk").get<std::uint64_t>();
    return l;
}

} // namespace

process::UniqueFd RunPlan::open_stdin(const std::filesystem::path& root) const
{
    if (!has_stdin)
        return {};
    int fd = ::open((root / "stdin").c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        throw Error(ErrorKind::internal, (root / "stdin").string() + ": " + std::strerror(errno));
    return process::UniqueFd(fd);
}

void write_plan(const std::filesystem::path& root, const RunPlan& plan)
{
    nlohmann::json json = {{"entry", plan.entry},
                           {"args", plan.args},
                           {"env", plan.env},
                           {"has_stdin", plan.has_stdin},
                           {"limits", limits_to_json(plan.limits)}};
    if (plan.admission)
        json["admission"] = {{"max_runs", plan.admission->max_runs},
                             {"max_memory_bytes", plan.admission->max_memory_bytes},
                             {"max_cpus", plan.admission->max_cpus}};
    auto path = root / "plan.json";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        throw Error(ErrorKind::unavailable, path.string() + ": cannot create: " + std::strerror(errno));
    process::UniqueFd owned(fd);
    std::string text = json.dump();
    if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        throw Error(ErrorKind::unavailable, path.string() + ": cannot write: " + std::strerror(errno));
}

RunPlan read_plan(const std::filesystem::path& root)
{
    auto path = root / "plan.json";
    std::ifstream in(path);
    if (!in)
        throw Error(ErrorKind::internal, path.string() + ": run plan missing");
    try {
        nlohmann::json json = nlohmann::json::parse(in);
        RunPlan plan;
        plan.entry = json.at("entry").get<std::string>();
        plan.args = json.at("args").get<std::vector<std::string>>();
        plan.env = json.at("env").get<std::map<std::string, std::string>>();
        plan.has_stdin = json.at("has_stdin").get<bool>();
        plan.limits = limits_from_json(json.at("limits"));
        if (json.contains("admission")) {
            const auto& a = json.at("admission");
            plan.admission =
                account::Admission{a.at("max_runs").get<std::uint32_t>(), a.at("max_memory_bytes").get<std::int64_t>(),
                                   a.at("max_cpus").get<double>()};
        }
        return plan;
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::internal, path.string() + ": malformed run plan: " + e.what());
    }
}

} // namespace sbx::runner
