// The rules from a stage's end to the run's record, one branch at a time.
#include <catch2/catch.hpp>

#include <csignal>

#include "runner/outcome.hpp"

using namespace sbx;
using namespace sbx::runner;
using store::RunStatus;

namespace {

constexpr std::int64_t mib = 1024 * 1024;

StageFacts facts(int code, std::optional<std::int64_t> peak = 10 * mib)
{
    StageFacts f;
    f.status = {code, 0};
    f.stage = "run";
    f.engine = "podman";
    f.limits.memory = 64 * mib;
    f.limits.pids = 256;
    f.limits.wall_time = std::chrono::seconds(10);
    f.limits.compile_time = std::chrono::seconds(90);
    f.limits.output_bytes = 1024 * 1024;
    f.peak_memory_bytes = peak;
    return f;
}

} // namespace

TEST_CASE("a program's own exit is succeeded or failed with its code", "[outcome]")
{
    Outcome ok = decide(facts(0));
    CHECK(ok.end.status == RunStatus::succeeded);
    CHECK(ok.end.exit_code == 0);
    CHECK_FALSE(ok.next_stage);

    Outcome failed = decide(facts(3));
    CHECK(failed.end.status == RunStatus::failed);
    CHECK(failed.end.exit_code == 3);
    CHECK(failed.end.reason.empty());

    // A program killing itself with SIGKILL far below the memory limit is its own failure.
    Outcome self_killed = decide(facts(137, 5 * mib));
    CHECK(self_killed.end.status == RunStatus::failed);
    CHECK(self_killed.end.exit_code == 137);
}

TEST_CASE("a compile stage that succeeds goes on; one that fails says so", "[outcome]")
{
    StageFacts f = facts(0);
    f.stage = "compile";
    f.last = false;
    f.only_stage = false;
    CHECK(decide(f).next_stage);

    f.status = {1, 0};
    Outcome failed = decide(f);
    CHECK_FALSE(failed.next_stage);
    CHECK(failed.end.status == RunStatus::failed);
    CHECK(failed.end.reason == "compilation failed");
}

TEST_CASE("SIGKILL or runsc's 128 near the memory limit is oom, recorded as 137", "[outcome]")
{
    for (int code : {137, 128}) {
        Outcome o = decide(facts(code, 63 * mib));
        CHECK(o.end.status == RunStatus::oom);
        CHECK(o.end.exit_code == 137);
        CHECK(o.end.signal == SIGKILL);
        CHECK(o.end.reason == "out of memory (limit 64M)");
    }
    // Without cgroup figures, a SIGKILL is taken to be the limit's.
    CHECK(decide(facts(137, std::nullopt)).end.status == RunStatus::oom);
    // 128 far from the limit is the program's own exit code.
    CHECK(decide(facts(128, 5 * mib)).end.status == RunStatus::failed);
}

TEST_CASE("sbx's own kills name their limit", "[outcome]")
{
    StageFacts f = facts(137);
    f.why = StageEnd::timed_out;
    Outcome timeout = decide(f);
    CHECK(timeout.end.status == RunStatus::timeout);
    CHECK(timeout.end.reason == "run time limit of 10s reached");
    CHECK(timeout.end.signal == SIGKILL);

    f.stage = "compile";
    CHECK(decide(f).end.reason == "compile time limit of 90s reached");

    f = facts(137);
    f.why = StageEnd::output_full;
    CHECK(decide(f).end.status == RunStatus::output_limit);
    CHECK(decide(f).end.reason == "output limit of 1M reached");

    f.why = StageEnd::process_limit;
    Outcome bomb = decide(f);
    CHECK(bomb.end.status == RunStatus::failed);
    CHECK(bomb.end.exit_code == 137);
    CHECK(bomb.end.reason == "process limit of 256 reached: the program kept starting processes after fork() failed");
}

TEST_CASE("a cancel is cancelled with its reason, even when the kill's 137 came first", "[outcome]")
{
    StageFacts f = facts(137, 5 * mib);
    f.cancel_requested = true;
    f.cancel_reason = "cancelled by alice";
    Outcome o = decide(f);
    CHECK(o.end.status == RunStatus::cancelled);
    CHECK(o.end.reason == "cancelled by alice");

    f = facts(0);
    f.why = StageEnd::cancelled;
    f.cancel_reason = "cancelled by alice";
    CHECK(decide(f).end.status == RunStatus::cancelled);
}

TEST_CASE("a sandbox gone under an exec is oom near the limit, else error", "[outcome]")
{
    StageFacts f = facts(137, 63 * mib);
    f.why = StageEnd::sandbox_gone;
    CHECK(decide(f).end.status == RunStatus::oom);

    f.peak_memory_bytes = 5 * mib;
    Outcome o = decide(f);
    CHECK(o.end.status == RunStatus::error);
    CHECK(o.end.reason == "the sandbox ended during the run stage before the program did");
}

TEST_CASE("the engine's own failures are error, never the program's", "[outcome]")
{
    StageFacts f = facts(125);
    f.engine_gone = true;
    f.engine = "docker";
    Outcome gone = decide(f);
    CHECK(gone.end.status == RunStatus::error);
    CHECK(gone.kill_leftovers);
    CHECK(gone.end.reason ==
          "docker went away during the run stage (its CLI exited 125); the program's own end is unknown");

    Outcome not_started = decide(facts(125, 1 * mib));
    CHECK(not_started.end.status == RunStatus::error);
    CHECK(not_started.ask_engine_why);

    // A compiled runtime's run stage execs in a sandbox that did start: 125 is the program's.
    f = facts(125, 1 * mib);
    f.only_stage = false;
    CHECK(decide(f).end.status == RunStatus::failed);

    f = facts(0);
    f.status = {0, SIGSEGV};
    Outcome crashed = decide(f);
    CHECK(crashed.end.status == RunStatus::error);
    CHECK(crashed.end.reason.rfind("podman ended by signal 11", 0) == 0);
}

TEST_CASE("the engine is asked whether it went away only for the CLI's own codes", "[outcome]")
{
    auto exited = [](int code, int signal = 0) { return StageOutcome{{code, signal}, StageEnd::exited}; };
    CHECK_FALSE(engine_may_have_failed(exited(0)));
    CHECK_FALSE(engine_may_have_failed(exited(124))); // a program's own code
    CHECK(engine_may_have_failed(exited(125)));
    CHECK(engine_may_have_failed(exited(137)));
    CHECK_FALSE(engine_may_have_failed(exited(0, SIGKILL)));              // the CLI killed: said as such
    CHECK_FALSE(engine_may_have_failed({{137, 0}, StageEnd::timed_out})); // sbx's own kill
    CHECK_FALSE(engine_may_have_failed({{0, SIGKILL}, StageEnd::sandbox_gone}));
}

TEST_CASE("a run's cancel flag is read only when it can change the outcome", "[outcome]")
{
    CHECK(cancel_matters({{0, SIGKILL}, StageEnd::cancelled}));
    CHECK(cancel_matters({{137, 0}, StageEnd::exited}));
    CHECK(cancel_matters({{0, SIGKILL}, StageEnd::exited}));
    CHECK_FALSE(cancel_matters({{1, 0}, StageEnd::exited}));
    CHECK_FALSE(cancel_matters({{137, 0}, StageEnd::timed_out}));
    CHECK_FALSE(cancel_matters({{0, SIGKILL}, StageEnd::output_full}));
}
