#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include <sys/stat.h>

#include <csignal>

#include "engine/sandbox_cgroup.hpp"
#include "error.hpp"
#include "process/child.hpp"
#include "runner/host_slots.hpp"
#include "runner/limits.hpp"
#include "runner/output_recorder.hpp"
#include "runner/run_disk.hpp"
#include "runner/snapshot_dir.hpp"
#include "temp_dir.hpp"

using namespace sbx::runner;
using sbx::store::OutputLine;
using sbx::store::Stream;

namespace {

struct Recorded {
    std::vector<OutputLine> lines;
    std::int64_t bytes = 0;
    int batches = 0;
    std::string live;

    OutputRecorder recorder(std::uint64_t cap)
    {
        return OutputRecorder(
            cap,
            [this](const std::vector<OutputLine>& batch, std::int64_t n) {
                lines.insert(lines.end(), batch.begin(), batch.end());
                bytes += n;
                ++batches;
            },
            [this](Stream, std::string_view b) { live.append(b); });
    }
};

sbx::config::Limits runtime_limits()
{
    sbx::config::Limits l;
    l.memory = 256 << 20;
    l.cpus = 1;
    l.pids = 256;
    l.wall_time = std::chrono::seconds(10);
    l.compile_time = std::chrono::seconds(60);
    l.output_bytes = 1 << 20;
    l.disk = 64 << 20;
    return l;
}

} // namespace

TEST_CASE("requested limits replace the runtime's within the caps", "[limits]")
{
    auto caps = runtime_limits();
    caps.memory = 1 << 30;
    LimitRequest request;
    request.memory = 512 << 20;
    request.wall_time = std::chrono::seconds(5);
    auto l = resolve_limits(runtime_limits(), caps, request);
    CHECK(l.memory == 512 << 20);
    CHECK(l.wall_time == std::chrono::seconds(5));
    CHECK(l.pids == 256);

    request.memory = 2ull << 30;
    try {
        resolve_limits(runtime_limits(), caps, request);
        FAIL("expected a usage error");
    } catch (const sbx::Error& e) {
        CHECK(e.kind() == sbx::ErrorKind::usage);
        CHECK(e.field() == "memory");
        CHECK(std::string(e.what()) == "memory 2G is above the admin cap of 1G (caps.memory in sbx.toml)");
    }
    CHECK_THROWS_WITH(resolve_limits(runtime_limits(), caps, {.cpus = 0.0}), "cpus must be greater than 0");
}

TEST_CASE("output becomes numbered lines per stream, in arrival order", "[output]")
{
    Recorded r;
    auto rec = r.recorder(1 << 20);
    CHECK(rec.feed(Stream::out, "one\n\ntw"));
    CHECK(rec.feed(Stream::err, "oops\n"));
    CHECK(rec.feed(Stream::out, "o\nlast"));
    rec.finish();
    REQUIRE(r.lines.size() == 5);
    CHECK(r.lines[0].data == "one");
    CHECK(r.lines[1].data.empty()); // an empty line is an empty line
    CHECK(r.lines[1].eol);
    CHECK(r.lines[2].stream == Stream::err);
    CHECK(r.lines[3].data == "two");
    CHECK(r.lines[4].data == "last");
    CHECK_FALSE(r.lines[4].eol); // final line without newline is marked
    for (std::size_t i = 0; i < r.lines.size(); ++i)
        CHECK(r.lines[i].seq == static_cast<std::int64_t>(i + 1));
    CHECK(r.bytes == 18);
    CHECK(r.live == "one\n\ntwoops\no\nlast");
    CHECK_FALSE(rec.truncated());
}

TEST_CASE("bytes that are not UTF-8 pass through untouched", "[output]")
{
    Recorded r;
    auto rec = r.recorder(100);
    std::string bytes("\xff\xfe\x00\x80\n", 5);
    rec.feed(Stream::out, bytes);
    rec.finish();
    CHECK(r.lines.at(0).data == bytes.substr(0, 4));
}

TEST_CASE("output past the cap is cut with a marker", "[output]")
{
    Recorded r;
    auto rec = r.recorder(10);
    CHECK(rec.feed(Stream::out, "12345\n"));
    CHECK_FALSE(rec.feed(Stream::out, "67890abc\n"));
    CHECK_FALSE(rec.feed(Stream::out, "more\n"));
    CHECK(rec.truncated());
    rec.finish();
    REQUIRE(r.lines.size() == 3);
    CHECK(r.lines[1].data == "6789");
    CHECK_FALSE(r.lines[1].eol);
    CHECK(r.lines[2].stream == Stream::sbx);
    CHECK(r.lines[2].data == "[sbx: output cut here: the run reached its output limit of 10 bytes]");
    CHECK(r.bytes == 10);
    CHECK(r.live.starts_with("12345\n6789\n[sbx: output cut here")); // the marker gets a line of its own
}

