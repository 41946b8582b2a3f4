#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <latch>
#include <memory>
#include <thread>

#include "error.hpp"
#include "store/migrations.hpp"
#include "store/run_store.hpp"
#include "store/sandbox_store.hpp"
#include "temp_dir.hpp"

using namespace sbx::store;

namespace {

constexpr const char* prefix = "sbx-test-pool-";

struct Fixture {
    sbx::test::TempDir dir;
    std::filesystem::path path = dir.path() / "sbx.db";
    std::unique_ptr<Database> db = std::make_unique<Database>(path);
    std::unique_ptr<SandboxStore> sandboxes = std::make_unique<SandboxStore>(*db);

    std::int64_t new_run()
    {
        NewRun run{std::nullopt, "python-3.11", "podman", "{}", "{}"};
        run.oci_runtime = "runsc";
        return RunStore(*db).create(run).id;
    }

    std::int64_t starting(const std::string& runtime = "python-3.11", const std::string& key = "k1",
                          const std::string& engine = "podman")
    {
        return sandboxes->insert_starting(prefix, runtime, key, "sha256:img", engine, "runsc", 4242);
    }

    std::int64_t ready(const std::string& runtime = "python-3.11", const std::string& key = "k1",
                       const std::string& engine = "podman")
    {
        auto id = starting(runtime, key, engine);
        REQUIRE(sandboxes->mark_ready(id, "c0ffee" + std::to_string(id), "/run/runsc", "/usr/bin/runsc", 777));
        return id;
    }

    /// A row in `state`, reached by the transitions the store allows.
    std::int64_t in_state(SandboxState state)
    {
        if (state == SandboxState::starting)
            return starting();
        auto id = ready();
        if (state == SandboxState::ready)
            return id;
        REQUIRE(sandboxes->claim("python-3.11", "k1", "podman", new_run()));
        if (state == SandboxState::spent)
            REQUIRE(sandboxes->mark_spent(id, SandboxState::claimed));
        return id;
    }

    int pooled(std::int64_t run)
    {
        SQLite::Statement q(db->sql(), "SELECT pooled FROM runs WHERE id = ?");
        q.bind(1, run);
        REQUIRE(q.executeStep());
        return q.getColumn(0).getInt();
    }
};

constexpr std::array all_states = {SandboxState::starting, SandboxState::ready, SandboxState::claimed,
                                   SandboxState::spent};

} // namespace

TEST_CASE("sandbox state names round-trip", "[sandbox-store]")
{
    for (auto s : all_states)
        CHECK(parse_sandbox_state(sandbox_state_name(s)) == s);
    CHECK_THROWS_WITH(parse_sandbox_state("idle"),
                      "unknown sandbox state 'idle' (one of: starting, ready, claimed, spent)");
}

TEST_CASE("a pooled sandbox goes from starting to removed, each step once", "[sandbox-store]")
{
    Fixture f;
    auto id = f.starting();
    auto row = f.sandboxes->get(id);
    CHECK(row.name == prefix + std::to_string(id));
    CHECK(row.runtime == "python-3.11");
    CHECK(row.spec_key == "k1");
    CHECK(row.image_id == "sha256:img");
    CHECK(row.engine == "podman");
    CHECK(row.oci_runtime == "runsc");
    CHECK(row.state == SandboxState::starting);
    CHECK(row.keeper_pid == 4242);
    CHECK_FALSE(row.sandbox_pid);
    CHECK(row.container_id.empty());
    CHECK(row.created_at.size() == 24); // 2026-12-03T10:00:00.000Z
    CHECK(row.ready_at.empty());

    CHECK(f.sandboxes->mark_ready(id, "c0ffee", "/run/runsc", "/usr/bin/runsc", 777));
    CHECK_FALSE(f.sandboxes->mark_ready(id, "other", "", "", 1));
    row = f.sandboxes->get(id);
    CHECK(row.state == SandboxState::ready);
    CHECK(row.container_id == "c0ffee");
    CHECK(row.exec_root == "/run/runsc");
    CHECK(row.exec_binary == "/usr/bin/runsc");
    CHECK(row.sandbox_pid == 777);
    CHECK(row.ready_at.size() == 24);

    auto run = f.new_run();
    CHECK(f.pooled(run) == 0);
    auto claimed = f.sandboxes->claim("python-3.11", "k1", "podman", run);
    REQUIRE(claimed);
    CHECK(claimed->id == id);
    CHECK(claimed->state == SandboxState::claimed);
    CHECK(claimed->run_id == run);
    CHECK(claimed->container_id == "c0ffee");
    CHECK(claimed->claimed_at.size() == 24);
    CHECK(f.sandboxes->get(id).state == SandboxState::claimed);
    CHECK(f.pooled(run) == 1);
    CHECK_FALSE(f.sandboxes->claim("python-3.11", "k1", "podman", f.new_run()));

    CHECK_FALSE(f.sandboxes->remove(id)); // claimed: not yet
    CHECK(f.sandboxes->mark_spent(id, SandboxState::claimed));
    CHECK_FALSE(f.sandboxes->mark_spent(id, SandboxState::claimed));
    CHECK(f.sandboxes->get(id).state == SandboxState::spent);
    CHECK(f.sandboxes->remove(id));
    CHECK_FALSE(f.sandboxes->remove(id));
    CHECK_FALSE(f.sandboxes->find(id));
    CHECK_THROWS_MATCHES(f.sandboxes->get(id), sbx::Error,
                         Catch::Matchers::Predicate<sbx::Error>(
                             [](const sbx::Error& e) { return e.kind() == sbx::ErrorKind::not_found; }));
}

