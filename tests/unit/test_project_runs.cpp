#include <catch2/catch.hpp>

#include <thread>

#include "account/admission.hpp"
#include "account/users.hpp"
#include "error.hpp"
#include "error_kind.hpp"
#include "project/access.hpp"
#include "project/project_runs.hpp"
#include "project/projects.hpp"
#include "runner/run_json.hpp"
#include "runner/run_plan.hpp"
#include "runner/snapshot_dir.hpp"
#include "runner/supervisor.hpp"
#include "store/run_store.hpp"
#include "test_world.hpp"

using namespace sbx;
using account::Actor;
using Catch::Matchers::Contains;
using store::RunStatus;

using sbx::test::kind_of;

namespace {

// Runs body(0) ... body(n - 1) each on a thread of its own, each with its own connection
// to the world's database, as separate processes have; returns what each threw, or "".
std::vector<std::string> in_threads(const test::World& w, int n, const std::function<void(int, store::Database&)>& body)
{
    std::vector<std::string> errors(static_cast<std::size_t>(n));
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            try {
                store::Database db(w.settings.database);
                body(i, db);
            } catch (const std::exception& e) {
                errors[static_cast<std::size_t>(i)] = e.what();
            }
        });
    for (auto& t : threads)
        t.join();
    return errors;
}

struct Runs : test::World {
    explicit Runs(std::vector<std::string> overrides = {}) : World(std::move(overrides))
    {
        account::add_user(*db, Actor::shell(), "alice", "password-a", false);
        account::add_user(*db, Actor::shell(), "bob", "password-b", false);
        alice = account::actor_for(*db, "alice");
        bob = account::actor_for(*db, "bob");
    }
    Actor alice, bob;
};

} // namespace

