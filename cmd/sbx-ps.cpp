// sbx-ps: list runs: the active ones, or recent ones with --all.
#include <iostream>

#include "cli/session.hpp"
#include "error.hpp"
#include "runner/run_json.hpp"

namespace {

namespace cli = sbx::cli;
namespace store = sbx::store;

const char* usage = "usage: sbx ps [--all] [--limit N] [--as USER] [--format text|json]\n";

std::string describe(store::RunStore& runs, const store::RunRecord& run)
{
    if (run.status == store::RunStatus::queued)
        return "position " + std::to_string(runs.queue_position(run.id) + 1) + " in the queue";
    if (run.status == store::RunStatus::failed && run.exit_code)
        return "exit " + std::to_string(*run.exit_code) + (run.stage == "compile" ? " (compile)" : "");
    return run.reason;
}

int ps(int argc, char** argv)
{
    cli::CommonOptions common;
    bool all = false;
    std::int64_t limit = 100;
    cli::po::options_description options("options");
    options.add_options()("all,a", cli::po::bool_switch(&all), "recent runs too, not only active ones")(
        "limit", cli::po::value(&limit), "at most this many runs (default 100)");
    cli::add_actor_option(options, common);
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    if (!parsed->empty())
        throw sbx::Error(sbx::ErrorKind::usage, "unexpected argument '" + parsed->front() + "'");
    if (limit < 1)
        throw sbx::Error(sbx::ErrorKind::usage, "--limit must be at least 1", "limit");
    cli::Session session(common);
    store::RunStore runs(session.db());
    // A user sees their own runs; the admin everyone's.
    auto actor = session.actor();
    auto list = runs.list({.active_only = !all,
                           .user_id = actor.admin ? std::nullopt : actor.user_id,
                           .limit = static_cast<std::size_t>(limit)});
    if (common.json()) {
        auto json = nlohmann::json::array();
        for (const auto& run : list)
            json.push_back(sbx::runner::run_json(runs, run));
        cli::print_json(json);
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"ID", "STATUS", "RUNTIME", "CREATED", "WALL", "INFO"}};
    for (const auto& run : list)
        rows.push_back({std::to_string(run.id), store::status_name(run.status), run.runtime, run.created_at,
                        run.wall_ms ? std::to_string(*run.wall_ms) + "ms" : "", describe(runs, run)});
    cli::print_table(rows);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return cli::run_main("sbx-ps", [&] { return ps(argc, argv); });
}
