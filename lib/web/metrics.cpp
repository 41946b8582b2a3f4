#include "web/metrics.hpp"

#include <map>
#include <sstream>

#include "engine/engine.hpp"
#include "store/run_store.hpp"
#include "store/sandbox_store.hpp"

namespace sbx::web {
namespace {

const std::vector<double> duration_bounds = {0.25, 0.5, 1, 2, 5, 10, 30, 60, 300};

// Label values are ours (route patterns, runtime ids), but escape as the format asks.
std::string label(const std::string& value)
{
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

} // namespace

void Metrics::count_request(const std::string& route, int status)
{
    std::lock_guard lock(mutex_);
    ++requests_[{route, status}];
}

std::string Metrics::render(store::Database& db, const config::Settings& settings)
{
    auto stats = store::RunStore(db).stats(duration_bounds);
    std::ostringstream out;
    out << "# HELP sbx_oci_runtime_info The OCI runtime new sandboxes run under; gvisor=\"false\": on the host "
           "kernel.\n# TYPE sbx_oci_runtime_info gauge\n"
        << "sbx_oci_runtime_info{engine=\"" << label(settings.engine) << "\",oci_runtime=\""
        << label(settings.oci_runtime) << "\",gvisor=\"" << (engine::is_gvisor(settings.oci_runtime) ? "true" : "false")
        << "\"} 1\n";
    out << "# HELP sbx_runs Runs kept in the database, by runtime, engine, OCI runtime (\"\": not recorded), "
           "status and the API that asked (via).\n# TYPE sbx_runs gauge\n";
    for (const auto& c : stats.by_status)
        out << "sbx_runs{runtime=\"" << label(c.runtime) << "\",engine=\"" << label(c.engine) << "\",oci_runtime=\""
            << label(c.oci_runtime) << "\",status=\"" << label(c.status) << "\",via=\"" << label(c.via) << "\"} "
            << c.runs << '\n';
    out << "# HELP sbx_runs_active Runs building or running.\n# TYPE sbx_runs_active gauge\nsbx_runs_active "
        << stats.active << '\n';
    out << "# HELP sbx_runs_queued Runs waiting to start.\n# TYPE sbx_runs_queued gauge\nsbx_runs_queued "
        << stats.queued << '\n';
    out << "# HELP sbx_run_duration_seconds Wall time of finished runs.\n# TYPE sbx_run_duration_seconds histogram\n";
    for (std::size_t i = 0; i < duration_bounds.size(); ++i)
        out << "sbx_run_duration_seconds_bucket{le=\"" << duration_bounds[i] << "\"} " << stats.wall_buckets[i] << '\n';
    out << "sbx_run_duration_seconds_bucket{le=\"+Inf\"} " << stats.wall_count << '\n'
        << "sbx_run_duration_seconds_sum " << stats.wall_sum_s << '\n'
        << "sbx_run_duration_seconds_count " << stats.wall_count << '\n';
    // The pool: what waits ready now, and claims and misses since the database was made.
    store::SandboxStore sandboxes(db);
    const auto counters = sandboxes.counters();
    std::map<std::string, std::int64_t> ready;
    for (const auto& counter : counters)
        ready[counter.runtime] = 0;
    for (const auto& sandbox : sandboxes.list(store::SandboxState::ready))
        ++ready[sandbox.runtime];
    out << "# HELP sbx_pool_ready Pooled sandboxes ready for a run, by runtime.\n# TYPE sbx_pool_ready gauge\n";
    for (const auto& [runtime, count] : ready)
        out << "sbx_pool_ready{runtime=\"" << label(runtime) << "\"} " << count << '\n';
    out << "# HELP sbx_pool_claims_total Runs that took a pooled sandbox, by runtime.\n"
           "# TYPE sbx_pool_claims_total counter\n";
    for (const auto& c : counters)
        out << "sbx_pool_claims_total{runtime=\"" << label(c.runtime) << "\"} " << c.claims << '\n';
    out << "# HELP sbx_pool_misses_total Runs of a pooled runtime that found no ready sandbox, by runtime.\n"
           "# TYPE sbx_pool_misses_total counter\n";
    for (const auto& c : counters)
        out << "sbx_pool_misses_total{runtime=\"" << label(c.runtime) << "\"} " << c.misses << '\n';
    out << "# HELP sbx_http_requests_total API requests by route and status.\n# TYPE sbx_http_requests_total counter\n";
    {
        std::lock_guard lock(mutex_);
        for (const auto& [key, count] : requests_)
            out << "sbx_http_requests_total{route=\"" << label(key.first) << "\",status=\"" << key.second << "\"} "
                << count << '\n';
    }
    out << "# HELP sbx_login_failures_total Failed logins.\n# TYPE sbx_login_failures_total counter\n"
        << "sbx_login_failures_total " << login_failures_.load() << '\n';
    return out.str();
}

} // namespace sbx::web