TEST_CASE("a project run freezes the files and env it ran with", "[project-runs]")
{
    Runs w;
    auto p = project::create_project(w.context, w.alice, "app", "python-3.11", true);
    project::put_file(w.context, w.alice, p, "main.py", "print(1)\n");
    project::set_env(w.context, w.alice, p, "TOKEN", "s3cret");
    auto id = project::submit_project_run(w.context, w.alice, p, {});
    project::put_file(w.context, w.alice, p, "main.py", "print(2)\n");

    auto run = project::find_run(*w.db, w.alice, id);
    CHECK(run.user_id == w.alice.user_id);
    CHECK(run.project_id == p.id);
    auto files = project::run_files(w.context, w.alice, id);
    REQUIRE(files.size() == 1);
    CHECK(files[0].content == "print(1)\n");
    CHECK(kind_of([&] { project::find_run(*w.db, w.bob, id); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { project::run_files(w.context, w.bob, id); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { project::cancel_run(w.context, w.bob, id, "no"); }) == ErrorKind::not_found);
    CHECK(project::find_run(*w.db, Actor::shell(), id).id == id);

    // Bob may run Alice's public project: the run is his, without her secrets.
    auto bobs = project::submit_project_run(w.context, w.bob, p, {});
    CHECK(project::find_run(*w.db, w.bob, bobs).user_id == w.bob.user_id);
    auto plan = runner::SnapshotDir::path_for(w.settings.run_dir, bobs) / "plan.json";
    std::ifstream in(plan);
    REQUIRE(in);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("s3cret") == std::string::npos);
    // ... and Alice's run is not his to replace.
    CHECK(store::RunStore(*w.db).get(id).status == RunStatus::queued);
    CHECK(project::project_history(w.context, w.bob, p, 10).size() == 1);
    CHECK(project::project_history(w.context, Actor::shell(), p, 10).size() == 2);
}

TEST_CASE("one build per project: of 50 concurrent starts exactly one survives", "[project-runs][race]")
{
    Runs w;
    auto p = project::create_project(w.context, w.alice, "race", "python-3.11", false);
    constexpr int starts = 50;
    std::vector<std::int64_t> ids(starts, 0);
    auto errors = in_threads(w, starts, [&](int i, store::Database& db) {
        app::AppContext context{w.settings, w.catalog, db};
        ids[i] = project::submit_project_run(context, w.alice, p, {});
    });
    for (const auto& e : errors)
        CHECK(e.empty());

    store::RunStore runs(*w.db);
    auto all = runs.list({.project_id = p.id, .limit = 1000});
    REQUIRE(all.size() == starts);
    int unfinished = 0;
    std::int64_t survivor = 0;
    for (const auto& run : all)
        if (!store::is_final(run.status)) {
            ++unfinished;
            survivor = run.id;
        }
    CHECK(unfinished == 1);
    CHECK(survivor == std::max_element(all.begin(), all.end(), [](auto& a, auto& b) { return a.id < b.id; })->id);
    for (const auto& run : all)
        if (run.id != survivor) {
            CHECK(run.status == RunStatus::cancelled);
            CHECK_THAT(run.reason, Catch::Matchers::StartsWith("replaced by run "));
        }
}

TEST_CASE("admission: a user's runs fit their concurrency, memory and CPU quota", "[project-runs][quota]")
{
    Runs w;
    store::RunStore runs(*w.db);
    auto make = [&](std::int64_t memory, double cpus) {
        store::NewRun run{std::nullopt, "python-3.11", "podman", "{}", "{}"};
        run.oci_runtime = "runsc";
        run.user_id = w.alice.user_id;
        run.memory_bytes = memory;
        run.cpus = cpus;
        run.admitted = false;
        return runs.create(run).id;
    };
    account::Admission quota{2, 1000, 1.5};
    auto a = make(400, 0.5);
    auto b = make(400, 0.5);
    auto c = make(100, 0.25);
    CHECK(account::admit(runs, a, quota) == account::AdmitResult::admitted);
    CHECK(account::admit(runs, b, quota) == account::AdmitResult::admitted);
    CHECK(account::admit(runs, c, quota) == account::AdmitResult::wait); // two already
    runs.finish(a, {.status = RunStatus::succeeded});
    CHECK(account::admit(runs, c, quota) == account::AdmitResult::admitted); // a's share came back

    auto d = make(700, 0.25);
    runs.finish(b, {.status = RunStatus::failed});
    CHECK(account::admit(runs, d, {5, 1000, 4}) == account::AdmitResult::admitted);
    auto e = make(300, 0.25); // 100 + 700 + 300 > 1000
    CHECK(account::admit(runs, e, {5, 1000, 4}) == account::AdmitResult::wait);
    CHECK(account::admit(runs, e, {5, 2000, 0.5}) == account::AdmitResult::wait); // 0.25 * 3 > 0.5 CPUs
    runs.request_cancel(e, "gave up");
    CHECK(account::admit(runs, e, {5, 2000, 4}) == account::AdmitResult::ended);
}

TEST_CASE("admission: concurrent supervisors never overcommit a quota", "[project-runs][quota][race]")
{
    Runs w;
    constexpr int waiting = 12;
    std::vector<std::int64_t> ids;
    store::RunStore runs(*w.db);
    for (int i = 0; i < waiting; ++i) {
        store::NewRun run{std::nullopt, "python-3.11", "podman", "{}", "{}"};
        run.oci_runtime = "runsc";
        run.user_id = w.alice.user_id;
        run.memory_bytes = 100;
        run.cpus = 0.5;
        run.admitted = false;
        ids.push_back(runs.create(run).id);
    }
    const account::Admission quota{3, 1000, 4};
    std::vector<account::AdmitResult> results(waiting);
    auto errors = in_threads(w, waiting, [&](int i, store::Database& db) {
        store::RunStore own(db);
        results[i] = account::admit(own, ids[i], quota);
    });
    for (const auto& e : errors)
        CHECK(e.empty());
    CHECK(std::count(results.begin(), results.end(), account::AdmitResult::admitted) == 3);
    CHECK(runs.admitted_usage(w.alice.user_id).runs == 3);
}

TEST_CASE("the hourly quota holds for runs started together", "[project-runs][quota][race]")
{
    Runs w({"quotas.runs_per_hour=4"});
    auto p = project::create_project(w.context, w.alice, "app", "python-3.11", false);
    project::put_file(w.context, w.alice, p, "main.py", "print(1)\n");
    constexpr int starts = 12;
    auto errors = in_threads(w, starts, [&](int, store::Database& db) {
        app::AppContext context{w.settings, w.catalog, db};
        project::submit_project_run(context, w.alice, p, {});
    });
    auto refused = std::count_if(errors.begin(), errors.end(),
                                 [](const std::string& e) { return e.find("runs in the last hour") != e.npos; });
    CHECK(std::count(errors.begin(), errors.end(), "") == 4);
    CHECK(refused == starts - 4);
    CHECK(store::RunStore(*w.db).list({.project_id = p.id}).size() == 4);
}

TEST_CASE("quota refusals say which limit", "[project-runs][quota]")
{
    Runs w({"quotas.runs_per_hour=2", "quotas.max_memory=512M", "quotas.max_concurrent_runs=1",
            "quotas.when_busy=refuse"});
    auto p = project::create_project(w.context, w.alice, "one", "python-3.11", false);
    auto q = project::create_project(w.context, w.alice, "two", "python-3.11", false);
    runner::RunRequest big;
    big.limits.memory = std::uint64_t{1} << 30;
    CHECK_THROWS_WITH(project::submit_project_run(w.context, w.alice, p, big), Contains("your quota is 512M"));

    project::submit_project_run(w.context, w.alice, p, {});
    CHECK_THROWS_WITH(project::submit_project_run(w.context, w.alice, q, {}), Contains("as many as your quota"));
    // A new run of the same project replaces the old one rather than being refused.
    project::submit_project_run(w.context, w.alice, p, {});
    try {
        project::submit_project_run(w.context, w.alice, p, {});
        FAIL("the third run in an hour was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::limit);
        CHECK(e.field() == "runs_per_hour");
    }
    // The admin's shell is held to no user quota.
    runner::RunRequest loose;
    loose.runtime = "python-3.11";
    loose.files = {{"main.py", "print(1)\n"}};
    CHECK(project::submit_run(w.context, Actor::shell(), loose) > 0);
}

TEST_CASE("a run's entry is one of its files and is never read as an option", "[project-runs][names]")
{
    Runs w;
    auto entry_of = [&](std::int64_t id) {
        return runner::read_plan(runner::SnapshotDir::path_for(w.settings.run_dir, id)).entry;
    };
    auto refusal = [&](const runner::RunRequest& request) {
        try {
            project::submit_run(w.context, Actor::shell(), request);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK(e.field() == "entry");
            return std::string(e.what());
        }
        FAIL("the run was accepted");
        return std::string();
    };
    runner::RunRequest loose;
    loose.runtime = "python-3.11";
    loose.files = {{"--version", "print('not a version')\n"}, {"-o", "data"}};
    auto entry = entry_of(project::submit_run(w.context, Actor::shell(), loose));
    CHECK(entry == "--version");
    CHECK(config::expand_command(w.catalog.get("python-3.11").run, entry) ==
          std::vector<std::string>{"python3", "./--version"});

    // An entry names a file by its path: "./--privileged" is the file "--privileged".
    loose.files = {{"main.py", ""}, {"--privileged", "print(1)\n"}};
    loose.entry = "./--privileged";
    CHECK(entry_of(project::submit_run(w.context, Actor::shell(), loose)) == "--privileged");
    loose.entry = "../main.py";
    CHECK_THAT(refusal(loose), Contains("'../main.py' contains '..'"));
    loose.entry = "-o";
    CHECK_THAT(refusal(loose), Contains("entry file '-o' is not among the files"));

    // Java runs the entry's class by its name, which no "./" can protect: refused before
    // anything is recorded.
    runner::RunRequest java;
    java.runtime = "java-17";
    java.files = {{"-x.java", "class Main {}\n"}};
    auto before = store::RunStore(*w.db).list({}).size();
    CHECK_THAT(refusal(java), Contains("'-x.java'"));
    CHECK(store::RunStore(*w.db).list({}).size() == before);
}

TEST_CASE("a run records the configured OCI runtime, and is not run under another", "[project-runs]")
{
    Runs w({"oci_runtime=/usr/bin/runsc"});
    auto p = project::create_project(w.context, w.alice, "app", "python-3.11", true);
    project::put_file(w.context, w.alice, p, "main.py", "print(1)\n");
    auto id = project::submit_project_run(w.context, w.alice, p, {});
    store::RunStore runs(*w.db);
    CHECK(runs.get(id).oci_runtime == "/usr/bin/runsc");
    CHECK(runner::run_json(runs, runs.get(id))["oci_runtime"] == "/usr/bin/runsc");

    // sbx.toml changed while the run was queued: it ends, saying why, before any sandbox.
    w.settings.oci_runtime = "runsc";
    auto ended = runner::supervise(w.context, id);
    CHECK(ended.status == RunStatus::error);
    CHECK(ended.reason == "run " + std::to_string(id) +
                              " was made to run under OCI runtime '/usr/bin/runsc', but oci_runtime is now 'runsc'; "
                              "start it again");
    CHECK(ended.container.empty());
}