TEST_CASE("a line longer than a row is split, so memory stays bounded", "[output]")
{
    Recorded r;
    auto rec = r.recorder(1 << 30);
    std::string chunk(50'000, 'x');
    for (int i = 0; i < 4; ++i)
        rec.feed(Stream::out, chunk);
    rec.feed(Stream::out, "\n");
    rec.finish();
    REQUIRE(r.lines.size() == 4);
    CHECK(r.lines[0].data.size() == OutputRecorder::max_row_bytes);
    CHECK_FALSE(r.lines[0].eol);
    CHECK(r.lines[3].eol);
    std::size_t total = 0;
    for (const auto& l : r.lines)
        total += l.data.size();
    CHECK(total == 200'000);
}

TEST_CASE("lines are batched, not written one by one", "[output]")
{
    Recorded r;
    auto rec = r.recorder(1 << 30);
    for (int i = 0; i < 1000; ++i)
        rec.feed(Stream::out, "line\n");
    rec.flush_if_due(); // too soon: nothing due yet
    CHECK(r.batches == 0);
    rec.finish();
    CHECK(r.batches == 1);
    CHECK(r.lines.size() == 1000);
}

TEST_CASE("slots: at most N held at once, released when the lease goes", "[slots]")
{
    sbx::test::TempDir dir;
    auto a = try_acquire_slot(dir.path(), 2);
    auto b = try_acquire_slot(dir.path(), 2);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->index() != b->index());
    CHECK_FALSE(try_acquire_slot(dir.path(), 2));
    a.reset();
    CHECK(try_acquire_slot(dir.path(), 2));
}

TEST_CASE("a lock file shows whether its holder is alive", "[slots]")
{
    sbx::test::TempDir dir;
    auto path = dir.path() / "supervisor.lock";
    {
        auto held = try_lock_file(path);
        REQUIRE(held);
        CHECK_FALSE(try_lock_file(path));
    }
    CHECK(try_lock_file(path));
}

TEST_CASE("a snapshot holds the files and refuses unsafe names", "[snapshot]")
{
    sbx::test::TempDir dir;
    SnapshotDir snapshot(dir.path(), 42);
    CHECK(snapshot.root() == dir.path() / "runs/42");
    snapshot.add_file("main.py", "print(1)\n");
    snapshot.add_file("pkg/util.py", "x = 1\n");
    snapshot.set_stdin("input");
    struct stat st {};
    REQUIRE(stat((snapshot.src() / "pkg/util.py").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
    CHECK_THROWS_WITH(snapshot.add_file("main.py", "again"), Catch::Matchers::Contains("File exists"));
    for (std::string bad : std::vector<std::string>{"/etc/passwd", "../x", "a/../../x", "a/./b", "a\nb", "", "dir/"})
        CHECK_THROWS_AS(snapshot.add_file(bad, "x"), sbx::Error);
    CHECK_THROWS_WITH(check_relative_path("../x", {}), Catch::Matchers::Contains("contains '..'"));
    CHECK_THROWS_WITH(check_relative_path("a//b", {}), Catch::Matchers::Contains("not in normal form ('a/b')"));

    // A symlink planted in the snapshot is removed, never followed.
    auto outside = dir.write("outside/keep.txt", "keep");
    std::filesystem::create_symlink(outside.parent_path(), snapshot.src() / "link");
    remove_snapshot(snapshot.root());
    CHECK_FALSE(std::filesystem::exists(snapshot.root()));
    CHECK(std::filesystem::exists(outside));
    remove_snapshot(snapshot.root()); // twice is fine
}

TEST_CASE("a snapshot never writes through a planted symlink", "[snapshot]")
{
    sbx::test::TempDir dir;
    SnapshotDir snapshot(dir.path(), 1);
    auto target = dir.write("target.txt", "original");
    std::filesystem::create_symlink(target, snapshot.src() / "main.py");
    CHECK_THROWS_AS(snapshot.add_file("main.py", "evil"), sbx::Error);
    std::ifstream in(target);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(content == "original");
}

TEST_CASE("kill_processes kills the sandbox's processes in the run's cgroup, not conmon's", "[cgroup]")
{
    sbx::test::TempDir dir;
    dir.write("memory/tasks", "");
    dir.write("cpuacct/tasks", "");
    auto cgroup = sbx::engine::SandboxCgroup::create("test", 8, dir.path());
    REQUIRE(cgroup);
    auto sandbox = sbx::process::spawn({{"sleep", "60"}, {}}, {});
    auto monitor = sbx::process::spawn({{"sleep", "60"}, {}}, {});
    dir.write("memory/sbx-test/run-8/libpod-1/cgroup.procs", std::to_string(sandbox.pid()) + "\n");
    dir.write("memory/sbx-test/run-8/conmon/cgroup.procs", std::to_string(monitor.pid()) + "\n");
    CHECK(cgroup->kill_processes() == 1);
    CHECK(sandbox.wait().signal == SIGKILL);
    CHECK(::kill(monitor.pid(), 0) == 0); // spared
    monitor.kill(SIGKILL);
    monitor.wait();
    for (const char* leftover : {"libpod-1", "conmon"})
        std::filesystem::remove(dir.path() / "memory/sbx-test/run-8" / leftover / "cgroup.procs");
}

TEST_CASE("a pooled sandbox's cgroup outlives its maker, counts from a claim and is gc'd by kind", "[cgroup]")
{
    sbx::test::TempDir dir;
    dir.write("memory/tasks", "");
    dir.write("cpuacct/tasks", "");
    {
        auto cgroup = sbx::engine::SandboxCgroup::create("test", "pool-3", dir.path());
        REQUIRE(cgroup);
        CHECK(cgroup->parent() == "/sbx-test/pool-3");
        cgroup->leave_in_place();
    }
    REQUIRE(std::filesystem::exists(dir.path() / "memory/sbx-test/pool-3"));
    auto claimed = sbx::engine::SandboxCgroup::create("test", "pool-3", dir.path()); // opens it
    REQUIRE(claimed);
    dir.write("cpuacct/sbx-test/pool-3/cpuacct.usage", "250000000\n"); // boot and warm-up: 250 ms
    dir.write("memory/sbx-test/pool-3/memory.max_usage_in_bytes", "20000000\n");
    claimed->start_counting();
    // A real cgroup sets the peak to the usage now; the file here just shows it was written.
    std::ifstream peak(dir.path() / "memory/sbx-test/pool-3/memory.max_usage_in_bytes");
    std::string written((std::istreambuf_iterator<char>(peak)), std::istreambuf_iterator<char>());
    CHECK(written == "0");
    dir.write("cpuacct/sbx-test/pool-3/cpuacct.usage", "1250000000\n");
    CHECK(claimed->usage().cpu_ms == 1000);
    claimed->leave_in_place();

    auto ended = [](std::int64_t id) { return id == 3; };
    CHECK(sbx::engine::SandboxCgroup::remove_stale("test", "run", ended, true, dir.path()).empty());
    CHECK(sbx::engine::SandboxCgroup::remove_stale("test", "pool", ended, true, dir.path()).size() == 2);
}

TEST_CASE("a run's cgroup is made, read and removed", "[cgroup]")
{
    sbx::test::TempDir dir;
    CHECK_FALSE(sbx::engine::SandboxCgroup::create("test", 7, dir.path())); // no v1 hierarchies here
    dir.write("memory/tasks", "");
    dir.write("cpuacct/tasks", "");
    dir.write("pids/tasks", "");
    {
        auto cgroup = sbx::engine::SandboxCgroup::create("test", 7, dir.path());
        REQUIRE(cgroup);
        CHECK(cgroup->parent() == "/sbx-test/run-7");
        CHECK_FALSE(cgroup->usage().cpu_ms); // nothing written yet
        dir.write("cpuacct/sbx-test/run-7/cpuacct.usage", "1234567890\n");
        dir.write("memory/sbx-test/run-7/memory.max_usage_in_bytes", "21417984\n");
        std::filesystem::create_directories(dir.path() / "memory/sbx-test/run-7/conmon");
        std::filesystem::create_directories(dir.path() / "pids/sbx-test/run-7/conmon"); // made by the engine
        auto usage = cgroup->usage();
        CHECK(usage.cpu_ms == 1234);
        CHECK(usage.peak_memory_bytes == 21417984);
        // Real cgroup files vanish with rmdir; here they must go first.
        std::filesystem::remove(dir.path() / "cpuacct/sbx-test/run-7/cpuacct.usage");
        std::filesystem::remove(dir.path() / "memory/sbx-test/run-7/memory.max_usage_in_bytes");
    }
    CHECK_FALSE(std::filesystem::exists(dir.path() / "memory/sbx-test/run-7"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "cpuacct/sbx-test/run-7"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "pids/sbx-test/run-7"));

    std::filesystem::create_directories(dir.path() / "pids/sbx-test/run-8/conmon");
    std::filesystem::create_directories(dir.path() / "memory/sbx-test/run-9");
    auto removed = sbx::engine::SandboxCgroup::remove_stale(
        "test", "run", [](std::int64_t id) { return id == 8; }, false, dir.path());
    CHECK(removed == std::vector<std::string>{(dir.path() / "pids/sbx-test/run-8").string()});
    CHECK(std::filesystem::exists(dir.path() / "memory/sbx-test/run-9"));
}

TEST_CASE("gc kills what is left in an ended run's cgroups without the engine, sparing conmon", "[cgroup]")
{
    sbx::test::TempDir dir;
    dir.write("memory/tasks", "");
    dir.write("pids/tasks", "");
    auto sandbox = sbx::process::spawn({{"sleep", "60"}, {}}, {});
    auto gofer = sbx::process::spawn({{"sleep", "60"}, {}}, {});
    auto monitor = sbx::process::spawn({{"sleep", "60"}, {}}, {});
    auto live = sbx::process::spawn({{"sleep", "60"}, {}}, {});
    dir.write("memory/sbx-test/run-8/docker-1/cgroup.procs", std::to_string(sandbox.pid()) + "\n");
    dir.write("pids/sbx-test/run-8/cgroup.procs", std::to_string(gofer.pid()) + "\n");
    dir.write("pids/sbx-test/run-8/conmon/cgroup.procs", std::to_string(monitor.pid()) + "\n");
    dir.write("memory/sbx-test/run-9/cgroup.procs", std::to_string(live.pid()) + "\n");
    auto ended = [](std::int64_t id) { return id == 8; };

    CHECK(sbx::engine::SandboxCgroup::kill_stale("test", "run", ended, true, dir.path()) ==
          std::map<std::int64_t, std::size_t>{{8, 2}});
    CHECK(::kill(sandbox.pid(), 0) == 0); // a dry run kills nothing

    // Real cgroup files go with their processes; here the test takes them away once killed.
    std::thread reaper([&] {
        CHECK(sandbox.wait().signal == SIGKILL);
        CHECK(gofer.wait().signal == SIGKILL);
        std::filesystem::remove(dir.path() / "memory/sbx-test/run-8/docker-1/cgroup.procs");
        std::filesystem::remove(dir.path() / "pids/sbx-test/run-8/cgroup.procs");
    });
    CHECK(sbx::engine::SandboxCgroup::kill_stale("test", "run", ended, false, dir.path()) ==
          std::map<std::int64_t, std::size_t>{{8, 2}});
    reaper.join();
    // The monitor reports the end to its engine, and leaves by itself.
    CHECK(::kill(monitor.pid(), 0) == 0);
    monitor.kill(SIGKILL);
    monitor.wait();
    std::filesystem::remove(dir.path() / "pids/sbx-test/run-8/conmon/cgroup.procs");
    CHECK(sbx::engine::SandboxCgroup::remove_stale("test", "run", ended, false, dir.path()).size() == 2);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "memory/sbx-test/run-8"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "pids/sbx-test/run-8"));
    // A run still going is not touched.
    CHECK(::kill(live.pid(), 0) == 0);
    live.kill(SIGKILL);
    live.wait();
    std::filesystem::remove(dir.path() / "memory/sbx-test/run-9/cgroup.procs");
}

TEST_CASE("a run's disk caps bytes and files, and is unmounted however the run ends", "[disk]")
{
    sbx::test::TempDir dir;
    const auto work = dir.path() / "runs" / "7" / "work";
    const auto tmp = dir.path() / "runs" / "7" / "tmp";
    auto mounted = [](const std::filesystem::path& p) {
        std::ifstream mountinfo("/proc/self/mountinfo");
        std::string all((std::istreambuf_iterator<char>(mountinfo)), {});
        return all.find(" " + std::filesystem::weakly_canonical(p).string() + " ") != std::string::npos;
    };
    CHECK(RunDisk::files_for(64 * 1024 * 1024) == 16384);
    CHECK(RunDisk::files_for(1024 * 1024) == 1024);
    {
        RunDisk disk({work, tmp}, 1024 * 1024);
        CHECK(mounted(work));
        CHECK(mounted(tmp));
        struct stat st {};
        REQUIRE(::stat(tmp.c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 01777);
        CHECK(st.st_uid == 10000);
        std::size_t made = 0;
        for (; made < 5000; ++made)
            if (!std::ofstream(work / ("f" + std::to_string(made))))
                break;
        CHECK(made < 1024); // the root inode counts as one
        CHECK(made > 1000);
    }
    CHECK_FALSE(mounted(work));
    CHECK_FALSE(mounted(tmp));

    // A supervisor that died left its disk: removing the snapshot unmounts it first.
    auto left = std::make_unique<RunDisk>(std::vector<std::filesystem::path>{work}, 1024 * 1024);
    std::ofstream(work / "kept") << "x";
    remove_snapshot(dir.path() / "runs" / "7");
    CHECK_FALSE(mounted(work));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "runs" / "7"));
    left.reset(); // unmounting again is harmless
}
