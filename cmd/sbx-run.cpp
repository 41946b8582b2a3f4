// sbx-run: run loose files on a runtime, in the foreground (output live, exit status like
// docker run / timeout(1)) or detached (prints the run id and returns).
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "cli/session.hpp"
#include "config/units.hpp"
#include "error.hpp"
#include "project/access.hpp"
#include "project/project_runs.hpp"
#include "runner/run_json.hpp"
#include "runner/supervisor.hpp"

namespace {

namespace cli = sbx::cli;
namespace project = sbx::project;
namespace runner = sbx::runner;
namespace store = sbx::store;

const char* usage = "usage: sbx run -r RUNTIME FILE... [OPTIONS] [-- ARGS...]\n"
                    "       sbx run --project NAME [OPTIONS] [-- ARGS...]\n"
                    "       sbx run list --project NAME\n"
                    "  OPTIONS: [--stdin FILE] [--env K=V]... [--entry NAME] [--memory SIZE] [--cpus N]\n"
                    "           [--pids N] [--timeout DURATION] [--compile-timeout DURATION]\n"
                    "           [--output-limit SIZE] [--disk SIZE] [--detach] [--as USER] [--format text|json]\n";

std::string read_file(const std::string& path, const char* what)
{
    std::ifstream in;
    std::istream* source = &std::cin;
    if (path != "-") {
        in.open(path, std::ios::binary);
        if (!in)
            throw sbx::Error(sbx::ErrorKind::not_found,
                             "cannot read " + std::string(what) + " " + path + ": " + std::strerror(errno));
        source = &in;
    }
    std::ostringstream content;
    content << source->rdbuf();
    return content.str();
}

void write_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return; // the reader went away; the run's output is still stored
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Ctrl-C or a TERM cancels the run rather than leaving it running unattended.
void cancel_on_signals(const sbx::config::Settings& settings, std::int64_t id)
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::thread([settings, id, signals] {
        int received = 0;
        if (sigwait(&signals, &received) != 0)
            return;
        try {
            store::Database db(settings.database);
            store::RunStore(db).request_cancel(id, std::string("interrupted by ") + strsignal(received));
        } catch (const std::exception& e) {
            std::cerr << "sbx-run: cannot cancel run " << id << ": " << e.what() << '\n';
        }
    }).detach();
}

void print_history(store::Database& db, const std::vector<store::RunRecord>& runs, const cli::CommonOptions& common)
{
    if (common.json()) {
        auto json = nlohmann::json::array();
        store::RunStore store(db);
        for (const auto& run : runs)
            json.push_back(runner::run_json(store, run));
        cli::print_json(json);
        return;
    }
    std::vector<std::vector<std::string>> rows{{"RUN", "STATUS", "EXIT", "CREATED", "WALL", "REASON"}};
    for (const auto& r : runs)
        rows.push_back({std::to_string(r.id), store::status_name(r.status),
                        r.exit_code ? std::to_string(*r.exit_code) : "-", r.created_at,
                        r.wall_ms ? std::to_string(*r.wall_ms) + "ms" : "-", r.reason});
    cli::print_table(rows);
}

