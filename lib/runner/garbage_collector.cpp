#include "runner/garbage_collector.hpp"

#include <cstring>
#include <fcntl.h>
#include <sys/file.h>

#include <charconv>
#include <ctime>

#include "common/utc_time.hpp"
#include "engine/sandbox_cgroup.hpp"
#include "error.hpp"
#include "pool/pool_gc.hpp"
#include "runner/host_slots.hpp"
#include "runner/sandbox_init.hpp"
#include "runner/snapshot_dir.hpp"
#include "store/session_store.hpp"

namespace sbx::runner {
namespace {

namespace fs = std::filesystem;

// Serializes collectors: a second gc waits for the first, then finds nothing to do.
process::UniqueFd lock_collector(const fs::path& run_dir)
{
    fs::create_directories(run_dir);
    auto path = run_dir / "gc.lock";
    process::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd || flock(fd.get(), LOCK_EX) != 0)
        throw Error(ErrorKind::unavailable, path.string() + ": cannot lock: " + std::strerror(errno));
    return fd;
}

// True when nobody holds the run's supervisor lock, and the run is old enough that a
// supervisor should have taken it.
bool supervisor_lost(const fs::path& root, const store::RunRecord& run)
{
    std::error_code ec;
    bool young = std::time(nullptr) - common::parse_utc(run.created_at) < supervisor_grace.count();
    if (!fs::exists(root / "supervisor.lock", ec))
        return !young;
    return try_lock_file(root / "supervisor.lock").has_value() && (run.supervisor_pid || !young);
}

// Containers of this instance whose run has ended, is unknown, or was just marked lost.
void remove_containers(app::AppContext& context, store::RunStore& runs, GcReport& report)
{
    bool dry_run = report.dry_run;
    auto engine = context.engine();
    for (const auto& sandbox : engine->list()) {
        if (sandbox.labels.count(engine::pool_label))
            continue; // the pool's own collection sees to these
        auto label = sandbox.labels.find(engine::run_label);
        std::int64_t id = 0;
        if (label != sandbox.labels.end())
            std::from_chars(label->second.data(), label->second.data() + label->second.size(), id);
        auto run = runs.find(id);
        bool lost = std::any_of(report.actions.begin(), report.actions.end(), [&](const GcAction& a) {
            return a.action == "mark-lost" && a.target == "run " + std::to_string(id);
        });
        if (run && !store::is_final(run->status) && !lost)
            continue;
        report.actions.push_back({"remove-container", sandbox.name,
                                  !run   ? "no such run"
                                  : lost ? "supervisor lost"
                                         : "run ended"});
        if (!dry_run)
            engine->remove(sandbox.id, true);
    }
}

} // namespace

GcReport collect_garbage(app::AppContext& context, bool dry_run)
{
    const config::Settings& settings = context.settings;
    process::UniqueFd collector = lock_collector(settings.run_dir);
    GcReport report;
    report.dry_run = dry_run;
    store::RunStore runs(context.db);

    for (const auto& run : runs.unfinished()) {
        if (!supervisor_lost(SnapshotDir::path_for(settings.run_dir, run.id), run))
            continue;
        report.actions.push_back({"mark-lost", "run " + std::to_string(run.id),
                                  std::string("was ") + store::status_name(run.status) + "; supervisor lost"});
        if (!dry_run)
            runs.finish(run.id, {.status = store::RunStatus::error, .reason = "supervisor lost"});
    }

    std::error_code ec;
    for (fs::directory_iterator it(settings.run_dir / "runs", ec), end; !ec && it != end; it.increment(ec)) {
        std::int64_t id = 0;
        std::string name = it->path().filename().string();
        std::from_chars(name.data(), name.data() + name.size(), id);
        auto run = runs.find(id);
        bool ended = !run || store::is_final(run->status) ||
                     (dry_run && supervisor_lost(it->path(), *run)); // would be marked lost above
        if (!ended || (fs::exists(it->path() / "supervisor.lock") && !try_lock_file(it->path() / "supervisor.lock")))
            continue;
        report.actions.push_back({"remove-snapshot", it->path().string(), run ? "run ended" : "no such run"});
        if (!dry_run)
            remove_snapshot(it->path());
    }

    auto now = std::chrono::system_clock::now();
    auto max_age = std::chrono::duration_cast<std::chrono::system_clock::duration>(settings.retention.max_age);
    for (auto id : runs.expire(settings.retention.runs_per_project, now - max_age, dry_run))
        report.actions.push_back({"expire-run", "run " + std::to_string(id), "past retention"});

    // Sessions whose time ran out and whose cookie never came back.
    auto seconds = [](auto t) { return std::chrono::duration_cast<std::chrono::seconds>(t).count(); };
    auto created_before = seconds(now.time_since_epoch() - settings.web.session_ttl);
    auto seen_before = seconds(now.time_since_epoch() - settings.web.idle_timeout);
    store::SessionStore sessions(context.db);
    auto expired = dry_run ? sessions.count_expired(created_before, seen_before)
                           : sessions.delete_expired(created_before, seen_before);
    if (expired > 0)
        report.actions.push_back({"expire-sessions", std::to_string(expired) + " sessions", "past their time"});

    auto ended = [&](std::int64_t id) {
        auto run = runs.find(id);
        return !run || store::is_final(run->status);
    };
    try {
        // The pool first: sandboxes it spends here (their runs just marked lost) go now.
        auto engine = app::make_engine(settings);
        pool::PoolContext pool{settings, context.catalog, context.db, *engine, find_sandbox_init()};
        for (auto& action : pool::collect_pool_garbage(pool, dry_run))
            report.actions.push_back(std::move(action));
    } catch (const Error& e) {
        report.engine_error = std::string("pooled sandboxes: ") + e.what();
    }
    try {
        remove_containers(context, runs, report);
    } catch (const Error& e) {
        report.engine_error += (report.engine_error.empty() ? "" : "; ") + std::string(e.what());
    }
    // Whatever the engine did not stop, because it is down or lost track of it, is killed
    // through the cgroups, which need no engine.
    for (const auto& [id, killed] : engine::SandboxCgroup::kill_stale(settings.instance, "run", ended, dry_run))
        report.actions.push_back({"kill-processes", "run " + std::to_string(id),
                                  std::to_string(killed) + " left in its cgroups after it ended"});
    for (const auto& path : engine::SandboxCgroup::remove_stale(settings.instance, "run", ended, dry_run))
        report.actions.push_back({"remove-cgroup", path, "run ended"});
    return report;
}

} // namespace sbx::runner
