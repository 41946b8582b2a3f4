// runsc's own exec: reading a sandbox process's command line, the process spec and argv of
// an exec, and handle()/exec_attached() through a recording runner.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>

#include "engine/engine.hpp"
#include "engine/runsc_exec.hpp"
#include "error.hpp"
#include "error_kind.hpp"
#include "temp_dir.hpp"

using namespace sbx::engine;
using Argv = std::vector<std::string>;
using nlohmann::json;
using sbx::process::RecordingRunner;

using sbx::test::kind_of;

namespace {

const std::string podman_id = "5d22228661a4e2e103734392b8f64033a3fe1cd5cab2e4690dc82bf410cf6501";
const std::string docker_id = "969b66342892d7b843e26415c4051dfc1b32d11a89b18036716bbcc9b23286d3";

std::string cmdline(const Argv& args)
{
    std::string text;
    for (const auto& arg : args)
        text += arg + '\0';
    return text;
}

// As read from /proc/PID/cmdline here (runsc 20221219; most boot flags left out).
const std::string podman_sandbox =
    cmdline({"runsc-sandbox", "--root=/var/run/runsc",
             "--log=/run/containers/storage/overlay-containers/" + podman_id + "/userdata/oci-log", "--log-format=json",
             "--network=none", "--log-fd=3", "boot", "--proc-mount-sync-fd=23",
             "--bundle=/var/lib/containers/storage/overlay-containers/" + podman_id + "/userdata", "--cpu-num", "2",
             "--stdio-fds=13", "--stdio-fds=14", "--stdio-fds=15", podman_id});
const std::string docker_sandbox =
    cmdline({"runsc-sandbox", "--root=/var/run/docker/runtime-runc/moby",
             "--log=/var/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/" + docker_id + "/log.json",
             "--log-format=json", "--network=none", "--log-fd=3", "boot", "--proc-mount-sync-fd=22",
             "--bundle=/var/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/" + docker_id, "--cpu-num",
             "2", "--stdio-fds=14", docker_id});

std::string message_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const sbx::Error& e) {
        return e.what();
    }
    return {};
}

const SandboxHandle pooled{"sbx-pool-1", "abc123", 4242, "/usr/bin/runsc", "/var/run/runsc"};

} // namespace

TEST_CASE("runsc's sandbox process tells the binary, root and sandbox of both engines", "[engine]")
{
    RunscSandboxProcess p = parse_runsc_sandbox(podman_sandbox, "/usr/bin/runsc");
    CHECK(p.runsc == "/usr/bin/runsc");
    CHECK(p.root == "/var/run/runsc");
    CHECK(p.sandbox_id == podman_id);

    RunscSandboxProcess d = parse_runsc_sandbox(docker_sandbox, "/usr/bin/runsc");
    CHECK(d.root == "/var/run/docker/runtime-runc/moby");
    CHECK(d.sandbox_id == docker_id);
}

TEST_CASE("--root is read in each of Go's flag forms, among the global flags only", "[engine]")
{
    for (const Argv& root : std::vector<Argv>{{"--root", "/r"}, {"--root=/r"}, {"-root", "/r"}, {"-root=/r"}}) {
        Argv args = {"runsc-sandbox", "--debug"};
        args.insert(args.end(), root.begin(), root.end());
        args.insert(args.end(), {"--network=none", "boot", "--bundle=/b", "ID"});
        INFO(root.front());
        CHECK(parse_runsc_sandbox(cmdline(args), "/opt/runsc").root == "/r");
    }
    // The last one wins, as with Go's flag package; a flag named like it is not it.
    CHECK(parse_runsc_sandbox(cmdline({"runsc-sandbox", "--root=/a", "--root", "/b", "boot", "ID"}), "/x").root ==
          "/b");
    CHECK(kind_of([] {
              parse_runsc_sandbox(cmdline({"runsc-sandbox", "--rootless", "boot", "ID"}), "/usr/bin/runsc");
          }) == sbx::ErrorKind::unavailable);
    // boot's own flags are not runsc's root.
    CHECK(kind_of([] {
              parse_runsc_sandbox(cmdline({"runsc-sandbox", "--log=/l", "boot", "--root=/r", "ID"}), "/usr/bin/runsc");
          }) == sbx::ErrorKind::unavailable);
}

