#include "web/piston_request.hpp"

#include <algorithm>
#include <cstring>

#include "runner/run_json.hpp"
#include "web/api_error.hpp"
#include "web/http.hpp"

namespace sbx::web {
namespace {

[[noreturn]] void refuse(const std::string& message, const std::string& field)
{
    throw HttpError(400, "invalid", message, field);
}

std::optional<std::string> hex_decode(const std::string& text)
{
    if (text.size() % 2 != 0)
        return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int high = hex_value(text[i]), low = hex_value(text[i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        out += static_cast<char>(high * 16 + low);
    }
    return out;
}

// Piston's constraint check: absent or 0 is "not given", anything else a number.
std::optional<std::int64_t> constraint(const nlohmann::json& body, const std::string& name)
{
    if (!body.contains(name) || body[name].is_null() || body[name] == 0 || body[name] == false)
        return std::nullopt;
    if (!body[name].is_number())
        refuse("If specified, " + name + " must be a number", name);
    return body[name].get<std::int64_t>();
}

template <typename T>
T clamp_to(T asked, T cap)
{
    return std::min(asked, cap);
}

nlohmann::json stage_json(const std::string& stdout_text, const std::string& stderr_text, const std::string& output,
                          const store::RunRecord& record, bool ended_here)
{
    nlohmann::json json = {{"stdout", stdout_text}, {"stderr", stderr_text}, {"output", output},  {"code", 0},
                           {"signal", nullptr},     {"status", nullptr},     {"message", nullptr}};
    if (!ended_here)
        return json;
    // Piston reports a killed program as code null and the signal's name.
    int number = record.signal.value_or(0);
    int code = record.exit_code.value_or(-1);
    if (!number && code > 128 && code < 128 + 65)
        number = code - 128;
    json["code"] = number || code < 0 ? nlohmann::json(nullptr) : nlohmann::json(code);
    if (auto name = signal_name(number))
        json["signal"] = *name;
    using store::RunStatus;
    const char* status = nullptr;
    if (record.status == RunStatus::timeout)
        status = "TO";
    else if (record.status == RunStatus::oom || record.status == RunStatus::output_limit || number)
        status = "SG";
    else if (record.status == RunStatus::failed)
        status = "RE";
    if (status) {
        json["status"] = status;
        if (!record.reason.empty())
            json["message"] = record.reason;
    }
    auto or_null = [](const std::optional<std::int64_t>& value) {
        return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
    };
    json["wall_time"] = or_null(record.wall_ms);
    json["cpu_time"] = or_null(record.cpu_ms);
    json["memory"] = or_null(record.peak_memory_bytes);
    return json;
}

} // namespace

std::optional<std::string> signal_name(int signal)
{
    if (signal <= 0)
        return std::nullopt;
    if (const char* abbreviation = sigabbrev_np(signal))
        return std::string("SIG") + abbreviation;
    return "SIG" + std::to_string(signal);
}

PistonRequest parse_piston_request(const nlohmann::json& body)
{
    if (!body.is_object())
        refuse("language is required as a string", "language");
    PistonRequest request;
    if (!body.contains("language") || !body["language"].is_string() || body["language"].get<std::string>().empty())
        refuse("language is required as a string", "language");
    request.language = body["language"].get<std::string>();
    if (!body.contains("version") || !body["version"].is_string() || body["version"].get<std::string>().empty())
        refuse("version is required as a string", "version");
    request.version = body["version"].get<std::string>();
    if (!body.contains("files") || !body["files"].is_array())
        refuse("files is required as an array", "files");
    for (std::size_t i = 0; i < body["files"].size(); ++i) {
        const auto& file = body["files"][i];
        std::string field = "files[" + std::to_string(i) + "]";
        if (!file.is_object() || !file.contains("content") || !file["content"].is_string())
            refuse(field + ".content is required as a string", field + ".content");
        PistonFile f;
        if (file.contains("name") && !file["name"].is_null()) {
            if (!file["name"].is_string())
                refuse(field + ".name must be a string", field + ".name");
            f.name = file["name"].get<std::string>();
        }
        std::string encoding = "utf8";
        if (file.contains("encoding") && !file["encoding"].is_null()) {
            if (!file["encoding"].is_string())
                refuse(field + ".encoding must be one of utf8, base64, hex", field + ".encoding");
            encoding = file["encoding"].get<std::string>();
        }
        const auto& content = file["content"].get_ref<const std::string&>();
        if (encoding == "utf8") {
            f.content = content;
        } else if (encoding == "base64" || encoding == "hex") {
            auto decoded = encoding == "hex" ? hex_decode(content) : runner::base64_decode(content);
            if (!decoded)
                refuse(field + ".content is not valid " + encoding, field + ".content");
            f.content = std::move(*decoded);
            f.utf8 = false;
        } else {
            refuse(field + ".encoding must be one of utf8, base64, hex", field + ".encoding");
        }
        request.files.push_back(std::move(f));
    }
    if (body.contains("stdin") && !body["stdin"].is_null()) {
        if (!body["stdin"].is_string())
            refuse("stdin must be a string", "stdin");
        request.stdin_data = body["stdin"].get<std::string>();
    }
    if (body.contains("args") && !body["args"].is_null()) {
        if (!body["args"].is_array())
            refuse("args must be an array of strings", "args");
        for (const auto& arg : body["args"]) {
            if (!arg.is_string())
                refuse("args must be an array of strings", "args");
            request.args.push_back(arg.get<std::string>());
        }
    }
    request.compile_timeout_ms = constraint(body, "compile_timeout");
    request.run_timeout_ms = constraint(body, "run_timeout");
    request.compile_memory_limit = constraint(body, "compile_memory_limit");
    request.run_memory_limit = constraint(body, "run_memory_limit");
    return request;
}

runner::RunRequest piston_run_request(const PistonRequest& request, const config::Runtime& runtime,
                                      const config::Limits& caps)
{
    if (std::none_of(request.files.begin(), request.files.end(), [](const PistonFile& f) { return f.utf8; }))
        refuse("files must include at least one utf8 encoded file", "files");
    runner::RunRequest run;
    run.runtime = runtime.id;
    for (std::size_t i = 0; i < request.files.size(); ++i) {
        const auto& file = request.files[i];
        std::string name = file.name && !file.name->empty() ? *file.name
                           : i == 0                         ? runtime.file
                                                            : "file" + std::to_string(i) + ".code";
        run.files.push_back({name, file.content});
    }
    if (run.files.empty())
        refuse("files is required as an array", "files");
    if (!request.stdin_data.empty())
        run.stdin_data = request.stdin_data;
    run.args = request.args;
    using std::chrono::milliseconds;
    if (request.run_timeout_ms && *request.run_timeout_ms > 0)
        run.limits.wall_time = clamp_to(milliseconds(*request.run_timeout_ms), caps.wall_time);
    if (request.compile_timeout_ms && *request.compile_timeout_ms > 0)
        run.limits.compile_time = clamp_to(milliseconds(*request.compile_timeout_ms), caps.compile_time);
    // One sandbox runs both stages: the larger of the two memory limits asked for.
    std::int64_t memory = std::max(request.compile_memory_limit.value_or(0), request.run_memory_limit.value_or(0));
    if (memory > 0)
        run.limits.memory =
            std::clamp<std::uint64_t>(static_cast<std::uint64_t>(memory), std::uint64_t{4} << 20, caps.memory);
    return run;
}

nlohmann::json piston_answer(const config::Runtime& runtime, const runner::RunResult& result)
{
    const auto& record = result.record;
    const auto& out = result.output;
    nlohmann::json answer = {{"language", runtime.language}, {"version", runtime.version}};
    bool ended_in_compile = record.stage == "compile";
    if (!runtime.compile.empty()) {
        answer["compile"] = ended_in_compile ? stage_json(out.stdout_text, out.stderr_text, out.output, record, true)
                                             : stage_json("", "", "", record, false);
    }
    // As Piston: a run stage that never started is answered with the compile stage's result.
    answer["run"] = ended_in_compile && answer.contains("compile")
                        ? answer["compile"]
                        : stage_json(out.stdout_text, out.stderr_text, out.output, record, true);
    return answer;
}

nlohmann::json piston_runtime(const config::Runtime& runtime)
{
    return {{"language", runtime.language},
            {"version", runtime.version},
            {"aliases", runtime.aliases},
            {"runtime", runtime.id}};
}

} // namespace sbx::web
