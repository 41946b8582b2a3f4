// sbx-pool: the warm pool of pre-started sandboxes: its status, its keeper, draining it.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "cli/gc_actions.hpp"
#include "cli/session.hpp"
#include "error.hpp"
#include "pool/keeper.hpp"
#include "pool/pool_status.hpp"
#include "runner/sandbox_init.hpp"

namespace {

namespace cli = sbx::cli;
namespace pool = sbx::pool;

const char* usage = "usage: sbx pool [status] [--format text|json]\n"
                    "       sbx pool keep\n"
                    "       sbx pool drain [--format text|json]\n";

std::atomic<bool> stop_requested{false};
std::atomic<bool> reload_requested{false};
std::atomic<bool> wake{false}; // either of the two: the keeper's loop ends

extern "C" void request_stop(int)
{
    stop_requested = true;
    wake = true;
}

extern "C" void request_reload(int)
{
    reload_requested = true;
    wake = true;
}

void log_line(const std::string& line)
{
    std::cerr << "sbx-pool: " << line << std::endl;
}

int status(cli::Session& session, const cli::CommonOptions& common)
{
    auto status = pool::pool_status(session.settings(), session.context().catalog, session.db());
    if (common.json()) {
        auto runtimes = nlohmann::json::array();
        for (const auto& r : status.runtimes)
            runtimes.push_back({{"runtime", r.runtime},
                                {"size", r.size},
                                {"ready", r.ready},
                                {"starting", r.starting},
                                {"claimed", r.claimed},
                                {"claims_last_minute", r.claims_last_minute},
                                {"claims", r.claims},
                                {"misses", r.misses}});
        cli::print_json({{"keeper_pid", status.keeper_pid ? nlohmann::json(*status.keeper_pid) : nlohmann::json()},
                         {"engine_can_pool", status.engine_can_pool},
                         {"runtimes", runtimes}});
        return 0;
    }
    std::vector<std::vector<std::string>> rows = {
        {"RUNTIME", "SIZE", "READY", "STARTING", "CLAIMED", "CLAIMS/MIN", "CLAIMS", "MISSES"}};
    for (const auto& r : status.runtimes)
        rows.push_back({r.runtime, std::to_string(r.size), std::to_string(r.ready), std::to_string(r.starting),
                        std::to_string(r.claimed), std::to_string(r.claims_last_minute), std::to_string(r.claims),
                        std::to_string(r.misses)});
    cli::print_table(rows);
    if (!status.engine_can_pool)
        std::cout << "pool: off: the OCI runtime is not gVisor's runsc, which a pooled run needs\n";
    else if (status.keeper_pid)
        std::cout << "keeper: running (pid " << *status.keeper_pid << ")\n";
    else
        std::cout << "keeper: not running: runs go cold (start it with `sbx pool keep` or its systemd unit)\n";
    return 0;
}

int keep(const cli::CommonOptions& common)
{
    auto session = std::make_unique<cli::Session>(common);
    auto lock = pool::lock_keeper(session->settings());
    const auto run_dir = session->settings().run_dir;
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    action.sa_handler = request_reload;
    sigaction(SIGHUP, &action, nullptr);
    log_line("keeping the pool of " + run_dir.string() + " (pid " + std::to_string(getpid()) + ")");
    while (!stop_requested) {
        {
            auto engine = sbx::app::make_engine(session->settings());
            pool::PoolContext context{session->settings(), session->context().catalog, session->db(), *engine,
                                      sbx::runner::find_sandbox_init()};
            pool::Keeper keeper(context, static_cast<int>(getpid()), log_line);
            keeper.run(wake);
        }
        wake = false;
        if (stop_requested || !reload_requested.exchange(false))
            continue;
        // SIGHUP: the config again. The new keeper adopts the ready sandboxes that still
        // fit it and replaces the others; a config that does not load changes nothing.
        try {
            auto fresh = std::make_unique<cli::Session>(common);
            if (fresh->settings().run_dir != run_dir)
                log_line("reload: run_dir is now " + fresh->settings().run_dir.string() +
                         "; restart the keeper to keep that pool; going on with " + run_dir.string());
            else {
                session = std::move(fresh);
                log_line("reloaded the config");
            }
        } catch (const std::exception& e) {
            log_line(std::string("reload refused, the config stays as it was: ") + e.what());
        }
    }
    log_line("stopped; the next keeper adopts what is ready");
    return 0;
}

int drain(cli::Session& session, const cli::CommonOptions& common)
{
    auto engine = sbx::app::make_engine(session.settings());
    pool::PoolContext context{session.settings(), session.context().catalog, session.db(), *engine,
                              sbx::runner::find_sandbox_init()};
    auto actions = pool::drain_pool(context);
    if (common.json()) {
        cli::print_json({{"actions", cli::gc_actions_json(actions)}});
    } else {
        cli::print_gc_actions(actions);
        std::cout << "drain: " << actions.size() << " pooled sandboxes removed\n";
    }
    return 0;
}

int main_body(int argc, char** argv)
{
    cli::CommonOptions common;
    cli::po::options_description options("options");
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    std::string verb = parsed->empty() ? "status" : cli::take_subcommand(*parsed, {"status", "keep", "drain"});
    if (!parsed->empty())
        throw sbx::Error(sbx::ErrorKind::usage, "unexpected argument '" + parsed->front() + "'");
    if (verb == "keep")
        return keep(common);
    cli::Session session(common);
    if (verb == "drain")
        return drain(session, common);
    return status(session, common);
}

} // namespace

int main(int argc, char** argv)
{
    return cli::run_main("sbx-pool", [&] { return main_body(argc, argv); });
}