TEST_CASE("a process that is not runsc's sandbox, or names no usable root, is refused", "[engine]")
{
    auto refused = [](const std::string& text, const std::filesystem::path& exe = "/usr/bin/runsc") {
        return kind_of([&] { parse_runsc_sandbox(text, exe); });
    };
    CHECK(refused("") == sbx::ErrorKind::unavailable);
    CHECK(refused(cmdline({"sleep", "1000"}), "/usr/bin/sleep") == sbx::ErrorKind::unavailable);
    CHECK(refused(cmdline({"runsc-gofer", "--root=/var/run/runsc", "gofer", "--bundle", "/b"})) ==
          sbx::ErrorKind::unavailable);
    CHECK(refused(cmdline({"runsc-sandbox", "--root=/var/run/runsc", "boot"})) == sbx::ErrorKind::unavailable);
    CHECK(refused(cmdline({"runsc-sandbox", "--network=none", "boot", "ID"})) == sbx::ErrorKind::unavailable);
    CHECK(refused(cmdline({"runsc-sandbox", "--root=run/runsc", "boot", "ID"})) == sbx::ErrorKind::unavailable);
    CHECK(refused(cmdline({"runsc-sandbox", "--root"})) == sbx::ErrorKind::unavailable);
    CHECK(message_of([] { parse_runsc_sandbox(podman_sandbox, "/usr/bin/runsc (deleted)"); }).find("replaced") !=
          std::string::npos);
    CHECK(message_of([] {
              parse_runsc_sandbox(cmdline({"conmon", "-c", "x"}), "/usr/bin/conmon");
          }).find("gVisor") != std::string::npos);
}

TEST_CASE("without /proc/PID/exe the binary is argv[0] of an older runsc, or unknown", "[engine]")
{
    CHECK(parse_runsc_sandbox(cmdline({"/usr/local/bin/runsc", "--root=/r", "boot", "ID"}), "").runsc ==
          "/usr/local/bin/runsc");
    CHECK(kind_of([] { parse_runsc_sandbox(podman_sandbox, ""); }) == sbx::ErrorKind::unavailable);
}

TEST_CASE("an exec's process spec is exactly its argv, env, user and cwd, with nothing more", "[engine]")
{
    ExecSpec spec;
    spec.argv = {"sh", "-c", "echo $FOO; id -u", "a b"};
    spec.env = {{"FOO", "bar"}, {"PATH", "/usr/bin:/bin"}, {"EMPTY", ""}, {"EQ", "x=y"}};
    spec.user = "10001:10002";
    spec.cwd = "/work/src";
    json expected = {
        {"terminal", false},
        {"user", {{"uid", 10001}, {"gid", 10002}}},
        {"args", {"sh", "-c", "echo $FOO; id -u", "a b"}},
        {"env", {"EMPTY=", "EQ=x=y", "FOO=bar", "PATH=/usr/bin:/bin"}},
        {"cwd", "/work/src"},
        {"capabilities",
         {{"bounding", json::array()},
          {"effective", json::array()},
          {"inheritable", json::array()},
          {"permitted", json::array()},
          {"ambient", json::array()}}},
        {"noNewPrivileges", true},
    };
    CHECK(json::parse(exec_process_json(spec)) == expected);

    CHECK(runsc_exec_argv(pooled, "/run/sbx/exec/spec-1") ==
          Argv{"/usr/bin/runsc", "--root", "/var/run/runsc", "exec", "--process", "/run/sbx/exec/spec-1", "abc123"});
}

TEST_CASE("an exec that cannot be said exactly is refused", "[engine]")
{
    auto refused = [](const std::function<void(ExecSpec&)>& change) {
        ExecSpec spec;
        spec.argv = {"true"};
        change(spec);
        return kind_of([&] { exec_process_json(spec); });
    };
    using sbx::ErrorKind;
    CHECK(refused([](ExecSpec& s) { s.argv.clear(); }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.argv.push_back(std::string("a\0b", 3)); }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.env["K"] = std::string("a\0b", 3); }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.env[std::string("K\0", 2)] = "v"; }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.env["A=B"] = "v"; }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.env[""] = "v"; }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.argv.push_back("\xff"); }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.user = "alice"; }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.user = "10000"; }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.user = "10000:"; }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.user = "-1:0"; }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.user = "99999999999:0"; }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.cwd = "work"; }) == ErrorKind::usage);
    CHECK(refused([](ExecSpec& s) { s.cwd = ""; }) == ErrorKind::usage);
    ExecSpec plain;
    plain.argv = {"true"};
    CHECK_NOTHROW(exec_process_json(plain));
}

