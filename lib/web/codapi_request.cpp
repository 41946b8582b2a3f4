#include "web/codapi_request.hpp"

#include <algorithm>

#include "web/api_error.hpp"
#include "web/version_match.hpp"

namespace sbx::web {
namespace {

std::string required_text(const nlohmann::json& body, const std::string& field)
{
    if (!body.contains(field) || !body[field].is_string() || body[field].get<std::string>().empty())
        throw HttpError(400, "invalid", "'" + field + "' is required as a string", field);
    return body[field].get<std::string>();
}

std::string optional_text(const nlohmann::json& body, const std::string& field, std::string fallback)
{
    if (!body.contains(field) || body[field].is_null())
        return fallback;
    if (!body[field].is_string())
        throw HttpError(400, "invalid", "'" + field + "' must be a string", field);
    auto text = body[field].get<std::string>();
    return text.empty() ? fallback : text;
}

} // namespace

CodapiRequest parse_codapi_request(const nlohmann::json& body)
{
    if (!body.is_object())
        throw HttpError(400, "invalid", "the body must be a JSON object", "body");
    CodapiRequest request;
    request.sandbox = required_text(body, "sandbox");
    request.version = optional_text(body, "version", "");
    request.command = optional_text(body, "command", "run");
    if (!body.contains("files") || !body["files"].is_object() || body["files"].empty())
        throw HttpError(400, "invalid", "'files' is required as an object of names to contents", "files");
    for (const auto& [name, content] : body["files"].items()) {
        if (!content.is_string())
            throw HttpError(400, "invalid", "file '" + name + "' must be a string", "files");
        request.files.emplace_back(name, content.get<std::string>());
    }
    return request;
}

runner::RunRequest codapi_run_request(const CodapiRequest& request, const config::RuntimeCatalog& catalog)
{
    const auto* runtime = find_runtime(catalog, request.sandbox, request.version.empty() ? "*" : request.version);
    if (!runtime)
        throw HttpError(404, "not-found", "unknown sandbox: " + request.sandbox, "sandbox");
    // sbx runs a runtime's one command; codapi's other commands (test, ...) are sandboxes' own.
    if (request.command != "run")
        throw HttpError(404, "not-found", "unknown command: " + request.sandbox + "." + request.command, "command");
    runner::RunRequest run;
    run.runtime = runtime->id;
    for (const auto& [name, content] : request.files)
        run.files.push_back({name.empty() ? runtime->file : name, content});
    auto entry = std::find_if(run.files.begin(), run.files.end(),
                              [&](const runner::RunFile& f) { return f.name == runtime->file; });
    if (entry != run.files.end())
        std::rotate(run.files.begin(), entry, entry + 1);
    return run;
}

std::string codapi_id(const CodapiRequest& request, std::int64_t run_id)
{
    return request.sandbox + "_" + request.command + "_" + std::to_string(run_id);
}

nlohmann::json codapi_answer(const std::string& id, const runner::RunResult& result)
{
    const auto& record = result.record;
    std::string stderr_text = result.output.stderr_text;
    using store::RunStatus;
    if (record.status == RunStatus::timeout || record.status == RunStatus::oom ||
        record.status == RunStatus::output_limit) {
        if (!stderr_text.empty() && !stderr_text.ends_with('\n'))
            stderr_text += '\n';
        stderr_text += record.reason;
    }
    return {{"id", id},
            {"ok", record.status == RunStatus::succeeded},
            {"duration", record.wall_ms.value_or(0)},
            {"stdout", result.output.stdout_text},
            {"stderr", stderr_text}};
}

nlohmann::json codapi_failure(const std::string& id, const std::string& message)
{
    return {{"id", id}, {"ok", false}, {"duration", 0}, {"stdout", ""}, {"stderr", message}};
}

} // namespace sbx::web
