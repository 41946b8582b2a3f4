#include "runner/supervisor.hpp"

#include <unistd.h>

#include <thread>

#include "account/admission.hpp"
#include "engine/sandbox_cgroup.hpp"
#include "engine/sandbox_removal.hpp"
#include "error.hpp"
#include "pool/claim.hpp"
#include "runner/host_slots.hpp"
#include "runner/outcome.hpp"
#include "runner/run_disk.hpp"
#include "runner/run_plan.hpp"
#include "runner/run_service.hpp"
#include "runner/sandbox_init.hpp"
#include "runner/sandbox_spec.hpp"
#include "runner/snapshot_dir.hpp"
#include "runner/stage_pump.hpp"
#include "store/sandbox_store.hpp"

namespace sbx::runner {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// How often a run waiting for admission or a slot looks again.
constexpr milliseconds wait_interval{100};
// How long a run's end waits for its sandbox's removal.
constexpr milliseconds removal_wait{5'000};

class Supervisor {
  public:
    Supervisor(app::AppContext& context, std::int64_t id, const OutputRecorder::LiveSink& live)
        : context_(context), runs_(context.db), id_(id), root_(SnapshotDir::path_for(context.settings.run_dir, id)),
          container_(sandbox_name(context.settings, id)), live_(live)
    {
    }

    void execute();

  private:
    /// Waits until the run fits its user's quota; false when it ended meanwhile.
    bool wait_for_admission();
    std::optional<SlotLease> wait_for_slot();
    void one_stage();
    void two_stages();
    engine::SandboxSpec sandbox(std::vector<std::string> argv) const;
    /// Takes a pooled sandbox when one fits; the run goes cold otherwise.
    void claim_pooled();
    /// Starts `program` under sbx-init in the running sandbox (a direct exec into a pooled
    /// one), /work first seeded from `seed_from` when given.
    process::Child exec_stage(const std::vector<std::string>& program, const std::string& seed_from = {},
                              int stdin_fd = -1);
    /// `exec`: the stage is an exec in a sandbox that must outlive it.
    StageOutcome pump(process::Child& child, milliseconds limit, bool exec);
    /// True when the engine no longer answers for the sandbox.
    bool engine_went_away();
    /// Ends the run from a stage's outcome; true when the stage succeeded and the run goes on.
    bool conclude(const StageOutcome& outcome, const std::string& stage, bool last);
    void end(const store::RunEnd& end);
    void remove_sandbox();

    app::AppContext& context_;
    store::RunStore runs_;
    std::int64_t id_;
    fs::path root_;
    std::string container_;
    RunPlan plan_;
    const config::Runtime* runtime_ = nullptr;
    std::filesystem::path init_; // sbx-init on the host
    std::unique_ptr<engine::Engine> engine_;
    std::optional<OutputRecorder> recorder_; // made once the plan says the output cap
    OutputRecorder::LiveSink live_;
    std::optional<engine::SandboxCgroup> cgroup_; // for CPU time and peak memory, when cgroups allow
    std::optional<RunDisk> disk_;                 // /work and /tmp
    std::optional<pool::PoolContext> pool_;
    std::optional<pool::Claimed> pooled_; // the pooled sandbox the run took, if it took one
    bool sandbox_may_exist_ = false;
    bool ended_ = false;
    std::chrono::milliseconds earlier_stages_{0}; // wall time of the stages before this one
};

void Supervisor::execute()
{
    try {
        store::RunRecord record = runs_.get(id_);
        check_recorded_runtime(record, context_.settings);
        plan_ = read_plan(root_);
        runtime_ = &context_.catalog.get(record.runtime);
        recorder_.emplace(
            plan_.limits.output_bytes,
            [this](const std::vector<store::OutputLine>& lines, std::int64_t bytes) {
                runs_.append_output(id_, lines, bytes);
            },
            live_);
        if (!wait_for_admission())
            return;
        auto slot = wait_for_slot();
        if (!slot)
            return;
        engine_ = context_.engine();
        init_ = find_sandbox_init();
        claim_pooled();
        if (pooled_) {
            // Its cgroups and disk were made with it; they count from here.
            if (auto cgroup =
                    engine::SandboxCgroup::open(context_.settings.instance, pool::cgroup_name(pooled_->sandbox.id))) {
                cgroup->leave_in_place();
                cgroup->start_counting();
                cgroup_.emplace(std::move(*cgroup));
            }
        } else {
            if (auto cgroup = engine::SandboxCgroup::create(context_.settings.instance, id_))
                cgroup_.emplace(std::move(*cgroup));
            disk_.emplace(std::vector<fs::path>{root_ / "work", root_ / "tmp"}, plan_.limits.disk);
        }
        if (runtime_->compile.empty())
            one_stage();
        else
            two_stages();
    } catch (const Error& e) {
        if (recorder_)
            recorder_->finish();
        end({.status = store::RunStatus::error, .reason = e.what()});
    } catch (const std::exception& e) {
        end({.status = store::RunStatus::error, .reason = std::string("internal error: ") + e.what()});
    }
    if (pooled_)
        pool::release_sandbox(*pool_, pooled_->sandbox);
    else if (sandbox_may_exist_)
        remove_sandbox();
    disk_.reset();
}

void Supervisor::claim_pooled()
{
    pool_.emplace(pool::PoolContext{context_.settings, context_.catalog, context_.db, *engine_, init_});
    auto claim = pool::claim_sandbox(*pool_, *runtime_, plan_.limits, id_);
    if (!claim.claimed)
        return;
    try {
        pool::hand_over_files(context_.settings, claim.claimed->sandbox, root_ / "src");
    } catch (const Error&) {
        // A pool never makes a run fail: this one goes cold, and says why.
        pool::release_sandbox(*pool_, claim.claimed->sandbox);
        store::SandboxStore(context_.db).record_miss(runtime_->id, id_, "error", true);
        return;
    }
    pooled_ = std::move(claim.claimed);
    container_ = pooled_->sandbox.name;
}

process::Child Supervisor::exec_stage(const std::vector<std::string>& program, const std::string& seed_from,
                                      int stdin_fd)
{
    // A pooled sandbox was made without the run's env: sbx-init puts it over what the
    // sandbox was made with.
    if (pooled_)
        return engine_->exec_attached(pooled_->handle, {.argv = under_init(program, seed_from, &plan_.env)}, stdin_fd);
    return engine_->exec_attached(container_, under_init(program, seed_from), stdin_fd);
}

bool Supervisor::wait_for_admission()
{
    if (!plan_.admission)
        return true;
    for (;;) {
        switch (account::admit(runs_, id_, *plan_.admission)) {
        case account::AdmitResult::admitted: return true;
        case account::AdmitResult::ended: return false;
        case account::AdmitResult::wait: break;
        }
        std::this_thread::sleep_for(wait_interval);
    }
}

std::optional<SlotLease> Supervisor::wait_for_slot()
{
    const fs::path slots = context_.settings.run_dir / "slots";
    for (;;) {
        if (store::is_final(runs_.get(id_).status))
            return std::nullopt; // cancelled while queued
        if (auto lease = try_acquire_slot(slots, context_.settings.max_concurrent_runs))
            return lease;
        std::this_thread::sleep_for(wait_interval);
    }
}

engine::SandboxSpec Supervisor::sandbox(std::vector<std::string> argv) const
{
    SandboxPlace place{container_, std::to_string(id_), root_, init_, cgroup_ ? cgroup_->parent() : ""};
    return sandbox_spec(*runtime_, plan_.limits, plan_.env, plan_.has_stdin, place, std::move(argv));
}

void Supervisor::one_stage()
{
    std::vector<std::string> program = config::expand_command(runtime_->run, plan_.entry);
    program.insert(program.end(), plan_.args.begin(), plan_.args.end());
    if (!runs_.advance(id_, store::RunStatus::running, "run", container_))
        return;
    process::UniqueFd input = plan_.open_stdin(root_);
    if (pooled_) {
        process::Child child = exec_stage(program, snapshot_mount, input.get());
        input.reset();
        conclude(pump(child, plan_.limits.wall_time, true), "run", true);
        return;
    }
    sandbox_may_exist_ = true;
    process::Child child = engine_->run_attached(sandbox(under_init(program, snapshot_mount)), input.get());
    input.reset();
    StageOutcome outcome = pump(child, plan_.limits.wall_time, false);
    // run --rm removed a sandbox that ended by itself; only a killed one may linger.
    sandbox_may_exist_ = outcome.why != StageEnd::exited || outcome.status.signal != 0;
    conclude(outcome, "run", true);
}

void Supervisor::two_stages()
{
    if (!runs_.advance(id_, store::RunStatus::building, "compile", container_))
        return;
    if (!pooled_) {
        sandbox_may_exist_ = true;
        engine_->create(sandbox(idle_init()));
        engine_->start(container_);
    }
    process::Child compiler = exec_stage(config::expand_command(runtime_->compile, plan_.entry), snapshot_mount);
    if (!conclude(pump(compiler, plan_.limits.compile_time, true), "compile", false))
        return;

    if (!runs_.advance(id_, store::RunStatus::running, "run", container_))
        return;
    std::vector<std::string> run = config::expand_command(runtime_->run, plan_.entry);
    run.insert(run.end(), plan_.args.begin(), plan_.args.end());
    process::UniqueFd input = plan_.open_stdin(root_);
    process::Child program = exec_stage(run, {}, input.get());
    input.reset();
    conclude(pump(program, plan_.limits.wall_time, true), "run", true);
}

StageOutcome Supervisor::pump(process::Child& child, milliseconds limit, bool exec)
{
    StageSandbox sandbox;
    // Its own engine, as the kill may outlive this stage.
    sandbox.kill = [settings = context_.settings, name = container_] { app::make_engine(settings)->kill(name); };
    if (cgroup_) {
        const engine::SandboxCgroup& cgroup = *cgroup_;
        sandbox.kill_processes = [&cgroup] { cgroup.kill_processes(); };
        sandbox.processes = [&cgroup] { return cgroup.sandbox_processes(); };
        sandbox.near_task_backstop = [&cgroup, pids = plan_.limits.pids] { return cgroup.near_task_backstop(pids); };
    }
    sandbox.cancel_requested = [this] { return runs_.get(id_).cancel_requested; };
    sandbox.exec = exec;
    return pump_stage(child, limit, *recorder_, sandbox);
}

bool Supervisor::engine_went_away()
{
    try {
        engine_->inspect(container_);
    } catch (const Error& e) {
        return e.kind() == ErrorKind::unavailable;
    }
    return false;
}

bool Supervisor::conclude(const StageOutcome& outcome, const std::string& stage, bool last)
{
    StageFacts facts;
    facts.why = outcome.why;
    facts.status = outcome.status;
    facts.stage = stage;
    facts.last = last;
    // A pooled run's stages are all execs: none can be the engine failing to start it.
    facts.only_stage = runtime_->compile.empty() && !pooled_;
    facts.limits = plan_.limits;
    facts.engine = engine_->name();
    earlier_stages_ += outcome.wall;
    engine::ResourceUsage usage;
    if (cgroup_)
        usage = cgroup_->usage();
    facts.peak_memory_bytes = usage.peak_memory_bytes;
    if (cancel_matters(outcome)) {
        store::RunRecord record = runs_.get(id_);
        facts.cancel_requested = record.cancel_requested;
        facts.cancel_reason = record.reason;
    }
    facts.engine_gone = engine_may_have_failed(outcome) && engine_went_away();

    Outcome decided = decide(facts);
    if (decided.next_stage)
        return true;
    store::RunEnd result = decided.end;
    result.wall_ms = earlier_stages_.count();
    result.cpu_ms = usage.cpu_ms;
    result.peak_memory_bytes = usage.peak_memory_bytes;
    // Whatever the engine left running is stopped by sbx, within the run's limits.
    if (decided.kill_leftovers && cgroup_)
        cgroup_->kill_processes();
    if (decided.ask_engine_why) {
        try {
            engine_->check_runtime(); // a missing runsc is the likeliest cause: say so
        } catch (const Error& e) {
            result.reason = e.what();
        }
    }
    recorder_->finish();
    end(result);
    return false;
}

void Supervisor::end(const store::RunEnd& result)
{
    if (ended_)
        return;
    ended_ = true;
    runs_.finish(id_, result);
}

void Supervisor::remove_sandbox()
{
    // The run's status is already recorded: whatever fails here, `sbx gc` removes what is
    // left behind. Docker may take minutes over a gVisor sandbox that held thousands of
    // threads: past removal_wait the run's end goes on by itself.
    engine::remove_sandbox(*engine_, container_, {context_.settings.instance, engine::run_cgroup_name(id_)},
                           removal_wait);
}

} // namespace

store::RunRecord supervise(app::AppContext& context, std::int64_t run_id, const OutputRecorder::LiveSink& live)
{
    store::RunStore runs(context.db);
    store::RunRecord record = runs.get(run_id);
    if (store::is_final(record.status))
        return record;
    fs::path root = SnapshotDir::path_for(context.settings.run_dir, run_id);
    std::optional<SlotLease> alive;
    try {
        alive = try_lock_file(root / "supervisor.lock");
    } catch (const Error& e) {
        runs.finish(run_id, {.status = store::RunStatus::error, .reason = std::string("snapshot lost: ") + e.what()});
        return runs.get(run_id);
    }
    if (!alive)
        throw Error(ErrorKind::conflict, "run " + std::to_string(run_id) + " already has a supervisor");
    runs.set_supervisor(run_id, static_cast<int>(getpid()));
    Supervisor(context, run_id, live).execute();
    remove_snapshot(root);
    return runs.get(run_id);
}

} // namespace sbx::runner
