// sbx-supervise: internal, started by `sbx run --detach` and the web API to supervise one
// submitted run to its end in a process and session of its own.
#include "cli/session.hpp"
#include "error.hpp"
#include "runner/supervisor.hpp"

namespace {

namespace cli = sbx::cli;

const char* usage = "usage: sbx-supervise [--config FILE] [--set KEY=VALUE]... RUN\n"
                    "(internal: started by sbx-run --detach and sbx-fcgi)\n";

int supervise(int argc, char** argv)
{
    cli::CommonOptions common;
    cli::po::options_description options("options");
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    if (parsed->size() != 1)
        throw sbx::Error(sbx::ErrorKind::usage, "give the id of one submitted run", "run");
    const std::int64_t id = cli::parse_run_id(parsed->front());
    cli::Session session(common);
    sbx::runner::supervise(session.context(), id);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return cli::run_main("sbx-supervise", [&] { return supervise(argc, argv); });
}
