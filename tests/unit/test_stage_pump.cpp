// A stage's pump with real children standing in for the engine's CLI: each way a stage
// ends (by itself, a signal, the time limit, the output cap, a cancel, the task backstop,
// a sandbox gone under its exec, an engine that will not kill) is seen and said.
#include <catch2/catch.hpp>

#include <csignal>

#include <atomic>
#include <memory>
#include <set>
#include <thread>

#include "error.hpp"
#include "process/child.hpp"
#include "runner/stage_pump.hpp"

using namespace sbx;
using namespace sbx::runner;
using std::chrono::milliseconds;

namespace {

// Short timers, so that every rule shows within a second or two.
const PumpTimers quick{.poll = milliseconds{10},
                       .check = milliseconds{20},
                       .kill_retry = milliseconds{50},
                       .kill_backstop = milliseconds{100},
                       .engine_grace = milliseconds{400},
                       .sandbox_gone_after = milliseconds{100}};

struct Stage {
    explicit Stage(std::vector<std::string> argv, std::uint64_t cap = 1024 * 1024)
        : child(process::spawn({std::move(argv), {{"PATH", "/usr/bin:/bin"}}})),
          recorder(cap, [this](const std::vector<store::OutputLine>& batch, std::int64_t) {
              lines.insert(lines.end(), batch.begin(), batch.end());
          })
    {
        // The engine's kill, as the engine does it: the CLI ends once its sandbox is dead.
        sandbox.kill = [pid = child.pid(), kills = kills] {
            ++*kills;
            ::kill(pid, SIGKILL);
        };
    }

    StageOutcome pump(milliseconds limit = milliseconds{10'000})
    {
        StageOutcome outcome = pump_stage(child, limit, recorder, sandbox, quick);
        recorder.finish();
        return outcome;
    }

    process::Child child;
    std::vector<store::OutputLine> lines;
    OutputRecorder recorder;
    std::shared_ptr<std::atomic<int>> kills = std::make_shared<std::atomic<int>>(0);
    StageSandbox sandbox;
};

} // namespace

TEST_CASE("a stage that ends by itself is recorded whole with its exit code", "[pump]")
{
    Stage stage({"sh", "-c", "echo out; echo err >&2; exit 3"});
    StageOutcome outcome = stage.pump();
    CHECK(outcome.why == StageEnd::exited);
    CHECK(outcome.status == process::ExitStatus{3, 0});
    CHECK(*stage.kills == 0);
    REQUIRE(stage.lines.size() == 2);
    std::set<std::pair<store::Stream, std::string>> seen;
    for (const auto& line : stage.lines)
        seen.insert({line.stream, line.data});
    CHECK(seen ==
          std::set<std::pair<store::Stream, std::string>>{{store::Stream::out, "out"}, {store::Stream::err, "err"}});
}

TEST_CASE("a CLI ended by a signal is an exit with that signal, not a kill of sbx's", "[pump]")
{
    Stage stage({"sh", "-c", "kill -TERM $$"});
    StageOutcome outcome = stage.pump();
    CHECK(outcome.why == StageEnd::exited);
    CHECK(outcome.status.signal == SIGTERM);
    CHECK(*stage.kills == 0);
}

TEST_CASE("a stage past its time limit is killed as timed out", "[pump]")
{
    Stage stage({"sleep", "30"});
    StageOutcome outcome = stage.pump(milliseconds{300});
    CHECK(outcome.why == StageEnd::timed_out);
    CHECK(outcome.status.signal == SIGKILL);
    CHECK(*stage.kills >= 1);
    CHECK(outcome.wall >= milliseconds{300});
    CHECK(outcome.wall < milliseconds{3'000});
}

TEST_CASE("a stage that floods past the output cap is killed at the cap", "[pump]")
{
    Stage stage({"yes"}, 4096);
    StageOutcome outcome = stage.pump();
    CHECK(outcome.why == StageEnd::output_full);
    CHECK(*stage.kills >= 1);
    CHECK(stage.recorder.truncated());
}

TEST_CASE("a cancel asked meanwhile kills the stage as cancelled", "[pump]")
{
    Stage stage({"sleep", "30"});
    auto asked = std::make_shared<std::atomic<int>>(0);
    stage.sandbox.cancel_requested = [asked] { return ++*asked >= 3; };
    StageOutcome outcome = stage.pump();
    CHECK(outcome.why == StageEnd::cancelled);
    CHECK(*asked >= 3);
    CHECK(*stage.kills >= 1);
}

TEST_CASE("a sandbox nearing its task backstop is killed for the process limit", "[pump]")
{
    Stage stage({"sleep", "30"});
    stage.sandbox.near_task_backstop = [] { return true; };
    StageOutcome outcome = stage.pump();
    CHECK(outcome.why == StageEnd::process_limit);
    CHECK(*stage.kills >= 1);
}

TEST_CASE("an exec whose sandbox has no process left ends as sandbox gone", "[pump]")
{
    Stage stage({"sleep", "30"});
    stage.sandbox.exec = true;
    stage.sandbox.processes = [] { return std::size_t{0}; };
    // docker's exec waits on for a sandbox that died under it: the engine's kill does not
    // end it, only the pump's own SIGKILL does.
    stage.sandbox.kill = [] {};
    StageOutcome outcome = stage.pump();
    CHECK(outcome.why == StageEnd::sandbox_gone);
    CHECK(outcome.status.signal == SIGKILL);
    CHECK(outcome.wall < milliseconds{2'000});

    // A cold run's CLI is no exec: its sandbox's processes do not end it.
    Stage cold({"sh", "-c", "sleep 0.3; exit 4"});
    cold.sandbox.processes = [] { return std::size_t{0}; };
    CHECK(cold.pump().why == StageEnd::exited);
}

TEST_CASE("runsc's report of a lost sandbox is not an exec's output", "[pump]")
{
    const std::string report = "waiting on pid 8: waiting on PID 1 in sandbox \"0123abcd\": urpc method "
                               "\"containerManager.WaitPID\" failed: EOF\n";
    Stage exec({"sh", "-c", "printf '%s' \"$0\" >&2; exit 128", report});
    exec.sandbox.exec = true;
    CHECK(exec.pump().status.code == 128);
    CHECK(exec.lines.empty());

    Stage cold({"sh", "-c", "printf '%s' \"$0\" >&2", report});
    cold.pump();
    CHECK(cold.lines.size() == 1);
}

TEST_CASE("kills that fail are retried, backed by the cgroup, and reported past the engine grace", "[pump]")
{
    Stage stage({"sleep", "30"});
    auto tries = std::make_shared<std::atomic<int>>(0);
    stage.sandbox.kill = [tries] {
        ++*tries;
        throw Error(ErrorKind::unavailable, "podman: no such container");
    };
    int backstops = 0;
    stage.sandbox.kill_processes = [&backstops] { ++backstops; };
    try {
        pump_stage(stage.child, milliseconds{50}, stage.recorder, stage.sandbox, quick);
        FAIL("no error for a sandbox that could not be stopped");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unavailable);
        CHECK(std::string(e.what()) == "cannot stop the sandbox: podman: no such container");
    }
    CHECK(*tries >= 2);
    CHECK(backstops >= 1);
    // The CLI does not outlive the grace.
    CHECK(stage.child.wait().signal == SIGKILL);
}
