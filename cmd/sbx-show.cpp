// sbx-show: print one run's record.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/session.hpp"
#include "common/project_path.hpp"
#include "error.hpp"
#include "project/access.hpp"
#include "project/project_runs.hpp"
#include "runner/run_json.hpp"

namespace {

namespace cli = sbx::cli;

const char* usage = "usage: sbx show RUN [--files] [--as USER] [--format text|json]\n";

std::string inert(const std::string& text)
{
    std::string out;
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out;
}

int show_files(const std::vector<sbx::store::RunFileRecord>& files, const cli::CommonOptions& common)
{
    if (common.json()) {
        auto json = nlohmann::json::array();
        for (const auto& file : files)
            json.push_back(sbx::runner::run_file_json(file));
        cli::print_json(json);
        return 0;
    }
    // Code is someone's input: on a terminal its control characters are shown, not obeyed.
    bool tty = isatty(STDOUT_FILENO) != 0;
    for (const auto& file : files) {
        std::cout << "==> " << sbx::common::printable(file.path) << " <==\n"
                  << (tty ? inert(file.content) : file.content);
        if (!file.content.empty() && !file.content.ends_with('\n'))
            std::cout << '\n';
    }
    return 0;
}

int show(int argc, char** argv)
{
    cli::CommonOptions common;
    bool files = false;
    cli::po::options_description options("options");
    options.add_options()("files", cli::po::bool_switch(&files), "print the code the run ran");
    cli::add_actor_option(options, common);
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    auto args = *parsed;
    if (args.size() != 1)
        throw sbx::Error(sbx::ErrorKind::usage, args.empty() ? "which run? give its id" : "one run at a time");
    cli::Session session(common);
    auto id = cli::parse_run_id(args[0]);
    if (files)
        return show_files(sbx::project::run_files(session.context(), session.actor(), id), common);
    sbx::store::RunStore runs(session.db());
    auto json = sbx::runner::run_json(runs, sbx::project::find_run(session.db(), session.actor(), id));
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
