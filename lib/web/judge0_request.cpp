#include "web/judge0_request.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>

#include "runner/run_json.hpp"
#include "web/api_error.hpp"

namespace sbx::web {
namespace {

const Judge0Status statuses[] = {
    {1, "In Queue"},
    {2, "Processing"},
    {3, "Accepted"},
    {4, "Wrong Answer"},
    {5, "Time Limit Exceeded"},
    {6, "Compilation Error"},
    {7, "Runtime Error (SIGSEGV)"},
    {8, "Runtime Error (SIGXFSZ)"},
    {9, "Runtime Error (SIGFPE)"},
    {10, "Runtime Error (SIGABRT)"},
    {11, "Runtime Error (NZEC)"},
    {12, "Runtime Error (Other)"},
    {13, "Internal Error"},
    {14, "Exec Format Error"},
};

Judge0Status status(int id)
{
    return statuses[id - 1];
}

void add_error(nlohmann::json& errors, const std::string& field, const std::string& message)
{
    errors[field].push_back(message);
}

// Clients that base64 with Ruby's or Python's encodebytes break lines every 60 or 76 characters.
std::optional<std::string> decode(const std::string& text)
{
    std::string compact;
    std::copy_if(text.begin(), text.end(), std::back_inserter(compact),
                 [](char c) { return c != '\n' && c != '\r' && c != ' '; });
    return runner::base64_decode(compact);
}

std::optional<std::string> text_field(const nlohmann::json& body, const std::string& name, bool base64,
                                      nlohmann::json& errors)
{
    if (!body.contains(name) || body[name].is_null())
        return std::nullopt;
    if (!body[name].is_string()) {
        add_error(errors, name, "must be a string");
        return std::nullopt;
    }
    const auto& text = body[name].get_ref<const std::string&>();
    if (!base64)
        return text;
    auto decoded = decode(text);
    if (!decoded)
        add_error(errors, name, "is not valid base64");
    return decoded;
}

template <typename T>
std::optional<T> number_field(const nlohmann::json& body, const std::string& name, T low, T high,
                              nlohmann::json& errors)
{
    if (!body.contains(name) || body[name].is_null())
        return std::nullopt;
    const auto& value = body[name];
    std::optional<double> number;
    if (value.is_number())
        number = value.get<double>();
    else if (value.is_string()) // Judge0's Rails casts "5" to 5
        try {
            std::size_t used = 0;
            number = std::stod(value.get<std::string>(), &used);
            if (used != value.get<std::string>().size())
                number.reset();
        } catch (const std::exception&) {
        }
    if (!number || !std::isfinite(*number)) {
        add_error(errors, name, "is not a number");
        return std::nullopt;
    }
    auto shown = [](T v) { return std::to_string(static_cast<std::int64_t>(v)); };
    if (*number < static_cast<double>(low)) {
        add_error(errors, name, "must be greater than or equal to " + shown(low));
        return std::nullopt;
    }
    if (*number > static_cast<double>(high)) {
        add_error(errors, name, "must be less than or equal to " + shown(high));
        return std::nullopt;
    }
    return static_cast<T>(*number);
}

std::string rstrip_lines(const std::string& text)
{
    static const char* space = " \t\r\n\v\f";
    std::string out;
    std::size_t from = 0;
    while (from <= text.size()) {
        auto end = text.find('\n', from);
        std::string line = text.substr(from, end == std::string::npos ? std::string::npos : end - from);
        line.erase(line.find_last_not_of(space) + 1);
        out += line;
        if (end == std::string::npos)
            break;
        out += '\n';
        from = end + 1;
    }
    auto first = out.find_first_not_of(space);
    if (first == std::string::npos)
        return {};
    return out.substr(first, out.find_last_not_of(space) + 1 - first);
}

std::string seconds(std::int64_t ms)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(ms) / 1000.0);
    return text;
}

// The signal that ended the program: recorded, or 128+N from a shell-style exit code.
int signal_of(const store::RunRecord& record)
{
    int number = record.signal.value_or(0);
    int code = record.exit_code.value_or(0);
    if (!number && code > 128 && code < 128 + 65)
        number = code - 128;
    return number;
}

} // namespace

