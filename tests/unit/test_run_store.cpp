#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "error.hpp"
#include "runner/run_json.hpp"
#include "runner/run_logs.hpp"
#include "store/migrations.hpp"
#include "store/run_store.hpp"
#include "temp_dir.hpp"

using namespace sbx::store;

namespace {

struct Fixture {
    sbx::test::TempDir dir;
    Database db{dir.path() / "sbx.db"};
    RunStore runs{db};

    std::int64_t new_run(std::optional<std::int64_t> project = std::nullopt)
    {
        NewRun run{project, "python-3.11", "podman", "{}", "{}"};
        run.oci_runtime = "runsc";
        return runs.create(run).id;
    }
};

} // namespace

TEST_CASE("status names round-trip and finals are final", "[run-store]")
{
    for (auto s : {RunStatus::queued, RunStatus::output_limit, RunStatus::error})
        CHECK(parse_status(status_name(s)) == s);
    CHECK(std::string(status_name(RunStatus::output_limit)) == "output-limit");
    CHECK_THROWS_WITH(parse_status("done"), Catch::Matchers::StartsWith("unknown run status 'done' (one of: queued"));
    CHECK_FALSE(is_final(RunStatus::running));
    CHECK(is_final(RunStatus::cancelled));
}

TEST_CASE("a run goes from queued to an end exactly once", "[run-store]")
{
    Fixture f;
    auto id = f.new_run();
    auto run = f.runs.get(id);
    CHECK(run.status == RunStatus::queued);
    CHECK(run.created_at.size() == 24); // 2026-11-22T02:00:00.000Z
    CHECK(run.started_at.empty());

    CHECK(f.runs.advance(id, RunStatus::running, "run", "sbx-default-1"));
    run = f.runs.get(id);
    CHECK(run.status == RunStatus::running);
    CHECK(run.container == "sbx-default-1");
    CHECK_FALSE(run.started_at.empty());

    RunEnd end{.status = RunStatus::failed, .exit_code = 3, .wall_ms = 120, .cpu_ms = 50, .peak_memory_bytes = 1 << 20};
    CHECK(f.runs.finish(id, end));
    CHECK_FALSE(f.runs.finish(id, {.status = RunStatus::error, .reason = "late"})); // the first end stands
    CHECK_FALSE(f.runs.advance(id, RunStatus::running, "run", "x"));
    run = f.runs.get(id);
    CHECK(run.status == RunStatus::failed);
    CHECK(run.exit_code == 3);
    CHECK_FALSE(run.signal);
    CHECK(run.wall_ms == 120);
    CHECK(run.peak_memory_bytes == 1 << 20);
    CHECK_FALSE(run.finished_at.empty());
    CHECK_THROWS_AS(f.runs.finish(id, {.status = RunStatus::running}), sbx::Error);
}

TEST_CASE("cancelling a queued run ends it; a running one is flagged", "[run-store]")
{
    Fixture f;
    auto queued = f.new_run();
    auto running = f.new_run();
    f.runs.advance(running, RunStatus::running, "run", "c");
    CHECK(f.runs.request_cancel(queued, "by alice").status == RunStatus::cancelled);
    auto flagged = f.runs.request_cancel(running, "by alice");
    CHECK(flagged.status == RunStatus::running);
    CHECK(flagged.cancel_requested);
    CHECK(flagged.reason == "by alice");
    CHECK_THROWS_AS(f.runs.request_cancel(999, "x"), sbx::Error);
}

TEST_CASE("queue position counts the queued runs ahead", "[run-store]")
{
    Fixture f;
    auto a = f.new_run(), b = f.new_run(), c = f.new_run();
    CHECK(f.runs.queue_position(a) == 0);
    CHECK(f.runs.queue_position(c) == 2);
    f.runs.advance(a, RunStatus::running, "run", "");
    CHECK(f.runs.queue_position(b) == 0);
    CHECK(f.runs.unfinished().size() == 3);
    CHECK(f.runs.list({.active_only = true}).size() == 3);
    CHECK(f.runs.list({}).front().id == c); // newest first
}

TEST_CASE("output keeps bytes, order, streams and line ends", "[run-store]")
{
    Fixture f;
    auto id = f.new_run();
    std::string binary("\xff\x00\xfe", 3);
    f.runs.append_output(id, {{1, Stream::out, "hello", true}, {2, Stream::err, "", true}}, 7);
    f.runs.append_output(id, {{3, Stream::out, binary, false}, {4, Stream::sbx, "[cut]", true}}, 3);
    auto lines = f.runs.read_output(id, 1, 100);
    REQUIRE(lines.size() == 4);
    CHECK(lines[1].stream == Stream::err);
    CHECK(lines[1].data.empty());
    CHECK(lines[1].eol);
    CHECK(lines[2].data == binary);
    CHECK_FALSE(lines[2].eol);
    CHECK(lines[3].stream == Stream::sbx);
    CHECK(f.runs.read_output(id, 2, 2).front().seq == 2);
    CHECK(f.runs.read_output(id, 2, 2).size() == 2);
    CHECK(f.runs.read_output(id, 1, 10, Stream::out).size() == 2);
    CHECK(f.runs.get(id).output_bytes == 10);
}

