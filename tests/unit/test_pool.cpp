// The pool's decisions that need no sandbox: what a run may claim, why it goes cold, when
// an idle sandbox is stale, how a run's files get in. Live pools are tested in tests/e2e.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>

#include "common/utc_time.hpp"
#include "engine/engine.hpp"
#include "error.hpp"
#include "pool/claim.hpp"
#include "pool/keeper.hpp"
#include "pool/staleness.hpp"
#include "process/command_runner.hpp"
#include "store/run_store.hpp"
#include "test_world.hpp"

using namespace sbx;

namespace {

struct PoolWorld {
    test::World world;
    std::shared_ptr<process::RecordingRunner> runner = std::make_shared<process::RecordingRunner>();
    std::unique_ptr<engine::Engine> engine;
    std::optional<pool::PoolContext> context;

    explicit PoolWorld(std::vector<std::string> overrides = {}) : world(std::move(overrides))
    {
        engine = engine::make_engine(
            {world.settings.engine, world.settings.oci_runtime, {}, world.settings.instance, world.settings.run_dir},
            runner);
        context.emplace(
            pool::PoolContext{world.settings, world.catalog, *world.db, *engine, "/usr/libexec/sbx/sbx-init"});
    }

    const config::Runtime& runtime(const std::string& id) { return world.catalog.get(id); }

    std::int64_t new_run(const std::string& runtime_id)
    {
        store::NewRun run{std::nullopt, runtime_id, world.settings.engine, "{}", "{}"};
        run.oci_runtime = world.settings.oci_runtime;
        return store::RunStore(*world.db).create(run).id;
    }

    /// A ready row for `runtime_id` whose sandbox process is `pid`.
    std::int64_t ready(const std::string& runtime_id, int pid)
    {
        store::SandboxStore store(*world.db);
        const auto& rt = runtime(runtime_id);
        auto id = store.insert_starting(pool::name_prefix(world.settings), rt.id,
                                        pool::pool_key(rt, rt.limits, context->init), "sha256:1", engine->name(),
                                        world.settings.oci_runtime, 1);
        REQUIRE(store.mark_ready(id, "c0ffee", "/run/runsc", "/usr/bin/runsc", pid));
        return id;
    }

    std::string pool_miss(std::int64_t run)
    {
        auto record = store::RunStore(*world.db).get(run);
        return record.pool_miss;
    }
};

store::SandboxRecord idle(const std::string& runtime, const std::string& key)
{
    store::SandboxRecord r;
    r.name = "sbx-test-pool-1";
    r.runtime = runtime;
    r.spec_key = key;
    r.image_id = "sha256:1";
    r.engine = "podman";
    r.state = store::SandboxState::ready;
    r.created_at = common::format_utc(1'000'000);
    return r;
}

} // namespace

TEST_CASE("an idle pooled sandbox is stale when the pool it was made for changed", "[pool]")
{
    pool::CurrentPool current;
    current.keys = {{"python-3.11", "k1"}};
    current.images = {{"python-3.11", "sha256:1"}};
    current.engine = "podman";
    current.max_age = std::chrono::seconds{3600};
    current.now = 1'000'000 + 60;

    CHECK(pool::why_stale(idle("python-3.11", "k1"), current).empty());
    CHECK(pool::why_stale(idle("python-3.11", "k2"), current) == "the runtime's sandbox spec changed");
    CHECK(pool::why_stale(idle("node-18", "k1"), current) == "runtime node-18 has no pool now");
    auto other_engine = idle("python-3.11", "k1");
    other_engine.engine = "docker";
    CHECK(pool::why_stale(other_engine, current) == "made for engine docker");
    current.images["python-3.11"] = "sha256:2";
    CHECK(pool::why_stale(idle("python-3.11", "k1"), current) == "its image was rebuilt");
    current.images.clear(); // not read this time: the image does not count
    CHECK(pool::why_stale(idle("python-3.11", "k1"), current).empty());
    current.now = 1'000'000 + 3601;
    CHECK(pool::why_stale(idle("python-3.11", "k1"), current) == "older than pool.max_age");
}

TEST_CASE("a run fits a pooled sandbox unless it asks for limits that shape the sandbox", "[pool]")
{
    PoolWorld w;
    const auto& python = w.runtime("python-3.11");
    const std::string init = "/usr/libexec/sbx/sbx-init";
    const std::string key = pool::pool_key(python, python.limits, init);
    CHECK(key.size() == 64);
    CHECK(pool::pool_key(python, python.limits, init) == key);

    config::Limits longer = python.limits;
    longer.wall_time *= 2; // enforced by sbx, not the sandbox
    CHECK(pool::pool_key(python, longer, init) == key);
    config::Limits more_memory = python.limits;
    more_memory.memory *= 2;
    CHECK(pool::pool_key(python, more_memory, init) != key);
    config::Limits more_disk = python.limits;
    more_disk.disk *= 2;
    CHECK(pool::pool_key(python, more_disk, init) != key);
    CHECK(pool::pool_key(w.runtime("node-18"), w.runtime("node-18").limits, init) != key);
}

