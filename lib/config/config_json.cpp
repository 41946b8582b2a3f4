#include "config/config_json.hpp"

#include "config/units.hpp"

namespace sbx::config {

nlohmann::json limits_json(const Limits& limits)
{
    return {
        {"memory", format_bytes(limits.memory)},
        {"memory_bytes", limits.memory},
        {"cpus", limits.cpus},
        {"pids", limits.pids},
        {"wall_time", format_duration(limits.wall_time)},
        {"wall_time_ms", limits.wall_time.count()},
        {"compile_time", format_duration(limits.compile_time)},
        {"compile_time_ms", limits.compile_time.count()},
        {"output_bytes", limits.output_bytes},
        {"disk", format_bytes(limits.disk)},
        {"disk_bytes", limits.disk},
    };
}

nlohmann::json runtime_summary_json(const Runtime& runtime)
{
    return {
        {"id", runtime.id},
        {"name", runtime.name},
        {"language", runtime.language},
        {"version", runtime.version},
        {"os", runtime.os},
        {"arch", runtime.arch},
        {"image", runtime.image},
        {"description", runtime.description},
    };
}

nlohmann::json runtime_json(const Runtime& runtime)
{
    auto json = runtime_summary_json(runtime);
    json["file"] = runtime.file;
    json["hello_world"] = runtime.hello_world;
    json["compile"] = runtime.compile;
    json["run"] = runtime.run;
    json["check"] = runtime.check;
    json["env"] = runtime.env;
    json["limits"] = limits_json(runtime.limits);
    json["faq"] = faq_json(runtime.faq);
    json["source"] = runtime.source;
    json["aliases"] = runtime.aliases;
    json["pool"] = {{"size", runtime.pool_size ? nlohmann::json(*runtime.pool_size) : nlohmann::json(nullptr)},
                    {"warmup", runtime.pool_warmup}};
    return json;
}

nlohmann::json faq_json(const std::vector<FaqEntry>& entries)
{
    auto json = nlohmann::json::array();
    for (const auto& entry : entries) {
        nlohmann::json item = {{"question", entry.question}, {"answer", entry.answer}};
        if (!entry.id.empty())
            item["id"] = entry.id;
        json.push_back(std::move(item));
    }
    return json;
}

nlohmann::json settings_json(const LoadedSettings& loaded)
{
    nlohmann::json settings = nlohmann::json::array();
    for (const auto& value : loaded.values)
        settings.push_back({{"key", value.key},
                            {"value", value.value},
                            {"source", source_name(value.origin.source)},
                            {"origin", value.origin.where},
                            {"description", value.description}});
    return {{"config_file", loaded.config_file.string()},
            {"config_file_found", loaded.config_file_found},
            {"settings", settings}};
}

} // namespace sbx::config
