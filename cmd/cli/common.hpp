#pragma once
// What every sbx-* binary shares: --config/--set/--format options, loading settings,
// mapping errors to exit codes, and printing tables. Front-end code only.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "config/settings.hpp"

namespace sbx::cli {

namespace po = boost::program_options;

struct CommonOptions {
    std::optional<std::string> config;
    std::vector<std::string> overrides;
    std::string format = "text";
    bool help = false;
    std::optional<std::string> as; ///< --as USER, for verbs that act as a user

    bool json() const { return format == "json"; }
};

/// Adds --config, --set, --format and --help.
void add_common_options(po::options_description& options, CommonOptions& common);

/// Option values: a size such as 256M, a duration such as 10s, a plain number. Each
/// throws Error(usage) naming the option.
std::uint64_t bytes_option(const std::string& text, const char* option);
std::chrono::milliseconds duration_option(const std::string& text, const char* option);
double decimal_option(const std::string& text, const char* option);
std::uint32_t count_option(const std::string& text, const char* option);

/// Adds --as USER: act as that user instead of as the admin.
void add_actor_option(po::options_description& options, CommonOptions& common);

/// Adds the common options to `options` and parses argv. Returns the positional
/// arguments, or nullopt when --help was asked for and the usage has been printed.
/// Throws Error(usage).
std::optional<std::vector<std::string>> parse_command(int argc, char** argv, po::options_description& options,
                                                      CommonOptions& common, const char* usage);

/// Removes and returns the subcommand from the positional args; an unknown one is
/// a usage error with a "did you mean" hint.
std::string take_subcommand(std::vector<std::string>& args, const std::vector<std::string>& known);

/// The settings request of --config/--set and this process's SBX_* environment.
config::SettingsRequest settings_request(const CommonOptions& common);

/// Settings from --config/SBX_CONFIG, the SBX_* environment and --set flags.
config::LoadedSettings load_settings(const CommonOptions& common);

/// Runs a binary's body: prints errors as "PROGRAM: message" on stderr and returns the
/// documented exit code for them: the sysexits code of the error's kind, or
/// `error_status` for every error when it is not 0.
int run_main(const char* program, const std::function<int()>& body, int error_status = 0);

/// Prints rows as aligned columns; the first row is the header.
void print_table(const std::vector<std::vector<std::string>>& rows);

void print_json(const nlohmann::json& json);

} // namespace sbx::cli
