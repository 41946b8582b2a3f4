// GET /healthz and GET /metrics.
#include <mutex>

#include "engine/engine.hpp"
#include "error.hpp"
#include "runner/run_service.hpp"
#include "store/run_store.hpp"
#include "web/call.hpp"

namespace sbx::web {
namespace {

// Asking the engine runs a process: do it at most every few seconds, however often
// the load balancer asks. The answer holds for the settings it was found with only.
struct EngineCheck {
    std::mutex mutex;
    std::chrono::steady_clock::time_point checked{};
    std::string settings;
    std::string problem;
};

std::string engine_problem(const config::Settings& settings)
{
    static EngineCheck check;
    std::lock_guard lock(check.mutex);
    auto now = std::chrono::steady_clock::now();
    std::string asked = settings.engine + '\n' + settings.oci_runtime + '\n' +
                        (settings.allow_unsandboxed_runtime ? "allowed" : "refused");
    if (now - check.checked > std::chrono::seconds(10) || asked != check.settings) {
        check.settings = asked;
        try {
            app::make_engine(settings)->check_runtime();
            check.problem.clear();
        } catch (const Error& e) {
            check.problem = e.what();
        }
        check.checked = now;
    }
    return check.problem;
}

void healthz(Call& call)
{
    const auto& settings = call.context.settings;
    nlohmann::json body = {{"engine", settings.engine},
                           {"oci_runtime", settings.oci_runtime},
                           {"gvisor", engine::is_gvisor(settings.oci_runtime)}};
    body["uptime_s"] =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - call.started).count();
    std::string problem;
    try {
        auto stats = store::RunStore(call.context.db).stats({});
        body["runs_active"] = stats.active;
        body["runs_queued"] = stats.queued;
    } catch (const Error& e) {
        problem = e.what();
    }
    if (problem.empty())
        problem = engine_problem(settings);
    body["status"] = problem.empty() ? "ok" : "unavailable";
    if (!problem.empty())
        body["problem"] = problem;
    call.reply(problem.empty() ? 200 : 503, body);
}

void metrics(Call& call)
{
    call.response.status = 200;
    call.response.body = call.metrics.render(call.context.db, call.context.settings);
    call.response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
}

} // namespace

void add_health_routes(Routes& routes)
{
    routes.add("GET", "/healthz", healthz);
    routes.add("GET", "/metrics", metrics);
}

} // namespace sbx::web
