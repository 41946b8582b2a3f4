// sbx-runtime: list, show and check the runtime catalog; print FAQs.
#include <iostream>

#include "cli/common.hpp"
#include "config/config_check.hpp"
#include "config/config_json.hpp"
#include "config/units.hpp"
#include "error.hpp"
#include "runner/image_check.hpp"
#include "runner/run_service.hpp"

namespace {

namespace config = sbx::config;
namespace cli = sbx::cli;

const char* usage = "usage: sbx runtime list\n"
                    "       sbx runtime show ID\n"
                    "       sbx runtime check [--images]\n"
                    "       sbx runtime faq [ID]\n"
                    "  every form also takes [--config FILE] [--set KEY=VALUE]... [--format text|json]\n";

std::string plural(std::size_t n, const std::string& one, const std::string& many = {})
{
    return std::to_string(n) + " " + (n == 1 ? one : many.empty() ? one + "s" : many);
}

std::string argv_text(const std::vector<std::string>& argv)
{
    return argv.empty() ? "(none)" : nlohmann::json(argv).dump();
}

int list(const config::RuntimeCatalog& catalog, const cli::CommonOptions& common)
{
    if (common.json()) {
        auto json = nlohmann::json::array();
        for (const auto& runtime : catalog.runtimes())
            json.push_back(config::runtime_summary_json(runtime));
        cli::print_json(json);
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"ID", "NAME", "LANGUAGE", "VERSION", "OS/ARCH", "IMAGE"}};
    for (const auto& r : catalog.runtimes())
        rows.push_back({r.id, r.name, r.language, r.version, r.os + "/" + r.arch, r.image});
    cli::print_table(rows);
    return 0;
}

int show(const config::Runtime& r, const cli::CommonOptions& common)
{
    if (common.json()) {
        cli::print_json(config::runtime_json(r));
        return 0;
    }
    const auto& l = r.limits;
    cli::print_table({
        {"id:", r.id},
        {"name:", r.name},
        {"language:", r.language},
        {"version:", r.version},
        {"description:", r.description},
        {"os/arch:", r.os + "/" + r.arch},
        {"image:", r.image},
        {"file:", r.file},
        {"compile:", argv_text(r.compile)},
        {"run:", argv_text(r.run)},
        {"check:", argv_text(r.check)},
        {"env:", nlohmann::json(r.env).dump()},
        {"limits:", "memory " + config::format_bytes(l.memory) + ", cpus " + nlohmann::json(l.cpus).dump() + ", pids " +
                        std::to_string(l.pids) + ", wall " + config::format_duration(l.wall_time) + ", compile " +
                        config::format_duration(l.compile_time) + ", output " + config::format_bytes(l.output_bytes) +
                        ", disk " + config::format_bytes(l.disk)},
        {"faq:", plural(r.faq.size(), "entry", "entries") + " of its own (sbx runtime faq " + r.id + ")"},
        {"source:", r.source},
    });
    std::cout << "hello world:\n" << r.hello_world << (r.hello_world.ends_with('\n') ? "" : "\n");
    return 0;
}

int faq(const std::vector<config::FaqEntry>& entries, const cli::CommonOptions& common)
{
    if (common.json()) {
        cli::print_json(config::faq_json(entries));
        return 0;
    }
    for (std::size_t i = 0; i < entries.size(); ++i)
        std::cout << (i ? "\n" : "") << "Q: " << entries[i].question << "\nA: " << entries[i].answer << '\n';
    return 0;
}

// Validates everything and reports every problem, in text or JSON, with exit 78.
int check(const cli::CommonOptions& common, bool images)
{
    auto check = config::check_configuration(cli::settings_request(common));
    bool config_ok = check.ok();
    if (images && config_ok) {
        auto engine = sbx::app::make_engine(check.loaded.settings);
        auto missing = sbx::runner::missing_images(check.catalog, *engine);
        check.problems.insert(check.problems.end(), missing.begin(), missing.end());
    }
    if (common.json()) {
        auto errors = nlohmann::json::array();
        for (const auto& d : check.problems)
            errors.push_back({{"file", d.file}, {"line", d.line}, {"column", d.column}, {"message", d.message}});
        cli::print_json({{"ok", check.ok()},
                         {"runtimes", check.catalog.runtimes().size()},
                         {"faq_entries", check.faq.size()},
                         {"catalog_dir", check.loaded.settings.catalog_dir.string()},
                         {"errors", errors}});
    } else if (check.ok()) {
        std::cout << "ok: " << plural(check.catalog.runtimes().size(), "runtime") << " in "
                  << check.loaded.settings.catalog_dir.string() << ", "
                  << plural(check.faq.size(), "global FAQ entry", "global FAQ entries")
                  << (images ? ", every image present in " + check.loaded.settings.engine : "") << '\n';
    } else {
        for (const auto& d : check.problems)
            std::cerr << d.to_string() << '\n';
        std::cerr << plural(check.problems.size(), "problem") << " found\n";
    }
    if (check.ok())
        return 0;
    return sbx::exit_code(config_ok ? sbx::ErrorKind::unavailable : sbx::ErrorKind::config);
}

} // namespace

int main(int argc, char** argv)
{
    return cli::run_main("sbx-runtime", [&] {
        cli::CommonOptions common;
        cli::po::options_description options("options");
        bool images = false;
        options.add_options()("images", cli::po::bool_switch(&images), "check: also ask the engine for each image");
        auto parsed = cli::parse_command(argc, argv, options, common, usage);
        if (!parsed)
            return 0;
        auto args = *parsed;
        auto sub = cli::take_subcommand(args, {"list", "show", "check", "faq"});
        std::size_t max_args = sub == "show" || sub == "faq" ? 1 : 0;
        if (sub == "show" && args.empty())
            throw sbx::Error(sbx::ErrorKind::usage, "show needs a runtime id");
        if (args.size() > max_args)
            throw sbx::Error(sbx::ErrorKind::usage, "unexpected argument '" + args[max_args] + "'");
        if (sub == "check")
            return check(common, images);
        if (images)
            throw sbx::Error(sbx::ErrorKind::usage, "--images goes with check");

        auto loaded = cli::load_settings(common);
        auto catalog = config::RuntimeCatalog::load(loaded.settings);
        if (sub == "list")
            return list(catalog, common);
        if (sub == "show")
            return show(catalog.get(args[0]), common);
        auto global = config::load_faq(loaded.settings.faq_file);
        return faq(args.empty() ? global : config::merge_faq(global, catalog.get(args[0]).faq), common);
    });
}
