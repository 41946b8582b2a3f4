#include "pool/pool_gc.hpp"

#include <charconv>
#include <set>

#include "engine/sandbox_cgroup.hpp"
#include "error.hpp"
#include "pool/staleness.hpp"
#include "runner/host_slots.hpp"
#include "runner/run_disk.hpp"
#include "store/run_store.hpp"

namespace sbx::pool {
namespace {

namespace fs = std::filesystem;

std::int64_t parse_id(const std::string& text)
{
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    return ec == std::errc() && end == text.data() + text.size() ? id : 0;
}

// Why a pooled sandbox that is not spent should be, or empty.
std::string why_spend(PoolContext& pool, const store::SandboxRecord& sandbox, const CurrentPool& current,
                      int keeper_pid, bool keeper_alive)
{
    switch (sandbox.state) {
    case store::SandboxState::claimed: {
        if (!sandbox.run_id)
            return "its run was deleted";
        auto run = store::RunStore(pool.db).find(*sandbox.run_id);
        return !run || store::is_final(run->status) ? "its run ended" : "";
    }
    case store::SandboxState::starting:
        if (keeper_pid != 0)
            return sandbox.keeper_pid != keeper_pid ? "an earlier keeper was making it" : "";
        return keeper_alive ? "" : "no keeper is making it";
    case store::SandboxState::ready:
        if (!engine::is_alive(handle_of(sandbox)))
            return "its sandbox died";
        return why_stale(sandbox, current);
    case store::SandboxState::spent: break;
    }
    return {};
}

} // namespace

fs::path keeper_lock_path(const config::Settings& settings)
{
    return pool_dir(settings) / "keeper.lock";
}

bool keeper_running(const config::Settings& settings)
{
    std::error_code ec;
    if (!fs::exists(keeper_lock_path(settings), ec))
        return false;
    return !runner::try_lock_file(keeper_lock_path(settings));
}

std::vector<runner::GcAction> collect_pool_garbage(PoolContext& pool, bool dry_run, int keeper_pid, bool check_images)
{
    return collect_pool_garbage(pool, current_pool(pool, check_images), dry_run, keeper_pid);
}

std::vector<runner::GcAction> collect_pool_garbage(PoolContext& pool, const CurrentPool& current, bool dry_run,
                                                   int keeper_pid)
{
    std::vector<runner::GcAction> actions;
    store::SandboxStore store(pool.db);
    const bool keeper_alive = keeper_pid != 0 || keeper_running(pool.settings);

    std::set<std::int64_t> kept; // rows that stay, with their container, directory and cgroup
    for (const auto& sandbox : store.list()) {
        bool spent = sandbox.state == store::SandboxState::spent;
        if (!spent) {
            std::string why = why_spend(pool, sandbox, current, keeper_pid, keeper_alive);
            if (why.empty()) {
                kept.insert(sandbox.id);
                continue;
            }
            actions.push_back({"spend-sandbox", sandbox.name, why});
            spent = dry_run || store.mark_spent(sandbox.id, sandbox.state);
            if (!spent) { // claimed or readied meanwhile: it is someone's now
                kept.insert(sandbox.id);
                continue;
            }
        }
        actions.push_back({"remove-sandbox", sandbox.name, "spent"});
        if (dry_run)
            continue;
        if (auto problem = destroy_sandbox(pool, sandbox); !problem.empty()) {
            actions.back().detail = "spent; not yet: " + problem;
            kept.insert(sandbox.id); // its parts stay until its removal succeeds
        }
    }

    // Parts whose row is gone: a crash between making a part and recording it, or after
    // deleting the row.
    auto orphan = [&](std::int64_t id) { return id != 0 && !kept.count(id) && !store.find(id); };
    for (const auto& container : pool.engine.list()) {
        auto label = container.labels.find(engine::pool_label);
        if (label == container.labels.end() || !orphan(parse_id(label->second)))
            continue;
        actions.push_back({"remove-container", container.name, "no such pooled sandbox"});
        if (!dry_run)
            pool.engine.remove(container.id, true);
    }
    std::error_code ec;
    for (fs::directory_iterator it(pool_dir(pool.settings), ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_directory() || !orphan(parse_id(it->path().filename().string())))
            continue;
        actions.push_back({"remove-snapshot", it->path().string(), "no such pooled sandbox"});
        if (!dry_run) {
            runner::unmount_below(it->path());
            std::error_code failed;
            fs::remove_all(it->path(), failed);
            if (failed)
                actions.back().detail += "; not yet: " + failed.message();
        }
    }
    const std::string& instance = pool.settings.instance;
    for (const auto& [id, killed] : engine::SandboxCgroup::kill_stale(instance, "pool", orphan, dry_run))
        actions.push_back({"kill-processes", cgroup_name(id), std::to_string(killed) + " left in its cgroups"});
    for (const auto& path : engine::SandboxCgroup::remove_stale(instance, "pool", orphan, dry_run))
        actions.push_back({"remove-cgroup", path, "no such pooled sandbox"});
    return actions;
}

} // namespace sbx::pool
