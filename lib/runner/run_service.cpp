#include "runner/run_service.hpp"

#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <set>
#include <thread>

#include "account/admission.hpp"
#include "common/project_path.hpp"
#include "config/config_json.hpp"
#include "config/units.hpp"
#include "error.hpp"
#include "runner/host_slots.hpp"
#include "runner/run_plan.hpp"
#include "runner/snapshot_dir.hpp"

namespace sbx::runner {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_files = 1000;
constexpr std::size_t max_args = 1000;
constexpr std::size_t max_env = 200;
constexpr std::size_t max_text = std::size_t{64} * 1024; // one arg or env value
constexpr std::chrono::milliseconds cancel_wait{15'000};

void check_text(const std::string& text, const char* field, const std::string& what)
{
    if (text.find('\0') != std::string::npos)
        throw Error(ErrorKind::usage, what + " contains a NUL byte", field);
    if (text.size() > max_text)
        throw Error(ErrorKind::usage, what + " is longer than 64K", field);
}

// The entry point: as asked, else a file with the runtime's default name, else the first.
std::string choose_entry(const RunRequest& request, const config::Runtime& runtime)
{
    auto has = [&](const std::string& name) {
        return std::any_of(request.files.begin(), request.files.end(),
                           [&](const RunFile& f) { return f.name == name; });
    };
    if (request.entry) {
        // Named as a path: "./--version" is the file "--version".
        std::string entry;
        try {
            entry = common::normalize_path(*request.entry);
        } catch (const Error& e) {
            throw Error(ErrorKind::usage, std::string("entry file: ") + e.what(), "entry");
        }
        if (!has(entry))
            throw Error(ErrorKind::usage, "entry file " + common::quote_path(entry) + " is not among the files",
                        "entry");
        return entry;
    }
    return has(runtime.file) ? runtime.file : request.files.front().name;
}

// Refuses, before anything is recorded, an entry the runtime's commands cannot take.
void check_entry(const config::Runtime& runtime, const std::string& entry)
{
    for (const auto* argv : {&runtime.compile, &runtime.run})
        config::expand_command(*argv, entry);
}

void validate(const RunRequest& request, const config::Settings& settings)
{
    if (request.files.empty())
        throw Error(ErrorKind::usage, "no files to run", "files");
    if (request.files.size() > max_files)
        throw Error(ErrorKind::usage, "too many files (at most 1000)", "files");
    std::set<std::string> names;
    for (const auto& file : request.files) {
        check_relative_path(file.name, {.max_length = settings.projects.max_path_length,
                                        .max_depth = settings.projects.max_path_depth});
        if (!names.insert(file.name).second)
            throw Error(ErrorKind::usage, "file '" + file.name + "' is given twice", "files");
    }
    if (request.args.size() > max_args)
        throw Error(ErrorKind::usage, "too many arguments (at most 1000)", "args");
    for (const auto& arg : request.args)
        check_text(arg, "args", "an argument");
    if (request.env.size() > max_env)
        throw Error(ErrorKind::usage, "too many environment variables (at most 200)", "env");
    static const std::regex name_pattern("[A-Za-z_][A-Za-z0-9_]{0,127}");
    for (const auto& [name, value] : request.env) {
        if (!std::regex_match(name, name_pattern))
            throw Error(ErrorKind::usage, "'" + name + "' is not a valid environment variable name", "env");
        check_text(value, "env", "the value of " + name);
    }
}

// A run that could never fit the quota. The hourly count and concurrency are settled in
// submit()'s transaction (refuse) or by account::admit() (queue), atomically.
void check_quota(const account::RunQuota& quota, const config::Limits& limits)
{
    const auto& admission = quota.admission;
    if (static_cast<std::int64_t>(limits.memory) > admission.max_memory_bytes)
        throw Error(ErrorKind::usage,
                    "the run asks for " + config::format_bytes(limits.memory) + " of memory; your quota is " +
                        config::format_bytes(static_cast<std::uint64_t>(admission.max_memory_bytes)),
                    "memory");
    if (limits.cpus > admission.max_cpus + 1e-9)
        throw Error(ErrorKind::usage,
                    "the run asks for " + config::format_number(limits.cpus) + " CPUs; your quota is " +
                        config::format_number(admission.max_cpus),
                    "cpus");
}

} // namespace

std::string sandbox_name(const config::Settings& settings, std::int64_t run_id)
{
    return "sbx-" + settings.instance + "-" + std::to_string(run_id);
}

void check_recorded_runtime(const store::RunRecord& run, const config::Settings& settings)
{
    if (!run.oci_runtime.empty() && run.oci_runtime != settings.oci_runtime)
        throw Error(ErrorKind::config,
                    "run " + std::to_string(run.id) + " was made to run under OCI runtime '" + run.oci_runtime +
                        "', but oci_runtime is now '" + settings.oci_runtime + "'; start it again",
                    "oci_runtime");
}

std::int64_t submit(app::AppContext& context, const RunRequest& request)
{
    const config::Runtime& runtime = context.catalog.get(request.runtime);
    validate(request, context.settings);
    RunPlan plan;
    plan.entry = choose_entry(request, runtime);
    check_entry(runtime, plan.entry);
    plan.args = request.args;
    plan.env = request.env;
    plan.has_stdin = request.stdin_data.has_value();
    plan.limits = resolve_limits(runtime.limits, context.settings.caps, request.limits);
    std::uint64_t total = 0;
    for (const auto& file : request.files)
        total += file.name.size() + file.content.size();
    if (total > plan.limits.disk)
        throw Error(ErrorKind::usage,
                    "the files (" + std::to_string(total) + " bytes) do not fit the work dir limit of " +
                        config::format_bytes(plan.limits.disk),
                    "files");

    std::vector<std::string> env_names;
    for (const auto& [name, value] : request.env)
        env_names.push_back(name);
    std::vector<std::string> file_names;
    for (const auto& file : request.files)
        file_names.push_back(file.name);
    nlohmann::json described = {{"entry", plan.entry},
                                {"files", file_names},
                                {"args", plan.args},
                                {"env", env_names},
                                {"stdin", plan.has_stdin}};

    store::RunStore runs(context.db);
    store::NewRun record{request.project_id, runtime.id, context.settings.engine,
                         config::limits_json(plan.limits).dump(), described.dump()};
    record.oci_runtime = context.settings.oci_runtime;
    record.user_id = request.user_id;
    record.via = request.via;
    record.memory_bytes = static_cast<std::int64_t>(plan.limits.memory);
    record.cpus = plan.limits.cpus;
    for (const auto& file : request.files)
        record.files.push_back({file.name, file.content});
    const account::RunQuota* quota = request.quota && request.user_id ? &*request.quota : nullptr;
    if (quota) {
        check_quota(*quota, plan.limits);
        plan.admission = quota->admission;
        record.admitted = false;
    }
    // Counted, decided and written in one transaction: runs started together cannot all
    // slip past the hourly quota, and of concurrent starts of a project one survives.
    std::int64_t id = 0;
    runs.in_transaction("create a run", [&] {
        if (quota)
            account::check_runs_per_hour(
                runs.count_started_since(*request.user_id, std::chrono::system_clock::now() - std::chrono::hours(1)),
                quota->runs_per_hour);
        id = runs.insert(record);
        if (request.supersede && request.project_id)
            runs.supersede(*request.project_id, request.user_id, id, "replaced by run " + std::to_string(id));
        if (quota && quota->refuse_when_busy)
            account::check_concurrent(runs.count_going(*request.user_id, id), quota->admission.max_runs);
    });
    try {
        SnapshotDir snapshot(context.settings.run_dir, id);
        for (const auto& file : request.files)
            snapshot.add_file(file.name, file.content);
        if (request.stdin_data)
            snapshot.set_stdin(*request.stdin_data);
        write_plan(snapshot.root(), plan);
    } catch (const Error& e) {
        runs.finish(id, {.status = store::RunStatus::error, .reason = std::string("snapshot failed: ") + e.what()});
        remove_snapshot(SnapshotDir::path_for(context.settings.run_dir, id));
        throw;
    }
    return id;
}

void supervise_detached(app::AppContext& context, std::int64_t run_id)
{
    if (context.supervisor_command.empty())
        throw Error(ErrorKind::unavailable, "cannot detach run " + std::to_string(run_id) +
                                                ": sbx-supervise is not installed beside this program or in "
                                                "../libexec/sbx; run `make install` (or `make` in a build tree)");
    // Everything the child needs is made before fork(): after it only exec-safe calls.
    std::vector<std::string> args = context.supervisor_command;
    args.push_back(std::to_string(run_id));
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    pid_t child = fork();
    if (child < 0)
        throw Error(ErrorKind::unavailable, std::string("cannot start a supervisor: ") + std::strerror(errno));
    if (child == 0) {
        // A session of its own, and a second fork so that it is nobody's child to wait for.
        setsid();
        if (fork() != 0)
            _exit(0);
        int null = ::open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3; ++fd)
            dup2(null, fd);
        execv(argv[0], argv.data());
        _exit(127); // the run stays queued; `sbx gc` marks it lost
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
}

store::RunRecord cancel(app::AppContext& context, std::int64_t run_id, const std::string& reason)
{
    store::RunStore runs(context.db);
    store::RunRecord record = runs.request_cancel(run_id, reason);
    if (store::is_final(record.status))
        return record;
    // Kill at once rather than wait for the supervisor's next look at the flag.
    if (!record.container.empty())
        context.engine()->kill(record.container);
    auto deadline = std::chrono::steady_clock::now() + cancel_wait;
    while (std::chrono::steady_clock::now() < deadline) {
        record = runs.get(run_id);
        if (store::is_final(record.status))
            return record;
        // No supervisor holds the run: nobody else will record the end.
        fs::path lock = SnapshotDir::path_for(context.settings.run_dir, run_id) / "supervisor.lock";
        std::error_code ec;
        if (!fs::exists(lock, ec) || try_lock_file(lock)) {
            runs.finish(run_id, {.status = store::RunStatus::cancelled, .reason = reason});
            auto engine = context.engine();
            for (const auto& sandbox : engine->list({{engine::run_label, std::to_string(run_id)}}))
                engine->remove(sandbox.id, true);
            return runs.get(run_id);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw Error(ErrorKind::unavailable, "run " + std::to_string(run_id) + " did not stop within 15 s");
}

} // namespace sbx::runner
