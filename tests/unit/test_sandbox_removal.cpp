// A sandbox's end in lib/engine: the engine's removal, the cgroup backstop behind it, and
// the cgroups found again without making any.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <thread>

#include "engine/engine.hpp"
#include "engine/sandbox_cgroup.hpp"
#include "engine/sandbox_removal.hpp"
#include "process/command_runner.hpp"
#include "temp_dir.hpp"

using namespace sbx::engine;
using sbx::process::RecordingRunner;
using std::chrono::milliseconds;

namespace {

// A cgroup v1 tree under a temporary root with one sandbox process in pool-3's cgroups.
struct FakeSandbox {
    FakeSandbox()
    {
        dir.write("memory/tasks", "");
        dir.write("cpuacct/tasks", "");
        dir.write("memory/sbx-test/pool-3/libpod-1/cgroup.procs", std::to_string(process.pid()) + "\n");
    }
    ~FakeSandbox()
    {
        process.kill(SIGKILL);
        process.wait();
    }
    bool killed() { return process.try_wait().has_value(); }
    CgroupName cgroup() const { return {"test", "pool-3", dir.path()}; }

    sbx::test::TempDir dir;
    sbx::process::Child process = sbx::process::spawn({{"sleep", "60"}, {}}, {});
};

// Whether the sandbox process ends within a second.
bool ends_soon(FakeSandbox& sandbox)
{
    for (int i = 0; i < 100 && !sandbox.killed(); ++i)
        std::this_thread::sleep_for(milliseconds{10});
    return sandbox.killed();
}

std::unique_ptr<Engine> engine_running(const std::shared_ptr<RecordingRunner>& runner)
{
    return make_engine(EngineConfig{"podman", "runsc", {}, "test"}, runner);
}

} // namespace

TEST_CASE("a sandbox's cgroups are opened only where they exist", "[cgroup]")
{
    sbx::test::TempDir dir;
    dir.write("memory/tasks", "");
    dir.write("cpuacct/tasks", "");
    CHECK_FALSE(SandboxCgroup::open("test", "pool-3", dir.path()));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "memory/sbx-test/pool-3")); // never made
    std::filesystem::create_directories(dir.path() / "memory/sbx-test/pool-3");
    auto opened = SandboxCgroup::open("test", "pool-3", dir.path());
    REQUIRE(opened);
    CHECK(opened->parent() == "/sbx-test/pool-3");
    CHECK(run_cgroup_name(12) == "run-12");
}

TEST_CASE("a gVisor sandbox nears its pids backstop at three quarters of it", "[cgroup]")
{
    sbx::test::TempDir dir;
    dir.write("memory/tasks", "");
    dir.write("cpuacct/tasks", "");
    auto cgroup = SandboxCgroup::create("test", 5, dir.path());
    REQUIRE(cgroup);
    cgroup->leave_in_place();
    CHECK_FALSE(cgroup->near_task_backstop(256)); // no pids hierarchy: unknown
    // nproc 256: a backstop of 4096 host tasks, stopped from 3072 on.
    dir.write("pids/sbx-test/run-5/pids.current", "3071\n");
    CHECK_FALSE(cgroup->near_task_backstop(256));
    dir.write("pids/sbx-test/run-5/pids.current", "3072\n");
    CHECK(cgroup->near_task_backstop(256));
    // The least backstop, 128, holds for a small nproc.
    dir.write("pids/sbx-test/run-5/pids.current", "96\n");
    CHECK(cgroup->near_task_backstop(1));
}

TEST_CASE("a removal that ends in time leaves the cgroup alone", "[engine]")
{
    FakeSandbox sandbox;
    auto runner = std::make_shared<RecordingRunner>();
    remove_sandbox(*engine_running(runner), "sbx-test-pool-3", sandbox.cgroup(), milliseconds{5'000});
    REQUIRE(runner->argvs().size() == 1);
    const std::vector<std::string> removal = {"rm", "--force", "--volumes", "sbx-test-pool-3"};
    CHECK(std::search(runner->argvs()[0].begin(), runner->argvs()[0].end(), removal.begin(), removal.end()) !=
          runner->argvs()[0].end());
    CHECK_FALSE(ends_soon(sandbox));
}

TEST_CASE("a removal past its wait kills the sandbox's processes through its cgroup", "[engine]")
{
    FakeSandbox sandbox;
    auto runner = std::make_shared<RecordingRunner>(sbx::process::Command{{"sleep", "5"}, {}});
    const auto start = std::chrono::steady_clock::now();
    remove_sandbox(*engine_running(runner), "sbx-test-pool-3", sandbox.cgroup(), milliseconds{200});
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= milliseconds{200});
    CHECK(took < milliseconds{2'000}); // the engine's removal goes on alone
    CHECK(ends_soon(sandbox));
}

TEST_CASE("a removal not waited for returns at once and kills nothing", "[engine]")
{
    FakeSandbox sandbox;
    auto runner = std::make_shared<RecordingRunner>(sbx::process::Command{{"sleep", "5"}, {}});
    const auto start = std::chrono::steady_clock::now();
    remove_sandbox(*engine_running(runner), "sbx-test-pool-3", sandbox.cgroup(), std::nullopt);
    CHECK(std::chrono::steady_clock::now() - start < milliseconds{1'000});
    CHECK(runner->argvs().size() == 1);
    CHECK_FALSE(ends_soon(sandbox));
}

TEST_CASE("an engine that cannot be asked gets its sandbox killed through the cgroup", "[engine]")
{
    for (auto wait : {std::optional<milliseconds>{}, std::optional<milliseconds>{milliseconds{5'000}}}) {
        FakeSandbox sandbox;
        auto runner = std::make_shared<RecordingRunner>(sbx::process::Command{{"/nonexistent/podman"}, {}});
        remove_sandbox(*engine_running(runner), "sbx-test-pool-3", sandbox.cgroup(), wait);
        CHECK(ends_soon(sandbox));
    }
}