TEST_CASE("retention keeps the newest runs per project and drops old ones", "[run-store]")
{
    Fixture f;
    std::vector<std::int64_t> project_runs, loose;
    for (int i = 0; i < 4; ++i) {
        project_runs.push_back(f.new_run(7));
        loose.push_back(f.new_run());
    }
    for (auto id : project_runs)
        f.runs.finish(id, {.status = RunStatus::succeeded});
    for (auto id : loose)
        f.runs.finish(id, {.status = RunStatus::succeeded});
    auto active = f.new_run(7); // unfinished runs are never expired
    f.runs.append_output(project_runs[0], {{1, Stream::out, "x", true}}, 2);

    auto long_ago = std::chrono::system_clock::now() - std::chrono::hours(24);
    auto dry = f.runs.expire(2, long_ago, true);
    CHECK(dry == std::vector<std::int64_t>{project_runs[0], loose[0], project_runs[1], loose[1]});
    CHECK(f.runs.find(project_runs[0]));

    CHECK(f.runs.expire(2, long_ago, false) == dry);
    CHECK_FALSE(f.runs.find(project_runs[0]));
    CHECK(f.runs.read_output(project_runs[0], 1, 10).empty()); // output went with it
    CHECK(f.runs.find(active));

    auto future = std::chrono::system_clock::now() + std::chrono::hours(1);
    CHECK(f.runs.expire(100, future, false).size() == 4);
    CHECK(f.runs.find(active));
}

TEST_CASE("log pages follow the cursor and say when the run has ended", "[run-store]")
{
    Fixture f;
    auto id = f.new_run();
    std::vector<OutputLine> lines;
    for (int i = 1; i <= 5; ++i)
        lines.push_back({i, i % 2 ? Stream::out : Stream::err, "line " + std::to_string(i), true});
    f.runs.append_output(id, lines, 35);

    auto page = sbx::runner::read_page(f.runs, id, 1, 2);
    CHECK(page.lines.size() == 2);
    CHECK(page.next == 3);
    CHECK(page.more);
    CHECK_FALSE(page.ended);
    page = sbx::runner::read_page(f.runs, id, page.next, 10);
    CHECK(page.lines.size() == 3);
    CHECK(page.next == 6);
    CHECK_FALSE(page.more);
    CHECK_FALSE(page.ended); // still running: more may come
    CHECK(sbx::runner::read_page(f.runs, id, 1, 10, Stream::err).lines.size() == 2);

    f.runs.finish(id, {.status = RunStatus::succeeded});
    CHECK(sbx::runner::read_page(f.runs, id, 6, 10).ended);
    CHECK_FALSE(sbx::runner::read_page(f.runs, id, 1, 2).ended); // ended, but lines remain

    std::vector<std::int64_t> seen;
    auto record = sbx::runner::follow(f.runs, id, 2, std::nullopt, [&](const OutputLine& line) {
        seen.push_back(line.seq);
        return true;
    });
    CHECK(seen == std::vector<std::int64_t>{2, 3, 4, 5});
    CHECK(record.status == RunStatus::succeeded);
    CHECK_THROWS_AS(sbx::runner::read_page(f.runs, 999, 1, 10), sbx::Error);
}

TEST_CASE("a run records the OCI runtime it is made for", "[run-store]")
{
    Fixture f;
    NewRun run{std::nullopt, "python-3.11", "podman", "{}", "{}"};
    run.oci_runtime = "/usr/bin/runsc";
    auto id = f.runs.create(run).id;
    CHECK(f.runs.get(id).oci_runtime == "/usr/bin/runsc");
    CHECK(f.runs.list({}).at(0).oci_runtime == "/usr/bin/runsc");
    f.new_run();
    auto stats = f.runs.stats({});
    REQUIRE(stats.by_status.size() == 2);
    CHECK(stats.by_status[0].oci_runtime == "/usr/bin/runsc");
    CHECK(stats.by_status[1].oci_runtime == "runsc");

    // A run that does not say is a bug of its caller: the record must.
    run.oci_runtime.clear();
    CHECK_THROWS_MATCHES(f.runs.create(run), sbx::Error,
                         Catch::Matchers::Predicate<sbx::Error>(
                             [](const sbx::Error& e) { return e.kind() == sbx::ErrorKind::internal; }));
    CHECK(f.runs.list({}).size() == 2);
}

TEST_CASE("runs recorded before the OCI runtime was kept read as not known", "[run-store]")
{
    sbx::test::TempDir dir;
    auto path = dir.path() / "sbx.db";
    const auto& all = schema_migrations();
    {
        std::vector<Migration> before(all.begin(), all.begin() + 4);
        REQUIRE(before.back().version == 4);
        Database old(path, before);
        old.sql().exec("INSERT INTO runs (runtime, engine, status, limits, request) "
                       "VALUES ('python-3.11', 'podman', 'succeeded', '{}', '{}')");
    }
    Database db(path);
    RunStore runs(db);
    CHECK(runs.get(1).oci_runtime.empty());
    CHECK(runs.get(1).engine == "podman");
    CHECK(sbx::runner::run_json(runs, runs.get(1))["oci_runtime"].is_null());
}
