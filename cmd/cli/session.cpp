#include "cli/session.hpp"

#include <charconv>
#include <iostream>

#include "account/users.hpp"
#include "common/sbx_binary.hpp"
#include "error.hpp"

namespace sbx::cli {

account::Actor Session::actor()
{
    return as_ ? account::actor_for(*db_, *as_) : account::Actor::shell();
}

std::vector<std::string> supervisor_command(const CommonOptions& common, const config::LoadedSettings& loaded)
{
    // Missing, it is said when a run is to be detached, not by every verb.
    auto binary = common::find_sbx_binary("sbx-supervise");
    if (!binary)
        return {};
    std::vector<std::string> argv = {binary->string()};
    if (loaded.config_file_found)
        argv.insert(argv.end(), {"--config", loaded.config_file.string()});
    for (const auto& assignment : common.overrides)
        argv.insert(argv.end(), {"--set", assignment});
    return argv;
}

std::int64_t parse_run_id(const std::string& text)
{
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
        throw Error(ErrorKind::usage, "'" + text + "' is not a run id (a positive number)", "run");
    return id;
}

int run_exit_status(const store::RunRecord& run)
{
    switch (run.status) {
    case store::RunStatus::succeeded: return 0;
    case store::RunStatus::failed:
        return run.exit_code && *run.exit_code > 0 && *run.exit_code < 256 ? *run.exit_code : 1;
    case store::RunStatus::timeout: return exit_timeout;
    case store::RunStatus::oom:
    case store::RunStatus::output_limit:
    case store::RunStatus::cancelled: return exit_killed;
    default: return exit_sbx_failed;
    }
}

void explain_run(const store::RunRecord& run)
{
    std::string what;
    switch (run.status) {
    case store::RunStatus::timeout: what = "timed out: "; break;
    case store::RunStatus::oom: what = "was killed: "; break;
    case store::RunStatus::output_limit: what = "was stopped: "; break;
    case store::RunStatus::cancelled: what = "was cancelled: "; break;
    case store::RunStatus::error: what = "failed in sbx: "; break;
    case store::RunStatus::failed:
        if (run.stage == "compile")
            what = "did not compile: ";
        else if (!run.reason.empty())
            what = "was killed: "; // by sbx, at a limit the reason names
        break;
    default: break;
    }
    if (!what.empty())
        std::cerr << "sbx: run " << run.id << " " << what << run.reason << '\n';
}

} // namespace sbx::cli
