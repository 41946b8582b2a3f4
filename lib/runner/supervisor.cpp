// The life of one run, from slot to record: the supervisor waits for a host slot, runs
// the compile and run stages in a sandbox under sbx's own timers, records the output and
// ends the run with one status.
#include <cstring>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "account/admission.hpp"
#include "engine/runsc_messages.hpp"
#include "engine/sandbox_cgroup.hpp"
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
#include "store/sandbox_store.hpp"

namespace sbx::runner {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds poll_interval{50};
// How often a stage looks at what costs a query: the cancel flag, the sandbox's processes.
constexpr milliseconds check_interval{200};
constexpr milliseconds kill_retry_interval{500};
// Past this after a kill, the sandbox's processes are killed through the run's cgroup.
constexpr milliseconds kill_backstop{3'000};
// The engine CLI should end soon after its sandbox is killed; past this it is stopped too.
constexpr milliseconds engine_grace{10'000};
// How long a sandbox that should live on (exec stages) may have no process before the
// stage is over: docker's exec may wait for ever on a sandbox that died under it.
constexpr milliseconds sandbox_gone_after{1'000};
// How long a run's end waits for its sandbox's removal; past this it goes on by itself
// (docker may take minutes over a gVisor sandbox that held thousands of threads).
constexpr milliseconds removal_wait{5'000};

// What the kill threads of one stage share with it.
struct KillState {
    std::atomic<bool> in_flight{false};
    std::mutex mutex;
    std::string error; // the last failure, under mutex
};

struct StageOutcome {
    process::ExitStatus status;
    StageEnd why = StageEnd::exited;
    milliseconds wall{0};
};

class Supervisor {
  public:
    Supervisor(RunContext& context, std::int64_t id, const OutputRecorder::LiveSink& live)
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
    /// True once the sandbox's host tasks near the engine's pids backstop, which crashes
    /// gVisor outright when reached.
    bool near_task_backstop() const;
    /// `in_sandbox`: the stage is an exec in a sandbox that must outlive it.
    StageOutcome pump(process::Child& child, milliseconds limit, bool in_sandbox);
    bool cancel_requested();
    /// After the engine's CLI ended a stage with `code`: true when the engine itself no
    /// longer answers, so the code is the CLI's, not the program's.
    bool engine_went_away(int code);
    /// Ends the run from a stage's outcome; true when the stage succeeded and the run goes on.
    bool conclude(const StageOutcome& outcome, const std::string& stage, bool last);
    void end(const store::RunEnd& end);
    void remove_sandbox();

    RunContext& context_;
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
        engine_ = make_engine(context_.settings);
        init_ = find_sandbox_init();
        claim_pooled();
        if (pooled_) {
            // Its cgroups and disk were made with it; they count from here.
            if (auto cgroup =
                    engine::SandboxCgroup::create(context_.settings.instance, pool::cgroup_name(pooled_->sandbox.id))) {
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
        std::this_thread::sleep_for(poll_interval * 2);
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
        std::this_thread::sleep_for(poll_interval * 2);
    }
}

engine::SandboxSpec Supervisor::sandbox(std::vector<std::string> argv) const
{
    SandboxPlace place{container_, std::to_string(id_), root_, init_, cgroup_ ? cgroup_->parent() : ""};
    return sandbox_spec(*runtime_, plan_.limits, plan_.env, plan_.has_stdin, place, std::move(argv));
}

bool Supervisor::near_task_backstop() const
{
    // Under gVisor's ptrace platform a program that keeps forking grows host threads
    // without end (about 700 a second here) while fork() inside already fails at nproc:
    // the run is stopped a quarter below the backstop, some seconds before the crash.
    if (!cgroup_)
        return false;
    auto tasks = cgroup_->host_tasks();
    return tasks && *tasks >= std::int64_t{engine::runsc_pids_backstop(plan_.limits.pids)} * 3 / 4;
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

StageOutcome Supervisor::pump(process::Child& child, milliseconds limit, bool in_sandbox)
{
    StageOutcome outcome;
    const auto start = steady_clock::now();
    const auto deadline = start + limit;
    auto next_check = start + check_interval;
    std::optional<steady_clock::time_point> killed_at;
    auto empty_since = steady_clock::time_point::max(); // max: the sandbox has processes
    auto last_kill = start;
    // Kills run beside this loop, which must keep draining the sandbox's output: a
    // flooding program blocks on a full pipe, and docker's kill then waits for it forever.
    // The engine may also fail a kill while the sandbox starts or exits (podman: "timed out
    // waiting for file .../exits/..."), so kills are retried until the CLI ends.
    auto kills = std::make_shared<KillState>();
    auto kill_sandbox = [&] {
        last_kill = steady_clock::now();
        if (kills->in_flight.exchange(true))
            return;
        std::thread([kills, settings = context_.settings, name = container_] {
            try {
                make_engine(settings)->kill(name);
            } catch (const Error& e) {
                std::lock_guard lock(kills->mutex);
                kills->error = e.what();
            }
            kills->in_flight = false;
        }).detach();
    };
    auto kill = [&](StageEnd why) {
        if (killed_at)
            return;
        outcome.why = why;
        killed_at = steady_clock::now();
        kill_sandbox();
    };

    process::UniqueFd fds[2] = {child.take_stdout(), child.take_stderr()};
    const store::Stream streams[2] = {store::Stream::out, store::Stream::err};
    std::string buffer;
    // Until the CLI has ended, not just its output: docker's CLI may close its streams and
    // then wait on a daemon that is still killing the sandbox, and the limits must still
    // hold while it does.
    std::optional<process::ExitStatus> ended;
    for (;;) {
        if (!fds[0] && !fds[1] && (ended = child.try_wait()))
            break;
        pollfd polled[2];
        nfds_t count = 0;
        int index_of[2] = {-1, -1};
        for (int i = 0; i < 2; ++i)
            if (fds[i]) {
                index_of[count] = i;
                polled[count++] = {fds[i].get(), POLLIN, 0};
            }
        // With the output closed, only the CLI's exit is awaited: look again soon.
        const int timeout_ms = count ? static_cast<int>(poll_interval.count()) : 2;
        if (::poll(polled, count, timeout_ms) < 0 && errno != EINTR)
            throw Error(ErrorKind::internal, std::string("poll: ") + std::strerror(errno));
        for (nfds_t p = 0; p < count; ++p) {
            if (!(polled[p].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int i = index_of[p];
            buffer.clear();
            process::ReadResult read = process::read_some(fds[i].get(), buffer);
            if (read == process::ReadResult::eof) {
                fds[i].reset();
                continue;
            }
            if (read != process::ReadResult::data)
                continue;
            // runsc's own report that the sandbox died under the exec is not the program's
            // output; the stage's end (sandbox gone, or runsc's 128) says what happened.
            if (in_sandbox && streams[i] == store::Stream::err && engine::is_runsc_lost_sandbox(buffer))
                continue;
            if (!recorder_->feed(streams[i], buffer))
                kill(StageEnd::output_full);
        }
        recorder_->flush_if_due();

        auto now = steady_clock::now();
        if (now >= deadline)
            kill(StageEnd::timed_out);
        if (!killed_at && near_task_backstop())
            kill(StageEnd::process_limit);
        if (now >= next_check && !killed_at) {
            next_check = now + check_interval;
            if (!in_sandbox || !cgroup_ || cgroup_->sandbox_processes() != 0)
                empty_since = steady_clock::time_point::max();
            else if (empty_since == steady_clock::time_point::max())
                empty_since = now;
            if (now - empty_since >= sandbox_gone_after) {
                // Nothing is left to kill: only the CLI still waits.
                outcome.why = StageEnd::sandbox_gone;
                killed_at = now;
                child.kill(SIGKILL);
            } else if (cancel_requested()) {
                kill(StageEnd::cancelled);
            }
        }
        if (killed_at) {
            // A sandbox still being created when killed is killed again once it exists.
            if (now - last_kill >= kill_retry_interval) {
                kill_sandbox();
                if (cgroup_ && now - *killed_at >= kill_backstop)
                    cgroup_->kill_processes();
            }
            if (now - *killed_at >= engine_grace) {
                child.kill(SIGKILL);
                std::lock_guard lock(kills->mutex);
                if (!kills->error.empty())
                    throw Error(ErrorKind::unavailable, "cannot stop the sandbox: " + kills->error);
            }
        }
    }
    outcome.status = *ended;
    outcome.wall = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
    return outcome;
}

bool Supervisor::cancel_requested()
{
    return runs_.get(id_).cancel_requested;
}

bool Supervisor::engine_went_away(int code)
{
    // The CLIs' own failures are 125 and up (and signals): a program's usual non-zero
    // exit costs no extra engine call.
    if (code < 125)
        return false;
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
    const int code = outcome.status.shell_code();
    if (outcome.why == StageEnd::exited && code == 137) {
        store::RunRecord record = runs_.get(id_);
        facts.cancel_requested = record.cancel_requested;
        facts.cancel_reason = record.reason;
    } else if (outcome.why == StageEnd::cancelled) {
        facts.cancel_reason = runs_.get(id_).reason;
    }
    facts.engine_gone = outcome.why == StageEnd::exited && outcome.status.signal == 0 && engine_went_away(code);

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
    // left behind. The engine removes first: killing runsc's processes under docker's shim
    // makes docker take minutes over the sandbox.
    try {
        if (!engine_)
            engine_ = make_engine(context_.settings);
        process::Child removal = engine_->start_remove(container_);
        const auto deadline = steady_clock::now() + removal_wait;
        while (!removal.try_wait()) {
            if (steady_clock::now() >= deadline) {
                // Past this, nothing of the sandbox may run on while the engine finishes.
                if (cgroup_)
                    cgroup_->kill_processes();
                removal.release();
                return;
            }
            std::this_thread::sleep_for(milliseconds{10});
        }
    } catch (const Error&) {
        if (cgroup_)
            cgroup_->kill_processes();
    }
}

} // namespace

store::RunRecord supervise(RunContext& context, std::int64_t run_id, const OutputRecorder::LiveSink& live)
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