TEST_CASE("each transition is allowed only from its own state", "[sandbox-store]")
{
    // Each attempt on a fresh database, so the claim can only find the row under test.
    auto attempt = [](SandboxState state, bool allowed, auto&& transition) {
        Fixture f;
        auto id = f.in_state(state);
        bool made = transition(f, id);
        CHECK(made == allowed);
        if (!made)
            CHECK(f.sandboxes->get(id).state == state);
    };
    for (auto state : all_states) {
        DYNAMIC_SECTION("from " << sandbox_state_name(state))
        {
            attempt(state, state == SandboxState::starting,
                    [](Fixture& f, std::int64_t id) { return f.sandboxes->mark_ready(id, "c", "", "", 1); });
            attempt(state, state == SandboxState::ready, [](Fixture& f, std::int64_t id) {
                auto claimed = f.sandboxes->claim("python-3.11", "k1", "podman", f.new_run());
                return claimed && claimed->id == id;
            });
            for (auto from : all_states)
                attempt(state, from == state && state != SandboxState::spent,
                        [from](Fixture& f, std::int64_t id) { return f.sandboxes->mark_spent(id, from); });
            attempt(state, state == SandboxState::spent,
                    [](Fixture& f, std::int64_t id) { return f.sandboxes->remove(id); });
        }
    }
}

TEST_CASE("a claim takes the oldest ready sandbox of its runtime, key and engine", "[sandbox-store]")
{
    Fixture f;
    auto starting = f.starting();
    auto other_key = f.ready("python-3.11", "k2");
    auto other_runtime = f.ready("gcc-12", "k1");
    auto other_engine = f.ready("python-3.11", "k1", "docker");
    auto older = f.starting();
    auto newer = f.ready();
    std::this_thread::sleep_for(std::chrono::milliseconds(5)); // ready_at differs from newer's
    REQUIRE(f.sandboxes->mark_ready(older, "c", "", "", 1));   // ready after `newer`, but older

    auto first = f.sandboxes->claim("python-3.11", "k1", "podman", f.new_run());
    REQUIRE(first);
    CHECK(first->id == older);
    auto second = f.sandboxes->claim("python-3.11", "k1", "podman", f.new_run());
    REQUIRE(second);
    CHECK(second->id == newer);
    CHECK_FALSE(f.sandboxes->claim("python-3.11", "k1", "podman", f.new_run()));

    for (auto id : {other_key, other_runtime, other_engine})
        CHECK(f.sandboxes->get(id).state == SandboxState::ready);
    CHECK(f.sandboxes->get(starting).state == SandboxState::starting);

    std::vector<std::int64_t> ready;
    for (const auto& s : f.sandboxes->list(SandboxState::ready))
        ready.push_back(s.id);
    CHECK(ready == std::vector<std::int64_t>{other_key, other_runtime, other_engine});
    CHECK(f.sandboxes->list().size() == 6);
    CHECK(f.sandboxes->list(SandboxState::spent).empty());
}

