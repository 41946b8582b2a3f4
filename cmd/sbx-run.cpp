// sbx-run: run loose files on a runtime, in the foreground (output live, exit status like
// docker run / timeout(1)) or detached (prints the run id and returns).
#include <charconv>
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
#include "runner/run_json.hpp"

namespace {

namespace cli = sbx::cli;
namespace runner = sbx::runner;
namespace store = sbx::store;

const char* usage = "usage: sbx run -r RUNTIME FILE... [--stdin FILE] [--env K=V]... [--entry NAME]\n"
                    "               [--memory SIZE] [--cpus N] [--pids N] [--timeout DURATION]\n"
                    "               [--compile-timeout DURATION] [--output-limit SIZE] [--disk SIZE]\n"
                    "               [--detach] [--format text|json] [-- ARGS...]\n";

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

std::uint64_t bytes_option(const std::string& text, const char* option)
{
    if (auto value = sbx::config::parse_bytes(text))
        return *value;
    throw sbx::Error(sbx::ErrorKind::usage, std::string("--") + option + ": '" + text + "' is not a size such as 256M",
                     option);
}

std::chrono::milliseconds duration_option(const std::string& text, const char* option)
{
    if (auto value = sbx::config::parse_duration(text))
        return *value;
    throw sbx::Error(sbx::ErrorKind::usage,
                     std::string("--") + option + ": '" + text + "' is not a duration such as 10s", option);
}

template <typename T>
T number_option(const std::string& text, const char* option)
{
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.front() == '-')
        throw sbx::Error(sbx::ErrorKind::usage, std::string("--") + option + ": '" + text + "' is not a number",
                         option);
    return value;
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
    std::int64_t supervise = 0;
    cli::po::options_description options("options");
    auto add = options.add_options();
    add("runtime,r", cli::po::value(&runtime), "runtime id (sbx runtime list)");
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
    add("supervise", cli::po::value(&supervise), "(internal) supervise submitted run ID to its end");
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    if (supervise) {
        cli::Session session(common);
        runner::supervise(session.context(), supervise);
        return 0;
    }
    if (runtime.empty())
        throw sbx::Error(sbx::ErrorKind::usage, "which runtime? give -r RUNTIME (sbx runtime list)", "runtime");

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
        limits.memory = bytes_option(memory, "memory");
    if (!output_limit.empty())
        limits.output_bytes = bytes_option(output_limit, "output-limit");
    if (!disk.empty())
        limits.disk = bytes_option(disk, "disk");
    if (!timeout.empty())
        limits.wall_time = duration_option(timeout, "timeout");
    if (!compile_timeout.empty())
        limits.compile_time = duration_option(compile_timeout, "compile-timeout");
    if (!cpus.empty())
        limits.cpus = number_option<double>(cpus, "cpus");
    if (!pids.empty())
        limits.pids = number_option<std::uint32_t>(pids, "pids");

    cli::Session session(common);
    std::int64_t id = runner::submit(session.context(), request);
    if (detach) {
        runner::supervise_detached(session.context(), id);
        if (common.json())
            cli::print_json(runner::run_json(store::RunStore(session.db()).get(id)));
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
        cli::print_json(runner::run_json(record));
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