int run(int argc, char** argv)
{
    // Everything after "--" belongs to the program, options included.
    std::vector<std::string> program_args;
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]) == "--") {
            program_args.assign(argv + i + 1, argv + argc);
            argc = i;
            break;
        }

    cli::CommonOptions common;
    std::string runtime, stdin_path, entry;
    std::vector<std::string> env;
    std::string memory, cpus, pids, timeout, compile_timeout, output_limit, disk;
    bool detach = false;
    std::string project_ref;
    cli::po::options_description options("options");
    auto add = options.add_options();
    add("runtime,r", cli::po::value(&runtime), "runtime id (sbx runtime list)");
    add("project,p", cli::po::value(&project_ref), "run this project's files (OWNER/NAME, or NAME with --as)");
    add("stdin", cli::po::value(&stdin_path), "file fed to the program's stdin (- for this stdin)");
    add("env,e", cli::po::value(&env)->composing(), "environment variable K=V (repeatable)");
    add("entry", cli::po::value(&entry), "entry file (default: the runtime's file name if given, else the first)");
    add("memory", cli::po::value(&memory), "memory limit, e.g. 512M");
    add("cpus", cli::po::value(&cpus), "CPU limit, e.g. 0.5");
    add("pids", cli::po::value(&pids), "process limit");
    add("timeout", cli::po::value(&timeout), "wall-clock limit of the run stage, e.g. 30s");
    add("compile-timeout", cli::po::value(&compile_timeout), "wall-clock limit of the compile stage");
    add("output-limit", cli::po::value(&output_limit), "most output kept, e.g. 4M");
    add("disk", cli::po::value(&disk), "size of the work dir and /tmp, e.g. 128M");
    add("detach,d", cli::po::bool_switch(&detach), "print the run id and return; the run goes on");
    cli::add_actor_option(options, common);
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    if (!parsed->empty() && parsed->front() == "list" && runtime.empty()) {
        if (project_ref.empty() || parsed->size() != 1)
            throw sbx::Error(sbx::ErrorKind::usage, "usage: sbx run list --project NAME", "project");
        cli::Session session(common);
        auto actor = session.actor();
        auto p = project::find_project(session.db(), actor, project_ref, project::Access::read);
        print_history(session.db(), project::project_history(session.context(), actor, p, 100), common);
        return 0;
    }
    if (!project_ref.empty() && (!runtime.empty() || !parsed->empty()))
        throw sbx::Error(sbx::ErrorKind::usage,
                         "--project runs the project's own files on its runtime: give no -r or FILE", "project");
    if (runtime.empty() && project_ref.empty())
        throw sbx::Error(sbx::ErrorKind::usage, "which runtime? give -r RUNTIME (sbx runtime list), or --project NAME",
                         "runtime");

    runner::RunRequest request;
    request.runtime = runtime;
    request.args = program_args;
    for (const auto& path : *parsed)
        request.files.push_back({std::filesystem::path(path).filename().string(), read_file(path, "file")});
    if (!stdin_path.empty())
        request.stdin_data = read_file(stdin_path, "stdin file");
    if (!entry.empty())
        request.entry = entry;
    for (const auto& assignment : env) {
        auto equals = assignment.find('=');
        if (equals == std::string::npos || equals == 0)
            throw sbx::Error(sbx::ErrorKind::usage, "--env " + assignment + ": expected K=V", "env");
        request.env[assignment.substr(0, equals)] = assignment.substr(equals + 1);
    }
    auto& limits = request.limits;
    if (!memory.empty())
        limits.memory = cli::bytes_option(memory, "memory");
    if (!output_limit.empty())
        limits.output_bytes = cli::bytes_option(output_limit, "output-limit");
    if (!disk.empty())
        limits.disk = cli::bytes_option(disk, "disk");
    if (!timeout.empty())
        limits.wall_time = cli::duration_option(timeout, "timeout");
    if (!compile_timeout.empty())
        limits.compile_time = cli::duration_option(compile_timeout, "compile-timeout");
    if (!cpus.empty())
        limits.cpus = cli::decimal_option(cpus, "cpus");
    if (!pids.empty())
        limits.pids = cli::count_option(pids, "pids");

    cli::Session session(common);
    auto actor = session.actor();
    std::int64_t id = 0;
    if (project_ref.empty()) {
        id = project::submit_run(session.context(), actor, request);
    } else {
        auto p = project::find_project(session.db(), actor, project_ref, project::Access::read);
        id = project::submit_project_run(session.context(), actor, p, request);
    }
    store::RunStore runs(session.db());
    if (detach) {
        runner::supervise_detached(session.context(), id);
        if (common.json())
            cli::print_json(runner::run_json(runs, runs.get(id)));
        else
            std::cout << id << '\n';
        return 0;
    }

    cancel_on_signals(session.settings(), id);
    // A reader that goes away (sbx run ... | head) must not kill the supervisor: the run
    // goes on and its output is still stored.
    std::signal(SIGPIPE, SIG_IGN);
    runner::OutputRecorder::LiveSink live;
    if (!common.json())
        live = [](store::Stream stream, std::string_view bytes) {
            write_all(stream == store::Stream::out ? STDOUT_FILENO : STDERR_FILENO, bytes);
        };
    store::RunRecord record = runner::supervise(session.context(), id, live);
    if (common.json())
        cli::print_json(runner::run_json(runs, record));
    else
        cli::explain_run(record);
    return cli::run_exit_status(record);
}

} // namespace

int main(int argc, char** argv)
{
    // sbx's own failures (usage, config, ...) are 125 here, as in docker run: every other
    // status belongs to the program.
    return cli::run_main(
        "sbx-run", [&] { return run(argc, argv); }, cli::exit_sbx_failed);
}
