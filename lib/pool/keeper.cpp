#include "pool/keeper.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "error.hpp"
#include "pool/pool_gc.hpp"
#include "pool/staleness.hpp"

namespace sbx::pool {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

// How often the keeper looks for dead and orphaned sandboxes (it lists the engine's then),
// and every how many of those looks whether an image was rebuilt (an engine call each).
constexpr std::chrono::seconds collect_interval{10};
constexpr int image_check_every = 6;
// How long a runtime whose sandbox could not be made waits before the next try.
constexpr std::chrono::seconds failure_backoff{30};

fs::path pid_path(const config::Settings& settings)
{
    return pool_dir(settings) / "keeper.pid";
}

} // namespace

runner::SlotLease lock_keeper(const config::Settings& settings)
{
    fs::create_directories(pool_dir(settings));
    // Whoever asks whether a keeper runs holds the lock for a moment: try for a while.
    auto lease = runner::try_lock_file(keeper_lock_path(settings));
    for (int tries = 0; !lease && tries < 100; ++tries) {
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
        lease = runner::try_lock_file(keeper_lock_path(settings));
    }
    if (!lease) {
        auto pid = running_keeper(settings);
        throw Error(ErrorKind::conflict, "a pool keeper already runs" +
                                             (pid ? " (pid " + std::to_string(*pid) + ")" : std::string()) +
                                             " for run dir " + settings.run_dir.string());
    }
    std::ofstream(pid_path(settings), std::ios::trunc) << getpid() << '\n';
    return std::move(*lease);
}

std::optional<int> running_keeper(const config::Settings& settings)
{
    if (!keeper_running(settings))
        return std::nullopt;
    int pid = 0;
    std::ifstream(pid_path(settings)) >> pid;
    return pid > 0 ? std::optional<int>(pid) : std::nullopt;
}

Keeper::Keeper(PoolContext& pool, int pid, std::function<void(const std::string&)> log)
    : pool_(pool), pid_(pid), log_(std::move(log))
{
}

void Keeper::collect()
{
    // The keys are read here rather than on every step: each is a spec built and hashed
    // per pooled runtime, and they change only with the config, which a keeper reads once.
    current_ = current_pool(pool_, collects_++ % image_check_every == 0);
    for (const auto& action : collect_pool_garbage(pool_, current_, false, pid_))
        log_(action.action + " " + action.target + ": " + action.detail);
    next_collect_ = steady_clock::now() + collect_interval;
}

void Keeper::adopt()
{
    collect();
}

bool Keeper::step()
{
    store::SandboxStore store(pool_.db);
    auto sandboxes = store.list();
    bool did = false;
    // What runs gave up goes first: it holds memory and a disk.
    for (const auto& sandbox : sandboxes)
        if (sandbox.state == store::SandboxState::spent) {
            auto problem = destroy_sandbox(pool_, sandbox);
            if (problem.empty())
                did = true;
            else if (unremovable_.insert(sandbox.id).second) // said once, tried every pass
                log_("cannot remove " + sandbox.name + " yet: " + problem);
        }
    if (steady_clock::now() >= next_collect_) {
        collect();
        sandboxes = store.list();
    }
    if (!engine_can_pool(pool_.settings))
        return did;

    // The runtime that lacks most gets the next sandbox; excess ones (a smaller pool
    // size now) are spent, the newest first.
    const CurrentPool& current = current_;
    const config::Runtime* neediest = nullptr;
    std::int64_t most_lacking = 0;
    const auto now = steady_clock::now();
    for (const auto& runtime : pool_.catalog.runtimes()) {
        auto key = current.keys.find(runtime.id);
        if (key == current.keys.end())
            continue;
        std::vector<const store::SandboxRecord*> idle;
        for (const auto& sandbox : sandboxes)
            if (sandbox.runtime == runtime.id && sandbox.spec_key == key->second && sandbox.engine == current.engine &&
                (sandbox.state == store::SandboxState::ready || sandbox.state == store::SandboxState::starting))
                idle.push_back(&sandbox);
        const std::int64_t lacking = std::int64_t{config::pool_size(runtime, pool_.settings)} - std::ssize(idle);
        for (auto it = idle.rbegin(); it != idle.rend() && std::distance(idle.rbegin(), it) < -lacking; ++it)
            if ((*it)->state == store::SandboxState::ready && store.mark_spent((*it)->id, store::SandboxState::ready)) {
                log_("spend-sandbox " + (*it)->name + ": the pool of " + runtime.id + " is smaller now");
                did = true;
            }
        auto wait = backoff_.find(runtime.id);
        if (lacking > most_lacking && (wait == backoff_.end() || now >= wait->second)) {
            most_lacking = lacking;
            neediest = &runtime;
        }
    }
    if (!neediest)
        return did;
    const auto start = steady_clock::now();
    try {
        auto made = make_sandbox(pool_, *neediest, pid_);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - start).count();
        log_("made " + made.name + " (" + neediest->id + ") in " + std::to_string(ms) + " ms");
        backoff_.erase(neediest->id);
    } catch (const std::exception& e) { // a file system error as well as the engine's
        log_("cannot make a pooled sandbox of " + neediest->id + " (next try in 30 s): " + e.what());
        backoff_[neediest->id] = steady_clock::now() + failure_backoff;
    }
    return true;
}

void Keeper::run(const std::atomic<bool>& stop, std::chrono::milliseconds poll)
{
    adopt();
    while (!stop) {
        bool did = false;
        try {
            did = step();
        } catch (const std::exception& e) {
            // The engine, the database or the disk away for a moment must not end the keeper.
            log_(std::string("pass failed: ") + e.what());
        }
        if (!did)
            std::this_thread::sleep_for(poll);
    }
}

std::vector<runner::GcAction> drain_pool(PoolContext& pool)
{
    store::SandboxStore store(pool.db);
    const bool keeper_alive = keeper_running(pool.settings);
    std::vector<runner::GcAction> actions;
    for (const auto& sandbox : store.list()) {
        bool idle = sandbox.state == store::SandboxState::ready ||
                    (sandbox.state == store::SandboxState::starting && !keeper_alive);
        if (idle && !store.mark_spent(sandbox.id, sandbox.state))
            continue;
        if (!idle && sandbox.state != store::SandboxState::spent)
            continue;
        actions.push_back({"remove-sandbox", sandbox.name, "drained"});
        if (auto problem = destroy_sandbox(pool, sandbox); !problem.empty())
            actions.back().detail = "drained; not yet: " + problem;
    }
    return actions;
}

} // namespace sbx::pool