namespace {

// An engine whose CLI is never run: the runner stands in `stand_in` for every command.
struct ExecFixture {
    sbx::test::TempDir work_dir;
    std::shared_ptr<RecordingRunner> runner;
    std::unique_ptr<Engine> engine;
    explicit ExecFixture(const std::string& engine_name, std::string stand_in_script = "true")
        : runner(std::make_shared<RecordingRunner>(
              sbx::process::Command{{"sh", "-c", stand_in_script, work_dir.path().string()}, {}})),
          engine(make_engine(EngineConfig{engine_name, "runsc", {}, "test", work_dir.path()}, runner))
    {
    }
    std::filesystem::path exec_dir() const { return work_dir.path() / "exec"; }
};

bool is_empty_dir(const std::filesystem::path& dir)
{
    return std::filesystem::is_directory(dir) && std::filesystem::is_empty(dir);
}

} // namespace

TEST_CASE("exec through a handle runs runsc exec past the engine, the spec through a pipe", "[engine]")
{
    for (const char* engine_name : {"podman", "docker"}) {
        INFO(engine_name);
        // The stand-in reads the process spec as runsc would, and prints it.
        ExecFixture f(engine_name, "exec cat \"$0\"/exec/spec-*");
        ExecSpec spec;
        spec.argv = {"python3", "main.py"};
        spec.env = {{"FOO", "bar"}};
        sbx::process::Pipe in = sbx::process::make_pipe();
        sbx::process::Child child = f.engine->exec_attached(pooled, spec, in.read.get());
        sbx::process::Captured got = sbx::process::collect(child);
        CHECK(got.status.success());
        CHECK(json::parse(got.out) == json::parse(exec_process_json(spec)));

        REQUIRE(f.runner->commands().size() == 1);
        const sbx::process::Command& command = f.runner->commands()[0];
        REQUIRE(command.argv.size() == 7);
        std::filesystem::path fifo = command.argv[5];
        CHECK(fifo.parent_path() == f.exec_dir());
        CHECK(command.argv == runsc_exec_argv(pooled, fifo));
        // The engine CLI's cleared environment and working directory, nothing else.
        CHECK_FALSE(command.env.contains("FOO"));
        CHECK(command.cwd == f.work_dir.path());
        // Nothing of the spec is left on disk.
        CHECK(is_empty_dir(f.exec_dir()));
    }
}

TEST_CASE("a runsc exec that fails before it reads its spec hands back its own exit", "[engine]")
{
    ExecFixture f("podman", "echo 'runsc: no such sandbox' >&2; exit 128");
    ExecSpec spec;
    spec.argv = {"true"};
    sbx::process::Child child = f.engine->exec_attached(pooled, spec);
    sbx::process::Captured got = sbx::process::collect(child);
    CHECK(got.status.code == 128);
    CHECK(got.err == "runsc: no such sandbox\n");
    CHECK(is_empty_dir(f.exec_dir()));
}

TEST_CASE("an exec through a handle that cannot be said exactly runs nothing", "[engine]")
{
    ExecFixture f("docker");
    ExecSpec spec;
    spec.argv = {"echo", std::string("a\0b", 3)};
    CHECK(kind_of([&] { f.engine->exec_attached(pooled, spec); }) == sbx::ErrorKind::usage);
    spec.argv.clear();
    CHECK(kind_of([&] { f.engine->exec_attached(pooled, spec); }) == sbx::ErrorKind::usage);
    spec.argv = {"true"};
    CHECK(kind_of([&] { f.engine->exec_attached(SandboxHandle{}, spec); }) == sbx::ErrorKind::usage);
    CHECK(f.runner->commands().empty());

    auto no_work_dir = make_engine(EngineConfig{"docker", "runsc", {}, "test"}, f.runner);
    CHECK(kind_of([&] { no_work_dir->exec_attached(pooled, spec); }) == sbx::ErrorKind::config);
}