TEST_CASE("a claim that finds nothing changes nothing", "[sandbox-store]")
{
    Fixture f;
    auto run = f.new_run();
    CHECK_FALSE(f.sandboxes->claim("python-3.11", "k1", "podman", run));
    CHECK(f.pooled(run) == 0);
    CHECK(f.sandboxes->counters().empty());
}

TEST_CASE("the pool counters count claims and misses per runtime", "[sandbox-store]")
{
    Fixture f;
    f.ready();
    f.ready();
    f.ready("gcc-12");
    REQUIRE(f.sandboxes->claim("python-3.11", "k1", "podman", f.new_run()));
    REQUIRE(f.sandboxes->claim("python-3.11", "k1", "podman", f.new_run()));
    REQUIRE(f.sandboxes->claim("gcc-12", "k1", "podman", f.new_run()));
    const auto missed = f.new_run();
    f.sandboxes->record_miss("python-3.11", missed, "empty", true);
    f.sandboxes->record_miss("go-1.19", f.new_run(), "dead", true);
    f.sandboxes->record_miss("go-1.19", f.new_run(), "empty", true);
    f.sandboxes->record_miss("go-1.19", f.new_run(), "limits", false);
    CHECK(RunStore(*f.db).get(missed).pool_miss == "empty");
    CHECK_FALSE(RunStore(*f.db).get(missed).pooled);

    auto counters = f.sandboxes->counters();
    REQUIRE(counters.size() == 3);
    CHECK(counters[0].runtime == "gcc-12");
    CHECK(counters[0].claims == 1);
    CHECK(counters[0].misses == 0);
    CHECK(counters[1].runtime == "go-1.19");
    CHECK(counters[1].claims == 0);
    CHECK(counters[1].misses == 2);
    CHECK(counters[2].runtime == "python-3.11");
    CHECK(counters[2].claims == 2);
    CHECK(counters[2].misses == 1);
}

TEST_CASE("a sandbox id, and so its name, is never used twice", "[sandbox-store]")
{
    Fixture f;
    auto first = f.in_state(SandboxState::spent);
    REQUIRE(f.sandboxes->remove(first));
    REQUIRE(f.sandboxes->list().empty());
    auto second = f.starting();
    CHECK(second > first);
    CHECK(f.sandboxes->get(second).name == prefix + std::to_string(second));
}

TEST_CASE("a deleted run leaves its sandbox with no run", "[sandbox-store]")
{
    Fixture f;
    auto id = f.ready();
    auto run = f.new_run();
    REQUIRE(f.sandboxes->claim("python-3.11", "k1", "podman", run));
    SQLite::Statement q(f.db->sql(), "DELETE FROM runs WHERE id = ?");
    q.bind(1, run);
    q.exec();
    auto row = f.sandboxes->get(id);
    CHECK_FALSE(row.run_id);
    CHECK(row.state == SandboxState::claimed);
}

TEST_CASE("runs recorded before the pool read as not pooled", "[sandbox-store]")
{
    sbx::test::TempDir dir;
    auto path = dir.path() / "sbx.db";
    const auto& all = schema_migrations();
    {
        std::vector<Migration> before(all.begin(), all.begin() + 5);
        REQUIRE(before.back().version == 5);
        Database old(path, before);
        old.sql().exec("INSERT INTO runs (runtime, engine, status, limits, request) "
                       "VALUES ('python-3.11', 'podman', 'succeeded', '{}', '{}')");
    }
    Database db(path);
    CHECK(db.status().applied == std::vector<std::string>{"6 pooled sandboxes", "7 runs by creation time",
                                                          "8 runs by API", "9 judge0 submissions"});
    CHECK(db.sql().execAndGet("SELECT pooled FROM runs WHERE id = 1").getInt() == 0);
    // Runs from before the compatible APIs came through sbx's own.
    CHECK(db.sql().execAndGet("SELECT via FROM runs WHERE id = 1").getString() == "api");
    CHECK(db.sql().execAndGet("SELECT pool_miss FROM runs WHERE id = 1").getString().empty());
    CHECK_THROWS_AS(db.sql().exec("INSERT INTO sandboxes (name, runtime, spec_key, engine, oci_runtime, state) "
                                  "VALUES ('x', 'r', 'k', 'podman', 'runsc', 'idle')"),
                    SQLite::Exception);
}

