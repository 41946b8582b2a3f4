// Runs over HTTP: start (of a project or of files sent along), read, cancel, page through
// output, and follow it live as Server-Sent Events.
#include "config/units.hpp"
#include "project/access.hpp"
#include "project/project_runs.hpp"
#include "runner/run_json.hpp"
#include "runner/run_logs.hpp"
#include "runner/run_result.hpp"
#include "web/api_error.hpp"
#include "web/call.hpp"
#include "web/json_input.hpp"

namespace sbx::web {
namespace {

using std::chrono::milliseconds;
constexpr std::chrono::seconds max_wait{60};
constexpr std::chrono::seconds heartbeat{15};
constexpr std::size_t max_page = 5000;

milliseconds duration_field(const nlohmann::json& value, const std::string& field)
{
    if (value.is_number_unsigned())
        return std::chrono::seconds(value.get<std::uint64_t>());
    if (value.is_string())
        if (auto duration = config::parse_duration(value.get<std::string>()))
            return *duration;
    throw HttpError(ErrorKind::usage, "invalid", "'limits." + field + "' must be a duration such as \"10s\" or seconds",
                    "limits." + field);
}

runner::LimitRequest limits_of(const nlohmann::json& json)
{
    if (!json.is_object())
        throw HttpError(ErrorKind::usage, "invalid", "'limits' must be an object", "limits");
    runner::LimitRequest limits;
    // Both the names a run request uses and those a run's record shows are accepted, so a
    // client can send back the limits it read.
    for (const auto& [key, value] : json.items()) {
        if (key == "memory")
            limits.memory = size_value(value, "limits." + key);
        else if (key == "disk")
            limits.disk = size_value(value, "limits." + key);
        else if (key == "output_limit" || key == "output_bytes")
            limits.output_bytes = size_value(value, "limits." + key);
        else if (key == "timeout" || key == "wall_time")
            limits.wall_time = duration_field(value, key);
        else if (key == "compile_timeout" || key == "compile_time")
            limits.compile_time = duration_field(value, key);
        else if (key == "cpus" && value.is_number() && value.get<double>() > 0)
            limits.cpus = value.get<double>();
        else if (key == "pids" && value.is_number_unsigned())
            limits.pids = value.get<std::uint32_t>();
        else if (key == "cpus" || key == "pids")
            throw HttpError(ErrorKind::usage, "invalid", "'limits." + key + "' must be a positive number",
                            "limits." + key);
        else
            throw HttpError(400, "unknown-field", "unknown field 'limits." + key + "'", "limits." + key);
    }
    return limits;
}

std::vector<std::string> strings_of(const nlohmann::json& json, const std::string& field)
{
    if (!json.is_array())
        throw HttpError(ErrorKind::usage, "invalid", "'" + field + "' must be an array of strings", field);
    std::vector<std::string> out;
    for (const auto& item : json) {
        if (!item.is_string())
            throw HttpError(ErrorKind::usage, "invalid", "'" + field + "' must be an array of strings", field);
        out.push_back(item.get<std::string>());
    }
    return out;
}

// What both kinds of run take: stdin, args, entry, env, limits.
void read_common(JsonInput& in, runner::RunRequest& request)
{
    if (auto env = in.value("env")) {
        if (!env->is_object())
            throw HttpError(ErrorKind::usage, "invalid", "'env' must be an object of strings", "env");
        for (const auto& [name, value] : env->items()) {
            if (!value.is_string())
                throw HttpError(ErrorKind::usage, "invalid", "'env." + name + "' must be a string", "env");
            request.env[name] = value.get<std::string>();
        }
    }
    request.stdin_data = in.string("stdin");
    if (auto entry = in.string("entry"))
        request.entry = *entry;
    if (auto args = in.value("args"))
        request.args = strings_of(*args, "args");
    if (auto limits = in.value("limits"))
        request.limits = limits_of(*limits);
}

nlohmann::json run_view(store::Database& db, const store::RunRecord& run)
{
    store::RunStore runs(db);
    return runner::run_json(runs, run);
}

void check_run_rate(Call& call)
{
    auto per_minute = call.context.settings.web.runs_per_minute;
    if (auto wait = call.limiter.take("runs:" + std::to_string(*call.user().user_id), per_minute)) {
        call.response.set_header("Retry-After", std::to_string(wait->count()));
        throw HttpError(ErrorKind::limit, "rate-limited",
                        "at most " + std::to_string(per_minute) + " runs a minute (web.runs_per_minute)");
    }
}

// ?wait=SECONDS, read before anything is submitted: a bad one must start no run.
std::chrono::seconds wait_param(const Call& call)
{
    std::int64_t seconds = 0;
    if (auto wait = call.request.param("wait"))
        for (char c : *wait)
            if (c < '0' || c > '9' || (seconds = seconds * 10 + (c - '0')) > max_wait.count())
                throw HttpError(ErrorKind::usage, "invalid", "'wait' must be seconds from 0 to 60", "wait");
    return std::chrono::seconds(seconds);
}

// Hands the run to a supervisor and answers 202, or waits up to `wait` for its end and
// answers 200 with its stdout and stderr inline (capped), so that one request is enough.
void start(Call& call, std::int64_t id, std::chrono::seconds wait)
{
    runner::supervise_detached(call.context, id);
    auto cap = static_cast<std::size_t>(call.context.settings.web.inline_output_bytes);
    auto result = runner::wait_for_result(call.context.db, id, wait, cap);
    auto view = run_view(call.context.db, result.record);
    if (result.ended && wait.count() > 0) {
        view["stdout"] = result.output.stdout_text;
        view["stderr"] = result.output.stderr_text;
        view["output_truncated"] = result.output.truncated;
    }
    call.reply(result.ended ? 200 : 202, view);
}

void run_project(Call& call)
{
    const auto& actor = call.user();
    auto p = project::find_project(call.context.db, actor, call.id("id"), project::Access::read);
    runner::RunRequest request;
    if (!call.request.body.empty()) {
        JsonInput in(call.request);
        read_common(in, request);
        in.finish();
    }
    auto wait = wait_param(call);
    check_run_rate(call);
    start(call, project::submit_project_run(call.context, actor, p, std::move(request)), wait);
}

void run_files(Call& call)
{
    const auto& actor = call.user();
    JsonInput in(call.request);
    runner::RunRequest request;
    request.runtime = in.required_string("runtime");
    read_common(in, request);
    auto files = in.value("files");
    if (!files || !files->is_array())
        throw HttpError(ErrorKind::usage, "missing", "'files' must be an array of {name, text|base64}", "files");
    for (const auto& file : *files) {
        if (!file.is_object() || !file.contains("name") || !file["name"].is_string())
            throw HttpError(ErrorKind::usage, "invalid", "each file needs a 'name'", "files");
        for (const auto& [key, value] : file.items())
            if (key != "name" && key != "text" && key != "base64")
                throw HttpError(400, "unknown-field", "unknown field 'files[]." + key + "'", "files");
        if (file.contains("text") && file.contains("base64"))
            throw HttpError(ErrorKind::usage, "invalid",
                            "file '" + file["name"].get<std::string>() + "': give 'text' or 'base64', not both",
                            "files");
        runner::RunFile f{file["name"].get<std::string>(), {}};
        if (file.contains("text") && file["text"].is_string()) {
            f.content = file["text"].get<std::string>();
        } else if (file.contains("base64") && file["base64"].is_string()) {
            auto decoded = runner::base64_decode(file["base64"].get<std::string>());
            if (!decoded)
                throw HttpError(ErrorKind::usage, "invalid", "file '" + f.name + "': 'base64' is not valid base64",
                                "files");
            f.content = std::move(*decoded);
        } else {
            throw HttpError(ErrorKind::usage, "invalid", "file '" + f.name + "' needs 'text' or 'base64'", "files");
        }
        request.files.push_back(std::move(f));
    }
    in.finish();
    auto wait = wait_param(call);
    check_run_rate(call);
    start(call, project::submit_run(call.context, actor, std::move(request)), wait);
}

void history(Call& call)
{
    const auto& actor = call.user();
    auto p = project::find_project(call.context.db, actor, call.id("id"), project::Access::read);
    auto json = nlohmann::json::array();
    for (const auto& run : project::project_history(call.context, actor, p, 100))
        json.push_back(run_view(call.context.db, run));
    call.reply(200, json);
}

void show(Call& call)
{
    call.reply(200, run_view(call.context.db, project::find_run(call.context.db, call.user(), call.id("id"))));
}

void cancel(Call& call)
{
    call.reply(200, run_view(call.context.db,
                             project::cancel_run(call.context, call.user(), call.id("id"), "cancelled over the API")));
}

void files(Call& call)
{
    auto json = nlohmann::json::array();
    for (const auto& file : project::run_files(call.context, call.user(), call.id("id")))
        json.push_back(runner::run_file_json(file));
    call.reply(200, json);
}

std::int64_t number_param(const Call& call, const std::string& name, std::int64_t fallback, std::int64_t low,
                          std::int64_t high)
{
    auto text = call.request.param(name);
    if (!text)
        return fallback;
    std::int64_t value = 0;
    for (char c : *text)
        if (c < '0' || c > '9' || (value = value * 10 + (c - '0')) > high)
            throw HttpError(
                ErrorKind::usage, "invalid",
                "'" + name + "' must be a number from " + std::to_string(low) + " to " + std::to_string(high), name);
    if (text->empty() || value < low)
        throw HttpError(ErrorKind::usage, "invalid",
                        "'" + name + "' must be a number from " + std::to_string(low) + " to " + std::to_string(high),
                        name);
    return value;
}

// The same page as `sbx logs --format=json`; "done" is its "ended".
void logs(Call& call)
{
    auto run = project::find_run(call.context.db, call.user(), call.id("id"));
    auto from = number_param(call, "from", 1, 1, std::numeric_limits<std::int32_t>::max());
    auto size = number_param(call, "size", 1000, 1, max_page);
    auto stream = runner::stream_filter(call.request.param("stream").value_or(""));
    store::RunStore runs(call.context.db);
    auto page = runner::read_page(runs, run.id, from, static_cast<std::size_t>(size), stream);
    auto json = nlohmann::json::array();
    for (const auto& line : page.lines)
        json.push_back(runner::output_line_json(line));
    call.reply(200, {{"lines", json}, {"next", page.next}, {"done", page.ended}});
}

std::string event(const char* name, const nlohmann::json& data, std::optional<std::int64_t> id = std::nullopt)
{
    std::string text;
    if (id)
        text += "id: " + std::to_string(*id) + "\n";
    text += std::string("event: ") + name +
            "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
    return text;
}

void events(Call& call)
{
    auto run = project::find_run(call.context.db, call.user(), call.id("id"));
    std::int64_t next = 1;
    if (auto last = call.request.header("last-event-id"); !last.empty()) {
        try {
            next = std::stoll(last) + 1;
        } catch (const std::exception&) {
            throw HttpError(ErrorKind::usage, "invalid", "Last-Event-ID must be a line number", "Last-Event-ID");
        }
    } else {
        next = number_param(call, "from", 1, 1, std::numeric_limits<std::int32_t>::max());
    }
    Response head;
    head.status = 200;
    head.set_header("Content-Type", "text/event-stream");
    head.set_header("Cache-Control", "no-cache");
    head.set_header("X-Accel-Buffering", "no");
    if (!call.stream.start(head))
        return;
    call.response.status = 200;
    auto stream = runner::stream_filter(call.request.param("stream").value_or(""));
    store::RunStore runs(call.context.db);
    nlohmann::json last_view;
    auto last_write = std::chrono::steady_clock::now();
    runner::follow_pages(runs, run.id, next, stream, [&](const store::RunRecord& record, const runner::LogPage& page) {
        std::string chunk;
        // A new status, or a queued run moving up the queue.
        auto view = runner::run_json(runs, record);
        if (view["status"] != last_view["status"] || view["queue_position"] != last_view["queue_position"])
            chunk += event("status", view);
        for (const auto& line : page.lines)
            chunk += event("line", runner::output_line_json(line), line.seq);
        if (page.ended)
            chunk += event("end", view);
        last_view = std::move(view);
        auto now = std::chrono::steady_clock::now();
        if (chunk.empty() && now - last_write > heartbeat)
            chunk = ": still running\n\n";
        if (chunk.empty())
            return true;
        last_write = now;
        return call.stream.write(chunk); // false: the client went away; the run goes on
    });
}

} // namespace

void add_run_routes(Routes& routes)
{
    routes.add("POST", "/api/v1/projects/{id}/runs", run_project);
    routes.add("GET", "/api/v1/projects/{id}/runs", history);
    routes.add("POST", "/api/v1/runs", run_files);
    routes.add("GET", "/api/v1/runs/{id}", show);
    routes.add("POST", "/api/v1/runs/{id}/cancel", cancel);
    routes.add("GET", "/api/v1/runs/{id}/files", files);
    routes.add("GET", "/api/v1/runs/{id}/logs", logs);
    routes.add_stream("GET", "/api/v1/runs/{id}/events", events);
}

} // namespace sbx::web
