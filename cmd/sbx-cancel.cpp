// sbx-cancel: stop queued or running runs.
#include <iostream>

#include "cli/session.hpp"
#include "error.hpp"
#include "project/access.hpp"
#include "project/project_runs.hpp"
#include "runner/run_json.hpp"

namespace {

namespace cli = sbx::cli;
namespace store = sbx::store;

const char* usage = "usage: sbx cancel RUN... [--as USER] [--format text|json]\n";

int cancel(int argc, char** argv)
{
    cli::CommonOptions common;
    cli::po::options_description options("options");
    cli::add_actor_option(options, common);
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    auto args = *parsed;
    if (args.empty())
        throw sbx::Error(sbx::ErrorKind::usage, "which run? give its id");
    std::vector<std::int64_t> ids;
    ids.reserve(args.size());
    for (const auto& arg : args)
        ids.push_back(cli::parse_run_id(arg));
    cli::Session session(common);
    auto actor = session.actor();
    for (auto id : ids)
        sbx::project::find_run(session.db(), actor, id); // all or nothing: unknown ids stop before any cancel
    auto json = nlohmann::json::array();
    store::RunStore runs(session.db());
    for (auto id : ids) {
        bool was_active = !store::is_final(runs.get(id).status);
        store::RunRecord run = sbx::project::cancel_run(session.context(), actor, id, "cancelled with sbx cancel");
        json.push_back(sbx::runner::run_json(runs, run));
        if (!common.json())
            std::cout << "run " << id << ": "
                      << (was_active ? store::status_name(run.status)
                                     : std::string("had already ended (") + store::status_name(run.status) + ")")
                      << '\n';
    }
    if (common.json())
        cli::print_json(json);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return cli::run_main("sbx-cancel", [&] { return cancel(argc, argv); });
}
