// sbx-gc: reap what crashed or finished runs left behind; meant for cron.
#include <iostream>

#include "cli/gc_actions.hpp"
#include "cli/session.hpp"
#include "error.hpp"
#include "runner/garbage_collector.hpp"

namespace {

namespace cli = sbx::cli;

const char* usage = "usage: sbx gc [--dry-run] [--format text|json]\n";

int gc(int argc, char** argv)
{
    cli::CommonOptions common;
    bool dry_run = false;
    cli::po::options_description options("options");
    options.add_options()("dry-run,n", cli::po::bool_switch(&dry_run), "say what would be done, do nothing");
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    if (!parsed->empty())
        throw sbx::Error(sbx::ErrorKind::usage, "unexpected argument '" + parsed->front() + "'");
    cli::Session session(common);
    auto report = sbx::runner::collect_garbage(session.context(), dry_run);
    if (common.json()) {
        cli::print_json({{"dry_run", report.dry_run},
                         {"actions", cli::gc_actions_json(report.actions)},
                         {"engine_error", report.engine_error.empty() ? nlohmann::json(nullptr)
                                                                      : nlohmann::json(report.engine_error)}});
    } else {
        cli::print_gc_actions(report.actions, dry_run ? "would " : "");
        std::cout << "gc: " << report.actions.size() << (dry_run ? " actions to take" : " actions taken") << '\n';
    }
    if (report.engine_error.empty())
        return 0;
    std::cerr << "sbx-gc: warning: containers not checked (the rest is done): " << report.engine_error << '\n';
    return sbx::exit_code(sbx::ErrorKind::unavailable);
}

} // namespace

int main(int argc, char** argv)
{
    return cli::run_main("sbx-gc", [&] { return gc(argc, argv); });
}