namespace {

// A process that looks like runsc's sandbox process of container `id` with root `root`.
sbx::process::Child fake_sandbox_process(const std::filesystem::path& root, const std::string& id)
{
    sbx::process::SpawnOptions options;
    options.stdout_sink = options.stderr_sink = sbx::process::Sink::null;
    // "; :" keeps sh from exec'ing sleep, which would change the command line.
    return sbx::process::spawn(
        {{"bash", "-c", "exec -a runsc-sandbox sh -c 'sleep 60; :' --root=\"$0\" boot \"$1\"", root.string(), id},
         {{"PATH", "/usr/bin:/bin"}}},
        options);
}

// Waits until `pid` has exec'd into a command line that starts with `part`.
void await_cmdline(pid_t pid, const std::string& part)
{
    for (int i = 0; i < 500; ++i) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
        std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (text.starts_with(part))
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("process " << pid << " never showed " << part);
}

std::string inspect_json(const std::string& id, const std::string& status, int pid)
{
    return json::array({{{"Id", id},
                         {"Name", "sbx-pool-1"},
                         {"State", {{"Status", status}, {"Pid", pid}}},
                         {"OCIRuntime", "runsc"}}})
        .dump();
}

} // namespace

TEST_CASE("handle() reads the sandbox process the engine names; is_alive() follows it", "[engine]")
{
    ExecFixture f("podman");
    sbx::test::TempDir root;
    const std::string id = "feedc0de";
    sbx::process::Child sandbox = fake_sandbox_process(root.path(), id);
    await_cmdline(sandbox.pid(), "runsc-sandbox");

    f.runner->reply(0, inspect_json(id, "running", sandbox.pid()));
    SandboxHandle handle = f.engine->handle("sbx-pool-1");
    CHECK(f.runner->argvs().back() ==
          Argv{"podman", "--runtime=runsc", "--runtime-flag=network=none", "container", "inspect", "sbx-pool-1"});
    CHECK(handle.name == "sbx-pool-1");
    CHECK(handle.container_id == id);
    CHECK(handle.sandbox_pid == sandbox.pid());
    CHECK(handle.runsc_root == root.path());
    CHECK(handle.runsc.filename() != "");
    CHECK(is_alive(handle));

    // The pid is someone else's sandbox now: not this one, whatever it runs.
    SandboxHandle other = handle;
    other.container_id = "0ther";
    CHECK_FALSE(is_alive(other));
    f.runner->reply(0, inspect_json("0ther", "running", sandbox.pid()));
    CHECK(kind_of([&] { f.engine->handle("sbx-pool-1"); }) == sbx::ErrorKind::unavailable);

    sandbox.kill(SIGKILL);
    sandbox.wait();
    CHECK_FALSE(is_alive(handle));
    CHECK_FALSE(is_alive(SandboxHandle{}));
}

TEST_CASE("handle() of a sandbox that is not running, or not under runsc, says so", "[engine]")
{
    ExecFixture f("docker");
    f.runner->reply(0, inspect_json("abc", "exited", 0));
    CHECK(message_of([&] { f.engine->handle("sbx-pool-1"); }).find("not running") != std::string::npos);

    // A running process that is not runsc's: this test's own.
    f.runner->reply(0, inspect_json("abc", "running", static_cast<int>(::getpid())));
    CHECK(kind_of([&] { f.engine->handle("sbx-pool-1"); }) == sbx::ErrorKind::unavailable);

    f.runner->reply(1, "", "Error: No such container: sbx-pool-1");
    CHECK(kind_of([&] { f.engine->handle("sbx-pool-1"); }) == sbx::ErrorKind::not_found);

    // A root that is not there.
    sbx::process::Child sandbox = fake_sandbox_process("/nonexistent/runsc-root", "abc");
    await_cmdline(sandbox.pid(), "runsc-sandbox");
    f.runner->reply(0, inspect_json("abc", "running", sandbox.pid()));
    std::string missing_root = message_of([&] { f.engine->handle("sbx-pool-1"); });
    INFO(missing_root);
    CHECK(missing_root.find("/nonexistent/runsc-root") != std::string::npos);
}
