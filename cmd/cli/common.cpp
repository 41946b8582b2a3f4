#include "cli/common.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <iostream>

#include "common/suggest.hpp"
#include "config/units.hpp"
#include "error.hpp"

namespace sbx::cli {

void add_common_options(po::options_description& options, CommonOptions& common)
{
    options.add_options()("config",
                          po::value<std::string>()->notifier([&](const std::string& v) { common.config = v; }),
                          "config file (default: $SBX_CONFIG, else /etc/sbx/sbx.toml)")(
        "set", po::value<std::vector<std::string>>(&common.overrides)->composing(),
        "override a setting: KEY=VALUE (repeatable)")(
        "format", po::value<std::string>(&common.format)->default_value("text")->notifier([](const std::string& v) {
            if (v != "text" && v != "json")
                throw Error(ErrorKind::usage, "--format must be text or json, not '" + v + "'");
        }),
        "output format: text or json")("help,h", po::bool_switch(&common.help), "show this help");
}

std::uint64_t bytes_option(const std::string& text, const char* option)
{
    if (auto value = config::parse_bytes(text))
        return *value;
    throw Error(ErrorKind::usage, std::string("--") + option + ": '" + text + "' is not a size such as 256M", option);
}

std::chrono::milliseconds duration_option(const std::string& text, const char* option)
{
    if (auto value = config::parse_duration(text))
        return *value;
    throw Error(ErrorKind::usage, std::string("--") + option + ": '" + text + "' is not a duration such as 10s",
                option);
}

namespace {

template <typename T>
T number_option(const std::string& text, const char* option)
{
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || text.front() == '-')
        throw Error(ErrorKind::usage, std::string("--") + option + ": '" + text + "' is not a number", option);
    return value;
}

} // namespace

double decimal_option(const std::string& text, const char* option)
{
    return number_option<double>(text, option);
}

std::uint32_t count_option(const std::string& text, const char* option)
{
    return number_option<std::uint32_t>(text, option);
}

void add_actor_option(po::options_description& options, CommonOptions& common)
{
    options.add_options()("as", po::value<std::string>()->notifier([&](const std::string& v) { common.as = v; }),
                          "act as this user (default: as the admin)");
}

std::optional<std::vector<std::string>> parse_command(int argc, char** argv, po::options_description& options,
                                                      CommonOptions& common, const char* usage)
{
    add_common_options(options, common);
    po::options_description all;
    all.add(options).add_options()("args", po::value<std::vector<std::string>>());
    po::positional_options_description positional;
    positional.add("args", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw Error(ErrorKind::usage, e.what());
    }
    if (common.help) {
        std::cout << usage << '\n' << options;
        return std::nullopt;
    }
    return vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

std::string take_subcommand(std::vector<std::string>& args, const std::vector<std::string>& known)
{
    std::string list;
    for (const auto& k : known)
        list += (list.empty() ? "" : ", ") + k;
    if (args.empty())
        throw Error(ErrorKind::usage, "missing subcommand (one of: " + list + ")");
    std::string sub = args.front();
    args.erase(args.begin());
    if (std::find(known.begin(), known.end(), sub) == known.end()) {
        std::string message = "unknown subcommand '" + sub + "'";
        if (auto guess = closest_match(sub, known))
            message += " (did you mean '" + *guess + "'?)";
        throw Error(ErrorKind::usage, message + "; expected one of: " + list);
    }
    return sub;
}

config::LoadedSettings load_settings(const CommonOptions& common)
{
    return config::load_settings(settings_request(common));
}

config::SettingsRequest settings_request(const CommonOptions& common)
{
    config::SettingsRequest request;
    if (common.config)
        request.config_flag = *common.config;
    request.environment = config::sbx_environment();
    request.overrides = common.overrides;
    request.cwd = std::filesystem::current_path();
    return request;
}

int run_main(const char* program, const std::function<int()>& body, int error_status)
{
    try {
        return body();
    } catch (const Error& e) {
        std::string message = e.what();
        // Config errors are FILE:LINE:COL lines already; a prefix on each would hide that.
        if (e.kind() == ErrorKind::config)
            std::cerr << message << '\n';
        else
            std::cerr << program << ": " << message << '\n';
        if (e.kind() == ErrorKind::usage) {
            std::string verb = program;
            if (verb.starts_with("sbx-"))
                verb[3] = ' ';
            std::cerr << "Try '" << verb << " --help'.\n";
        }
        return error_status ? error_status : exit_code(e.kind());
    } catch (const std::exception& e) {
        std::cerr << program << ": internal error: " << e.what() << '\n';
        return error_status ? error_status : exit_code(ErrorKind::internal);
    }
}

void print_table(const std::vector<std::vector<std::string>>& rows)
{
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.push_back(0);
            widths[i] = std::max(widths[i], row[i].size());
        }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size())
                line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        std::cout << line << '\n';
    }
}

void print_json(const nlohmann::json& json)
{
    std::cout << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

} // namespace sbx::cli
