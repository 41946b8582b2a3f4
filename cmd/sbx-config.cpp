// sbx-config: show every effective setting and where it came from.
#include <iostream>

#include "cli/common.hpp"
#include "config/config_json.hpp"
#include "error.hpp"

namespace {

const char* usage = "usage: sbx config show [--config FILE] [--set KEY=VALUE]... [--format text|json]\n";

int show(const sbx::cli::CommonOptions& common)
{
    auto loaded = sbx::cli::load_settings(common);
    if (common.json()) {
        sbx::cli::print_json(sbx::config::settings_json(loaded));
        return 0;
    }
    std::cout << "# config file: " << loaded.config_file.string()
              << (loaded.config_file_found ? "" : " (not found; defaults apply)") << '\n';
    std::vector<std::vector<std::string>> rows{{"KEY", "VALUE", "FROM"}};
    for (const auto& value : loaded.values)
        rows.push_back({value.key, value.value, value.origin.where});
    sbx::cli::print_table(rows);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return sbx::cli::run_main("sbx-config", [&] {
        sbx::cli::CommonOptions common;
        sbx::cli::po::options_description options("options");
        auto parsed = sbx::cli::parse_command(argc, argv, options, common, usage);
        if (!parsed)
            return 0;
        auto args = *parsed;
        sbx::cli::take_subcommand(args, {"show"});
        if (!args.empty())
            throw sbx::Error(sbx::ErrorKind::usage, "unexpected argument '" + args.front() + "'");
        return show(common);
    });
}