TEST_CASE("of 8 threads with their own connections, one claims the one ready sandbox", "[sandbox-store][race]")
{
    Fixture f;
    constexpr int claimers = 8;
    std::vector<std::unique_ptr<Database>> connections;
    std::vector<std::int64_t> runs;
    for (int i = 0; i < claimers; ++i) {
        connections.push_back(std::make_unique<Database>(f.path));
        runs.push_back(f.new_run());
    }
    for (int round = 0; round < 20; ++round) {
        auto id = f.ready();
        std::vector<std::optional<SandboxRecord>> got(claimers);
        std::vector<std::string> errors(claimers);
        std::latch start(claimers);
        std::vector<std::thread> threads;
        for (int i = 0; i < claimers; ++i)
            threads.emplace_back([&, i] {
                try {
                    SandboxStore store(*connections[i]);
                    start.arrive_and_wait();
                    got[i] = store.claim("python-3.11", "k1", "podman", runs[i]);
                } catch (const std::exception& e) {
                    errors[i] = e.what();
                }
            });
        for (auto& t : threads)
            t.join();
        for (const auto& e : errors)
            CHECK(e.empty());
        int winners = 0;
        for (int i = 0; i < claimers; ++i)
            if (got[i]) {
                ++winners;
                CHECK(got[i]->id == id);
                CHECK(got[i]->run_id == runs[i]);
                CHECK(f.sandboxes->get(id).run_id == runs[i]);
            }
        CHECK(winners == 1);
    }
    auto counters = f.sandboxes->counters();
    REQUIRE(counters.size() == 1);
    CHECK(counters[0].claims == 20);
}

TEST_CASE("of 4 processes, one claims the one ready sandbox", "[sandbox-store][race]")
{
    Fixture f;
    constexpr int claimers = 4;
    std::vector<std::int64_t> runs;
    for (int i = 0; i < claimers; ++i)
        runs.push_back(f.new_run());
    for (int round = 0; round < 20; ++round) {
        auto id = f.ready();
        // A child must not inherit an open connection to the file it opens again.
        f.sandboxes.reset();
        f.db.reset();

        int ready[2], go[2];
        REQUIRE(::pipe(ready) == 0);
        REQUIRE(::pipe(go) == 0);
        std::vector<pid_t> children;
        for (int i = 0; i < claimers; ++i) {
            pid_t child = ::fork();
            REQUIRE(child >= 0);
            if (child == 0) {
                // 0: claimed this round's row; 1: found none; anything else: went wrong.
                int code = 2;
                try {
                    ::close(ready[0]);
                    ::close(go[1]);
                    Database db(f.path);
                    SandboxStore store(db);
                    char c = 'r';
                    if (::write(ready[1], &c, 1) == 1 && ::read(go[0], &c, 1) == 0) {
                        auto got = store.claim("python-3.11", "k1", "podman", runs[i]);
                        code = !got ? 1 : got->id == id && got->run_id == runs[i] ? 0 : 3;
                    }
                } catch (...) {
                    code = 4;
                }
                ::_exit(code);
            }
            children.push_back(child);
        }
        ::close(ready[1]);
        ::close(go[0]);
        char c;
        int arrived = 0;
        while (arrived < claimers && ::read(ready[0], &c, 1) == 1)
            ++arrived;
        ::close(go[1]); // every child reads end-of-file at once: go
        ::close(ready[0]);
        CHECK(arrived == claimers);

        int winners = 0, losers = 0;
        for (auto child : children) {
            int status = 0;
            REQUIRE(::waitpid(child, &status, 0) == child);
            REQUIRE(WIFEXITED(status));
            winners += WEXITSTATUS(status) == 0;
            losers += WEXITSTATUS(status) == 1;
        }
        CHECK(winners == 1);
        CHECK(losers == claimers - 1);

        f.db = std::make_unique<Database>(f.path);
        f.sandboxes = std::make_unique<SandboxStore>(*f.db);
        CHECK(f.sandboxes->get(id).state == SandboxState::claimed);
    }
    auto counters = f.sandboxes->counters();
    REQUIRE(counters.size() == 1);
    CHECK(counters[0].claims == 20);
}