TEST_CASE("a run that cannot take a pooled sandbox says why on its record", "[pool]")
{
    PoolWorld w;
    const auto& python = w.runtime("python-3.11");
    store::SandboxStore store(*w.world.db);

    SECTION("none is ready: a counted miss")
    {
        auto run = w.new_run("python-3.11");
        auto result = pool::claim_sandbox(*w.context, python, python.limits, run);
        CHECK_FALSE(result.claimed);
        CHECK(result.miss == "empty");
        CHECK(w.pool_miss(run) == "empty");
        REQUIRE(store.counters().size() == 1);
        CHECK(store.counters()[0].misses == 1);
    }
    SECTION("other limits: not counted as a miss of the pool")
    {
        w.ready("python-3.11", static_cast<int>(getpid()));
        auto run = w.new_run("python-3.11");
        config::Limits more = python.limits;
        more.memory *= 2;
        auto result = pool::claim_sandbox(*w.context, python, more, run);
        CHECK(result.miss == "limits");
        CHECK(w.pool_miss(run) == "limits");
        CHECK(store.counters().empty());
        CHECK(store.list(store::SandboxState::ready).size() == 1);
    }
    SECTION("a ready sandbox whose process died is spent, and the run goes cold")
    {
        // A pid that is certainly not a runsc sandbox: this test process.
        auto id = w.ready("python-3.11", static_cast<int>(getpid()));
        auto run = w.new_run("python-3.11");
        auto result = pool::claim_sandbox(*w.context, python, python.limits, run);
        CHECK(result.miss == "dead");
        CHECK(store.get(id).state == store::SandboxState::spent);
        CHECK(w.pool_miss(run) == "dead");
        CHECK_FALSE(store::RunStore(*w.world.db).get(run).pooled);
    }
}

TEST_CASE("with the pool off for a runtime or an engine, runs go cold uncounted", "[pool]")
{
    SECTION("pool.size = 0 for a runtime without its own size")
    {
        PoolWorld w({"pool.size=0"});
        auto run = w.new_run("bash-5.2");
        auto result = pool::claim_sandbox(*w.context, w.runtime("bash-5.2"), w.runtime("bash-5.2").limits, run);
        CHECK(result.miss == "off");
        CHECK(w.pool_miss(run) == "off");
        CHECK(store::SandboxStore(*w.world.db).counters().empty());
    }
    SECTION("the python runtime's own size wins over pool.size")
    {
        PoolWorld w({"pool.size=0"});
        CHECK(config::pool_size(w.runtime("python-3.11"), w.world.settings) == 2);
        CHECK(config::pool_size(w.runtime("bash-5.2"), w.world.settings) == 0);
    }
}

TEST_CASE("a claimed sandbox gets the run's files as hard links, the snapshot left whole", "[pool]")
{
    PoolWorld w;
    store::SandboxRecord sandbox;
    sandbox.id = 7;
    sandbox.name = "sbx-test-pool-7";
    auto into = pool::sandbox_dir(w.world.settings, 7) / "src";
    std::filesystem::create_directories(into);
    auto src = w.world.dir.path() / "snapshot-src";
    std::filesystem::create_directories(src / "pkg");
    std::ofstream(src / "main.py") << "print(1)\n";
    std::ofstream(src / "pkg" / "mod.py") << "X = 2\n";

    pool::hand_over_files(w.world.settings, sandbox, src);
    CHECK(std::filesystem::is_regular_file(into / "main.py"));
    CHECK(std::filesystem::is_regular_file(into / "pkg" / "mod.py"));
    CHECK(std::filesystem::hard_link_count(src / "main.py") == 2);

    SECTION("anything but files and directories is refused")
    {
        std::filesystem::remove_all(into);
        std::filesystem::create_directories(into);
        std::filesystem::create_symlink("/etc/shadow", src / "link");
        CHECK_THROWS_AS(pool::hand_over_files(w.world.settings, sandbox, src), Error);
        CHECK(std::filesystem::is_symlink(src / "link"));
    }
}

TEST_CASE("pooled runs are counted by the minute they were created in", "[pool]")
{
    PoolWorld w;
    store::SandboxStore store(*w.world.db);
    w.ready("python-3.11", 1);
    auto run = w.new_run("python-3.11");
    const auto& python = w.runtime("python-3.11");
    REQUIRE(store.claim(python.id, pool::pool_key(python, python.limits, w.context->init), w.engine->name(), run));
    CHECK(store.pooled_runs_since(common::format_utc(std::time(nullptr) - 60)).at("python-3.11") == 1);
    CHECK(store.pooled_runs_since(common::format_utc(std::time(nullptr) + 5)).empty());
    CHECK(common::parse_utc(common::format_utc(1'700'000'000)) == 1'700'000'000);
}

TEST_CASE("one keeper per run dir: a second is refused, naming the first", "[pool]")
{
    PoolWorld w;
    CHECK_FALSE(pool::running_keeper(w.world.settings));
    {
        auto lease = pool::lock_keeper(w.world.settings);
        CHECK(pool::running_keeper(w.world.settings) == static_cast<int>(getpid()));
        try {
            pool::lock_keeper(w.world.settings);
            FAIL("a second keeper got the lock");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::conflict);
            CHECK_THAT(e.what(), Catch::Contains("(pid " + std::to_string(getpid()) + ")"));
        }
    }
    CHECK_FALSE(pool::running_keeper(w.world.settings));
    CHECK(pool::lock_keeper(w.world.settings).index() == 0);
}