Judge0Parse parse_judge0_submission(const nlohmann::json& body, bool base64, const config::RuntimeCatalog& catalog,
                                    const config::Limits& caps)
{
    Judge0Parse parse;
    auto& errors = parse.errors;
    if (!body.is_object()) {
        add_error(errors, "source_code", "can't be blank");
        add_error(errors, "language_id", "can't be blank");
        return parse;
    }
    Judge0Input input;
    auto source = text_field(body, "source_code", base64, errors);
    if (!errors.contains("source_code") && (!source || source->empty()))
        add_error(errors, "source_code", "can't be blank");
    input.source_code = source.value_or("");
    if (!body.contains("language_id") || body["language_id"].is_null()) {
        add_error(errors, "language_id", "can't be blank");
    } else if (auto id = number_field<std::int64_t>(body, "language_id", 0, 1'000'000, errors)) {
        input.language_id = static_cast<int>(*id);
        parse.runtime = catalog.find_judge0(input.language_id);
        if (!parse.runtime)
            add_error(errors, "language_id", "language with id " + std::to_string(*id) + " doesn't exist");
    }
    input.stdin_data = text_field(body, "stdin", base64, errors);
    input.expected_output = text_field(body, "expected_output", base64, errors);
    auto wall_cap = std::chrono::duration<double>(caps.wall_time).count();
    input.cpu_time_limit = number_field<double>(body, "cpu_time_limit", 0, wall_cap, errors);
    input.wall_time_limit = number_field<double>(body, "wall_time_limit", 0, wall_cap, errors);
    input.memory_limit =
        number_field<std::int64_t>(body, "memory_limit", 2048, static_cast<std::int64_t>(caps.memory / 1024), errors);
    if (auto args = text_field(body, "command_line_arguments", false, errors)) {
        // Judge0 hands them to a shell; sbx runs no shell, so they are split on blanks.
        std::string word;
        for (char c : *args + " ")
            if (c == ' ' || c == '\t') {
                if (!word.empty())
                    input.args.push_back(std::move(word));
                word.clear();
            } else {
                word += c;
            }
    }
    if (body.contains("redirect_stderr_to_stdout") && !body["redirect_stderr_to_stdout"].is_null()) {
        if (!body["redirect_stderr_to_stdout"].is_boolean())
            add_error(errors, "redirect_stderr_to_stdout", "must be true or false");
        else
            input.redirect_stderr = body["redirect_stderr_to_stdout"].get<bool>();
    }
    if (body.contains("callback_url") && !body["callback_url"].is_null())
        add_error(errors, "callback_url", "is not supported by this server (sbx does not call back)");
    if (errors.empty())
        parse.input = std::move(input);
    return parse;
}

runner::RunRequest judge0_run_request(const Judge0Input& input, const config::Runtime& runtime)
{
    runner::RunRequest run;
    run.runtime = runtime.id;
    run.files.push_back({runtime.file, input.source_code});
    run.stdin_data = input.stdin_data;
    run.args = input.args;
    // sbx bounds a run by wall time only; a CPU limit is the closest it has to offer.
    std::optional<double> limit;
    for (const auto& asked : {input.cpu_time_limit, input.wall_time_limit})
        if (asked && *asked > 0)
            limit = limit ? std::min(*limit, *asked) : *asked;
    if (limit)
        run.limits.wall_time = std::max(std::chrono::milliseconds(100),
                                        std::chrono::milliseconds(static_cast<std::int64_t>(*limit * 1000)));
    if (input.memory_limit)
        run.limits.memory = static_cast<std::uint64_t>(*input.memory_limit) * 1024;
    return run;
}

bool judge0_same_output(const std::string& expected, const std::string& actual)
{
    return rstrip_lines(expected) == rstrip_lines(actual);
}

Judge0Status judge0_status(const store::RunRecord& record, const std::string& stdout_text,
                           const std::optional<std::string>& expected_output)
{
    using store::RunStatus;
    switch (record.status) {
    case RunStatus::queued: return status(1);
    case RunStatus::building:
    case RunStatus::running: return status(2);
    case RunStatus::timeout: return status(5);
    case RunStatus::output_limit: return status(8);
    case RunStatus::oom: return status(12);
    case RunStatus::cancelled:
    case RunStatus::error: return status(13);
    case RunStatus::succeeded:
        return !expected_output || judge0_same_output(*expected_output, stdout_text) ? status(3) : status(4);
    case RunStatus::failed: break;
    }
    if (record.stage == "compile")
        return status(6);
    switch (signal_of(record)) {
    case 0: return status(11);
    case SIGSEGV: return status(7);
    case SIGXFSZ: return status(8);
    case SIGFPE: return status(9);
    case SIGABRT: return status(10);
    default: return status(12);
    }
}

