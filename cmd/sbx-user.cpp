// sbx-user: accounts: add, passwd, list, show, disable/enable, quota, totp.
#include <iostream>

#include "account/qr_text.hpp"
#include "account/two_factor.hpp"
#include "account/user_json.hpp"
#include "account/users.hpp"
#include "cli/session.hpp"
#include "cli/terminal.hpp"
#include "config/units.hpp"
#include "error.hpp"

namespace {

namespace account = sbx::account;
namespace cli = sbx::cli;
namespace config = sbx::config;
namespace store = sbx::store;

const char* usage = "usage: sbx user add NAME [--admin] [--password-stdin]\n"
                    "       sbx user passwd NAME [--password-stdin]\n"
                    "       sbx user list\n"
                    "       sbx user show NAME\n"
                    "       sbx user disable|enable NAME\n"
                    "       sbx user quota NAME [--max-concurrent-runs N] [--max-memory SIZE] [--max-cpus N]\n"
                    "                           [--max-storage SIZE] [--runs-per-hour N] [--reset]\n"
                    "       sbx user totp enable NAME [--code CODE]\n"
                    "       sbx user totp confirm NAME CODE\n"
                    "       sbx user totp disable NAME\n"
                    "  every form also takes [--as USER] [--config FILE] [--set KEY=VALUE]... [--format text|json]\n";

constexpr const char* totp_issuer = "sbx";

struct Options {
    bool admin = false;
    bool password_stdin = false;
    bool reset = false;
    std::string code;
    std::string max_concurrent_runs, max_memory, max_cpus, max_storage, runs_per_hour;
};

std::string quota_value(const std::string& value, bool own)
{
    return own ? value : value + " (default)";
}

void print_user(const store::UserRecord& user, const config::Settings& settings, const cli::CommonOptions& common)
{
    nlohmann::json json = account::user_json(user, settings.quotas);
    if (common.json()) {
        cli::print_json(json);
        return;
    }
    const auto& own = user.quota;
    const auto& q = json["quota"];
    cli::print_table({
        {"name:", user.name},
        {"id:", std::to_string(user.id)},
        {"admin:", user.admin ? "yes" : "no"},
        {"disabled:", user.disabled ? "yes" : "no"},
        {"two-factor:", user.totp_enabled ? "on" : "off"},
        {"created:", user.created_at},
        {"max concurrent runs:", quota_value(std::to_string(q["max_concurrent_runs"].get<std::uint32_t>()),
                                             own.max_concurrent_runs.has_value())},
        {"max memory:",
         quota_value(config::format_bytes(q["max_memory"].get<std::uint64_t>()), own.max_memory.has_value())},
        {"max cpus:", quota_value(config::format_number(q["max_cpus"].get<double>()), own.max_cpus.has_value())},
        {"max storage:",
         quota_value(config::format_bytes(q["max_storage"].get<std::uint64_t>()), own.max_storage.has_value())},
        {"runs per hour:",
         quota_value(std::to_string(q["runs_per_hour"].get<std::uint32_t>()), own.runs_per_hour.has_value())},
    });
}

std::string need_name(std::vector<std::string>& args, const char* verb)
{
    if (args.size() != 1)
        throw sbx::Error(sbx::ErrorKind::usage, std::string("sbx user ") + verb + " takes one user NAME");
    return args.front();
}

int totp(cli::Session& session, std::vector<std::string>& args, const Options& options,
         const cli::CommonOptions& common)
{
    std::string action = cli::take_subcommand(args, {"enable", "confirm", "disable"});
    auto actor = session.actor();
    auto& db = session.db();
    if (action == "disable") {
        account::disable_totp(db, actor, need_name(args, "totp disable"));
        if (!common.json())
            std::cout << "two-factor login is off\n";
        return 0;
    }
    if (action == "confirm") {
        if (args.size() != 2)
            throw sbx::Error(sbx::ErrorKind::usage, "sbx user totp confirm takes NAME and CODE");
        account::confirm_totp(db, actor, args[0], args[1], std::chrono::system_clock::now());
        if (!common.json())
            std::cout << "two-factor login is on for " << args[0] << '\n';
        return 0;
    }
    std::string name = need_name(args, "totp enable");
    auto enrolment = account::begin_totp(db, actor, name, totp_issuer);
    if (common.json()) {
        bool confirmed = !options.code.empty();
        if (confirmed)
            account::confirm_totp(db, actor, name, options.code, std::chrono::system_clock::now());
        cli::print_json({{"uri", enrolment.uri}, {"secret", enrolment.secret_base32}, {"enabled", confirmed}});
        return 0;
    }
    std::cout << "Scan this with an authenticator app, or type the secret " << enrolment.secret_base32 << ":\n\n"
              << account::qr_text(enrolment.uri) << '\n'
              << enrolment.uri << "\n\n";
    std::optional<std::string> code;
    if (!options.code.empty()) {
        code = options.code;
    } else {
        std::cout << "Code the app shows now: " << std::flush;
        code = cli::read_stdin_line();
    }
    if (!code || code->empty()) {
        std::cout << "\nnot confirmed yet: run `sbx user totp confirm " << name << " CODE`\n";
        return 0;
    }
    account::confirm_totp(db, actor, name, *code, std::chrono::system_clock::now());
    std::cout << "two-factor login is on for " << name << '\n';
    return 0;
}

int run(int argc, char** argv)
{
    cli::CommonOptions common;
    Options o;
    cli::po::options_description options("options");
    auto add = options.add_options();
    add("admin", cli::po::bool_switch(&o.admin), "add: the new user is an admin");
    add("password-stdin", cli::po::bool_switch(&o.password_stdin), "read the password from the first line of stdin");
    add("code", cli::po::value(&o.code), "totp enable: confirm with this code at once");
    add("max-concurrent-runs", cli::po::value(&o.max_concurrent_runs), "quota: runs executing at once");
    add("max-memory", cli::po::value(&o.max_memory), "quota: memory of executing runs together, e.g. 1G");
    add("max-cpus", cli::po::value(&o.max_cpus), "quota: CPUs of executing runs together");
    add("max-storage", cli::po::value(&o.max_storage), "quota: bytes of files in all projects, e.g. 50M");
    add("runs-per-hour", cli::po::value(&o.runs_per_hour), "quota: runs started per hour");
    add("reset", cli::po::bool_switch(&o.reset), "quota: back to the config's defaults first");
    cli::add_actor_option(options, common);
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    auto args = *parsed;
    std::string verb =
        cli::take_subcommand(args, {"add", "passwd", "list", "show", "disable", "enable", "quota", "totp"});
    cli::Session session(common);
    auto& db = session.db();
    const auto& settings = session.settings();

    if (verb == "list") {
        if (!args.empty())
            throw sbx::Error(sbx::ErrorKind::usage, "sbx user list takes no arguments");
        auto users = account::list_users(db, session.actor());
        if (common.json()) {
            auto json = nlohmann::json::array();
            for (const auto& user : users)
                json.push_back(account::user_json(user, settings.quotas));
            cli::print_json(json);
            return 0;
        }
        std::vector<std::vector<std::string>> rows{{"NAME", "ADMIN", "DISABLED", "2FA", "CREATED"}};
        for (const auto& u : users)
            rows.push_back(
                {u.name, u.admin ? "yes" : "", u.disabled ? "yes" : "", u.totp_enabled ? "on" : "", u.created_at});
        cli::print_table(rows);
        return 0;
    }
    if (verb == "totp")
        return totp(session, args, o, common);

    std::string name = need_name(args, verb.c_str());
    store::UserRecord user;
    if (verb == "add") {
        std::string password = cli::read_new_password(o.password_stdin);
        user = account::add_user(db, session.actor(), name, password, o.admin);
    } else if (verb == "passwd") {
        account::change_password(db, session.actor(), name, cli::read_new_password(o.password_stdin));
        if (!common.json())
            std::cout << "password changed\n";
        return 0;
    } else if (verb == "show") {
        user = account::show_user(db, session.actor(), name);
    } else if (verb == "disable" || verb == "enable") {
        user = account::set_disabled(db, session.actor(), name, verb == "disable");
    } else {
        store::QuotaOverrides quota;
        if (!o.max_concurrent_runs.empty())
            quota.max_concurrent_runs = cli::count_option(o.max_concurrent_runs, "max-concurrent-runs");
        if (!o.max_memory.empty())
            quota.max_memory = cli::bytes_option(o.max_memory, "max-memory");
        if (!o.max_cpus.empty())
            quota.max_cpus = cli::decimal_option(o.max_cpus, "max-cpus");
        if (!o.max_storage.empty())
            quota.max_storage = cli::bytes_option(o.max_storage, "max-storage");
        if (!o.runs_per_hour.empty())
            quota.runs_per_hour = cli::count_option(o.runs_per_hour, "runs-per-hour");
        user = account::set_quota(db, session.actor(), name, quota, o.reset);
    }
    print_user(user, settings, common);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return sbx::cli::run_main("sbx-user", [&] { return run(argc, argv); });
}
