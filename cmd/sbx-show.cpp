// sbx-show: print one run's record.
#include <iostream>

#include "cli/session.hpp"
#include "error.hpp"
#include "runner/run_json.hpp"

namespace {

namespace cli = sbx::cli;

const char* usage = "usage: sbx show RUN [--format text|json]\n";

int show(int argc, char** argv)
{
    cli::CommonOptions common;
    cli::po::options_description options("options");
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    auto args = *parsed;
    if (args.size() != 1)
        throw sbx::Error(sbx::ErrorKind::usage, args.empty() ? "which run? give its id" : "one run at a time");
    cli::Session session(common);
    auto json = sbx::runner::run_json(sbx::store::RunStore(session.db()).get(cli::parse_run_id(args[0])));
    if (common.json()) {
        cli::print_json(json);
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& [key, value] : json.items())
        if (!value.is_null())
            rows.push_back({key + ":", value.is_string() ? value.get<std::string>() : value.dump()});
    cli::print_table(rows);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return cli::run_main("sbx-show", [&] { return show(argc, argv); });
}