nlohmann::json judge0_statuses()
{
    auto list = nlohmann::json::array();
    for (const auto& s : statuses)
        list.push_back({{"id", s.id}, {"description", s.description}});
    return list;
}

nlohmann::json judge0_view(const Judge0Submission& submission, const runner::RunResult& result, bool base64)
{
    const auto& record = result.record;
    const auto& out = result.output;
    bool ended = store::is_final(record.status);
    bool compile_failed = record.status == store::RunStatus::failed && record.stage == "compile";
    std::string stdout_text = submission.redirect_stderr ? out.output : out.stdout_text;
    auto st = judge0_status(record, stdout_text, submission.expected_output);

    std::optional<std::string> stdout_field, stderr_field, compile_field, message;
    if (compile_failed) {
        compile_field = out.output;
    } else if (ended) {
        stdout_field = stdout_text;
        if (!submission.redirect_stderr)
            stderr_field = out.stderr_text;
    }
    int signal = signal_of(record);
    if (st.id == 5)
        message = "Time limit exceeded";
    else if (st.id >= 7 && st.id <= 12 && signal)
        message = "Caught fatal signal " + std::to_string(signal);
    else if (st.id == 11)
        message = "Exited with error status " + std::to_string(record.exit_code.value_or(1));
    else if (st.id == 12 || st.id == 13)
        message = record.reason;

    auto text = [&](const std::string& name, const std::optional<std::string>& value) -> nlohmann::json {
        if (!value || value->empty())
            return nullptr;
        if (base64)
            return runner::base64(*value);
        if (!runner::is_utf8(*value))
            throw HttpError(400, "invalid",
                            "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true "
                            "query parameter",
                            name);
        return *value;
    };
    auto or_null = [](const auto& value) { return value ? nlohmann::json(*value) : nlohmann::json(nullptr); };
    nlohmann::json view = {
        {"token", submission.token},
        {"language_id", submission.language_id},
        {"stdout", text("stdout", stdout_field)},
        {"stderr", text("stderr", stderr_field)},
        {"compile_output", text("compile_output", compile_field)},
        {"message", text("message", message)},
        {"expected_output", text("expected_output", submission.expected_output)},
        {"status", {{"id", st.id}, {"description", st.description}}},
        {"status_id", st.id},
        {"time", record.cpu_ms && ended ? nlohmann::json(seconds(*record.cpu_ms)) : nlohmann::json(nullptr)},
        {"wall_time", record.wall_ms && ended ? nlohmann::json(seconds(*record.wall_ms)) : nlohmann::json(nullptr)},
        {"memory", record.peak_memory_bytes && ended ? nlohmann::json(*record.peak_memory_bytes / 1024)
                                                     : nlohmann::json(nullptr)},
        {"exit_code", ended && !compile_failed && !signal ? or_null(record.exit_code) : nlohmann::json(nullptr)},
        {"exit_signal", signal ? nlohmann::json(signal) : nlohmann::json(nullptr)},
        {"created_at", record.created_at},
        {"finished_at", record.finished_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(record.finished_at)},
    };
    return view;
}

const std::vector<std::string>& judge0_default_fields()
{
    static const std::vector<std::string> fields = {"token",  "time",    "memory",         "stdout",
                                                    "stderr", "message", "compile_output", "status"};
    return fields;
}

nlohmann::json judge0_select(const nlohmann::json& view, const std::optional<std::string>& fields)
{
    if (fields && *fields == "*")
        return view;
    std::vector<std::string> names;
    if (!fields) {
        names = judge0_default_fields();
    } else {
        std::string name;
        for (char c : *fields + ",")
            if (c == ',') {
                if (!name.empty())
                    names.push_back(std::move(name));
                name.clear();
            } else if (c != ' ') {
                name += c;
            }
    }
    std::vector<std::string> unknown;
    nlohmann::json out = nlohmann::json::object();
    for (const auto& name : names)
        if (view.contains(name))
            out[name] = view[name];
        else
            unknown.push_back(name);
    if (!unknown.empty()) {
        std::string list;
        for (const auto& name : unknown)
            list += (list.empty() ? "" : ", ") + name;
        throw HttpError(400, "invalid", "invalid fields: [" + list + "]", "fields");
    }
    return out;
}

} // namespace sbx::web
