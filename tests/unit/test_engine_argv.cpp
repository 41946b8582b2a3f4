// Golden tests: the exact command lines each engine driver builds, through a recording runner.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <sys/stat.h>

#include "engine/engine.hpp"
#include "engine/sandbox_etc.hpp"
#include "error.hpp"
#include "error_kind.hpp"
#include "temp_dir.hpp"

using namespace sbx::engine;
using Argv = std::vector<std::string>;
using sbx::process::RecordingRunner;

using sbx::test::kind_of;

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;

SandboxSpec representative_spec()
{
    SandboxSpec spec;
    spec.name = "sbx-test-42";
    spec.run_id = "42";
    spec.image = "localhost/sbx/python:3.11";
    spec.argv = {"python3", "main.py", "--verbose"};
    spec.env = {{"LANG", "C.UTF-8"}, {"GREETING", "hello world; $(rm -rf /)"}};
    spec.labels = {{"sbx.project", "7"}};
    spec.binds = {{"/var/lib/sbx/runs/42/src", "/src", true}, {"/var/lib/sbx/runs/42/out", "/out", false}};
    spec.tmpfs = {{"/work", 64 * MiB, true}, {"/tmp", 16 * MiB, false}};
    spec.limits = {256 * MiB, 1.5, 512, 1024, 128};
    spec.stdin_attached = true;
    spec.cgroup_parent = "/sbx-test/run-42";
    return spec;
}

// The arguments from the label options on: the same for both engines. SANDBOX_ETC stands
// for the engine's sandbox-etc directory.
const Argv shared_create_tail_template = {
    "--network=none",
    "--read-only",
    "--cap-drop=all",
    "--security-opt=no-new-privileges",
    "--log-driver=none",
    "--user=10000:10000",
    "--workdir=/work",
    "--memory=268435456",
    "--memory-swap=268435456",
    "--cpus=1.5",
    "--pids-limit=512",
    "--ulimit=nofile=1024:1024",
    "--ulimit=nproc=128:128",
    "--tmpfs=/work:rw,exec,nosuid,nodev,size=67108864",
    "--tmpfs=/tmp:rw,noexec,nosuid,nodev,size=16777216",
    "--mount=type=bind,source=/var/lib/sbx/runs/42/src,target=/src,readonly",
    "--mount=type=bind,source=/var/lib/sbx/runs/42/out,target=/out",
    "--mount=type=bind,source=SANDBOX_ETC/resolv.conf,target=/etc/resolv.conf,readonly",
    "--mount=type=bind,source=SANDBOX_ETC/hosts,target=/etc/hosts,readonly",
    "--env=GREETING=hello world; $(rm -rf /)",
    "--env=LANG=C.UTF-8",
    "--cgroup-parent=/sbx-test/run-42",
    "--interactive",
    "localhost/sbx/python:3.11",
    "python3",
    "main.py",
    "--verbose",
};

Argv concat(Argv head, const Argv& tail)
{
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

// podman's runtime check looks for the runtime on disk: give it one, so these tests do not
// depend on what the machine has installed.
struct FakeRuntime {
    sbx::test::TempDir dir;
    std::string path;
    explicit FakeRuntime(const std::string& name = "runsc") : path(dir.write(name, "#!/bin/sh\n").string())
    {
        ::chmod(path.c_str(), 0755);
    }
};

struct Fixture {
    sbx::test::TempDir work_dir;
    std::shared_ptr<RecordingRunner> runner = std::make_shared<RecordingRunner>();
    std::unique_ptr<Engine> engine;
    Fixture(const std::string& name, const std::string& runtime, bool allow_unsandboxed = false)
        : engine(make_engine(EngineConfig{name, runtime, {}, "test", work_dir.path(), allow_unsandboxed}, runner))
    {
    }
    std::filesystem::path sandbox_etc() const { return work_dir.path() / "sandbox-etc"; }
};

// shared_create_tail_template with f's sandbox-etc directory.
Argv shared_create_tail(const Fixture& f)
{
    Argv tail = shared_create_tail_template;
    for (auto& arg : tail)
        if (auto at = arg.find("SANDBOX_ETC"); at != std::string::npos)
            arg.replace(at, 11, f.sandbox_etc().string());
    return tail;
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const char* docker_runtimes = R"({"io.containerd.runc.v2":{"path":"runc"},"runc":{"path":"runc"},)"
                              R"("runsc":{"path":"/usr/bin/runsc","runtimeArgs":["--network=none"]}})";

} // namespace

TEST_CASE("podman: create", "[engine]")
{
    FakeRuntime runsc;
    Fixture f("podman", runsc.path);
    f.runner->reply(0, "0123abcd\n");
    CHECK(f.engine->create(representative_spec()) == "0123abcd");
    Argv global = {"podman", "--runtime=" + runsc.path, "--runtime-flag=network=none"};
    Argv expected = concat(global, {"create", "--pull=never", "--name=sbx-test-42", "--label=sbx.instance=test",
                                    "--label=sbx.run=42", "--label=sbx.project=7", "--http-proxy=false",
                                    "--read-only-tmpfs=false"});
    CHECK(f.runner->argvs() == std::vector<Argv>{concat(expected, shared_create_tail(f))});
}

TEST_CASE("a tmpfs sbx mounted on the host is bound in, not made by the engine", "[engine]")
{
    FakeRuntime runsc;
    Fixture f("podman", runsc.path);
    f.runner->reply(0, "0123abcd\n");
    SandboxSpec spec = representative_spec();
    spec.tmpfs[0].host_dir = "/var/lib/sbx/runs/42/work";
    f.engine->create(spec);
    REQUIRE(f.runner->argvs().size() == 1);
    auto argv = f.runner->argvs()[0];
    CHECK(std::find(argv.begin(), argv.end(), "--mount=type=bind,source=/var/lib/sbx/runs/42/work,target=/work") !=
          argv.end());
    CHECK(std::find(argv.begin(), argv.end(), "--tmpfs=/work:rw,exec,nosuid,nodev,size=67108864") == argv.end());
    CHECK(std::find(argv.begin(), argv.end(), "--tmpfs=/tmp:rw,noexec,nosuid,nodev,size=16777216") != argv.end());
}

TEST_CASE("every sandbox gets sbx's fixed, read-only /etc/resolv.conf and /etc/hosts", "[engine]")
{
    const std::string fixed_hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
    for (const std::string name : {"podman", "docker"}) {
        INFO(name);
        FakeRuntime runsc;
        const std::string runtime = name == "podman" ? runsc.path : "runsc";
        Fixture f(name, runtime);
        if (name == "docker")
            f.runner->reply(0, docker_runtimes);
        f.runner->reply(0, "0123abcd\n");
        f.engine->create(representative_spec());
        // No name server, and no host entry: only localhost.
        CHECK(read_file(f.sandbox_etc() / "resolv.conf") == "# sbx: the sandbox has no network, so no name servers\n");
        CHECK(read_file(f.sandbox_etc() / "hosts") == fixed_hosts);
        struct stat st {};
        REQUIRE(::stat((f.sandbox_etc() / "hosts").c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 0644);
        // A file changed since is put right by the next engine, run_attached() as well.
        std::ofstream(f.sandbox_etc() / "hosts") << "10.0.0.1 host\n";
        auto runner = std::make_shared<RecordingRunner>();
        auto again = make_engine(EngineConfig{name, runtime, {}, "test", f.work_dir.path()}, runner);
        again->run_attached(representative_spec()).wait();
        CHECK(read_file(f.sandbox_etc() / "hosts") == fixed_hosts);
    }

    // A spec may not bring its own.
    for (const char* target : {"/etc/resolv.conf", "/etc/hosts", "/etc/ld.so.preload"}) {
        Fixture f("docker", "runsc");
        SandboxSpec spec = representative_spec();
        spec.binds.push_back({"/etc/resolv.conf", target, true});
        CHECK(kind_of([&] { f.engine->create(spec); }) == sbx::ErrorKind::usage);
    }
    // Nor is any sandbox made without a place for them.
    auto runner = std::make_shared<RecordingRunner>();
    auto engine = make_engine(EngineConfig{"docker", "runsc", {}, "test"}, runner);
    CHECK(kind_of([&] { engine->create(representative_spec()); }) == sbx::ErrorKind::config);
    CHECK(kind_of([&] { engine->run_attached(representative_spec()); }) == sbx::ErrorKind::config);
    CHECK(runner->argvs().empty());
}

TEST_CASE("a sandbox with sbx-preload.so mounted gets an /etc/ld.so.preload naming it; one without, none", "[engine]")
{
    const std::string preload_list =
        "--mount=type=bind,source=SANDBOX_ETC/ld.so.preload,target=/etc/ld.so.preload,readonly";
    for (bool with_preload : {true, false}) {
        INFO(with_preload);
        Fixture f("docker", "runsc");
        f.runner->reply(0, docker_runtimes);
        f.runner->reply(0, "0123abcd\n");
        SandboxSpec spec = representative_spec();
        if (with_preload)
            spec.binds.push_back({"/usr/libexec/sbx/sbx-preload.so", preload_target, true});
        f.engine->create(spec);
        auto argv = f.runner->argvs().back();
        for (auto& arg : argv)
            if (auto at = arg.find(f.sandbox_etc().string()); at != std::string::npos)
                arg.replace(at, f.sandbox_etc().string().size(), "SANDBOX_ETC");
        CHECK((std::find(argv.begin(), argv.end(), preload_list) != argv.end()) == with_preload);
        if (with_preload)
            CHECK(read_file(f.sandbox_etc() / "ld.so.preload") == std::string(preload_target) + "\n");
    }
}

TEST_CASE("docker: create checks the runtime first", "[engine]")
{
    Fixture f("docker", "runsc");
    f.runner->reply(0, docker_runtimes);
    f.runner->reply(0, "0123abcd\n");
    CHECK(f.engine->create(representative_spec()) == "0123abcd");
    Argv expected = {"docker",
                     "create",
                     "--pull=never",
                     "--name=sbx-test-42",
                     "--label=sbx.instance=test",
                     "--label=sbx.run=42",
                     "--label=sbx.project=7",
                     "--runtime=runsc"};
    CHECK(f.runner->argvs() == std::vector<Argv>{{"docker", "info", "--format={{json .Runtimes}}"},
                                                 concat(expected, shared_create_tail(f))});

    // Checked once per engine.
    f.runner->reply(0, "4567\n");
    f.engine->create(representative_spec());
    CHECK(f.runner->argvs().size() == 3);
}

TEST_CASE("podman: the other verbs", "[engine]")
{
    Fixture f("podman", "runsc");
    Argv g = {"podman", "--runtime=runsc", "--runtime-flag=network=none"};
    f.engine->start("c1");
    f.runner->reply(0, "3\n");
    CHECK(f.engine->wait("c1") == 3);
    CHECK(f.engine->kill("c1"));
    f.engine->remove("c1");
    f.engine->remove("c1", false);
    f.engine->start_remove("c1").wait();
    CHECK(f.engine->image_exists("localhost/sbx/base:bookworm"));
    f.runner->reply(0, "Getting image source signatures\nabc123\n");
    sbx::test::TempDir dir;
    auto tarball = dir.write("rootfs.tar", "");
    CHECK(f.engine->image_import(tarball, "localhost/sbx/base:bookworm") == "abc123");
    CHECK(f.runner->argvs() == std::vector<Argv>{
                                   concat(g, {"start", "c1"}),
                                   concat(g, {"wait", "c1"}),
                                   concat(g, {"kill", "--signal=9", "c1"}),
                                   concat(g, {"rm", "--force", "--volumes", "c1"}),
                                   concat(g, {"rm", "--volumes", "c1"}),
                                   concat(g, {"rm", "--force", "--volumes", "c1"}),
                                   concat(g, {"image", "inspect", "--format={{.Id}}", "localhost/sbx/base:bookworm"}),
                                   concat(g, {"import", tarball.string(), "localhost/sbx/base:bookworm"}),
                               });
}

TEST_CASE("docker: the other verbs", "[engine]")
{
    Fixture f("docker", "runsc");
    f.engine->start("c1");
    f.runner->reply(0, "137\n");
    CHECK(f.engine->wait("c1") == 137);
    CHECK(f.engine->kill("c1", SIGTERM));
    f.engine->remove("c1");
    CHECK(f.engine->image_exists("localhost/sbx/base:bookworm"));
    CHECK(f.runner->argvs() == std::vector<Argv>{
                                   {"docker", "start", "c1"},
                                   {"docker", "wait", "c1"},
                                   {"docker", "kill", "--signal=15", "c1"},
                                   {"docker", "rm", "--force", "--volumes", "c1"},
                                   {"docker", "image", "inspect", "--format={{.Id}}", "localhost/sbx/base:bookworm"},
                               });
}

TEST_CASE("start attached hands back the live CLI process", "[engine]")
{
    auto runner = std::make_shared<RecordingRunner>(sbx::process::Command{{"echo", "from the sandbox"}, {}});
    auto engine = make_engine(EngineConfig{"docker", "runsc", "/usr/bin/docker", "test"}, runner);
    sbx::process::Child child = engine->start_attached("c1");
    CHECK(sbx::process::collect(child).out == "from the sandbox\n");

    sbx::process::Pipe in = sbx::process::make_pipe();
    engine->start_attached("c2", in.read.get()).wait();
    CHECK(runner->argvs() == std::vector<Argv>{{"/usr/bin/docker", "start", "--attach", "c1"},
                                               {"/usr/bin/docker", "start", "--attach", "--interactive", "c2"}});
}

TEST_CASE("run attached is create's argv as one run --rm", "[engine]")
{
    FakeRuntime runsc;
    Fixture f("podman", runsc.path);
    sbx::process::Pipe in = sbx::process::make_pipe();
    f.engine->run_attached(representative_spec(), in.read.get()).wait();
    Argv expected = {"podman",
                     "--runtime=" + runsc.path,
                     "--runtime-flag=network=none",
                     "run",
                     "--rm",
                     "--pull=never",
                     "--name=sbx-test-42",
                     "--label=sbx.instance=test",
                     "--label=sbx.run=42",
                     "--label=sbx.project=7",
                     "--http-proxy=false",
                     "--read-only-tmpfs=false"};
    CHECK(f.runner->argvs() == std::vector<Argv>{concat(expected, shared_create_tail(f))});

    Fixture d("docker", "runsc");
    d.engine->run_attached(representative_spec()).wait();
    CHECK(d.runner->argvs().at(0) ==
          concat({"docker", "run", "--rm", "--pull=never", "--name=sbx-test-42", "--label=sbx.instance=test",
                  "--label=sbx.run=42", "--label=sbx.project=7", "--runtime=runsc"},
                 shared_create_tail(d)));
}

TEST_CASE("exec attached runs a command in a running sandbox", "[engine]")
{
    Fixture f("podman", "runsc");
    f.engine->exec_attached("c1", {"gcc", "-o", "main", "main.c"}).wait();
    sbx::process::Pipe in = sbx::process::make_pipe();
    f.engine->exec_attached("c1", {"./main", "a b"}, in.read.get()).wait();
    Argv g = {"podman", "--runtime=runsc", "--runtime-flag=network=none"};
    CHECK(f.runner->argvs() == std::vector<Argv>{concat(g, {"exec", "c1", "gcc", "-o", "main", "main.c"}),
                                                 concat(g, {"exec", "--interactive", "c1", "./main", "a b"})});
    CHECK_THROWS_AS(f.engine->exec_attached("c1", {}), sbx::Error);

    Fixture d("docker", "runsc");
    d.engine->exec_attached("c1", {"true"}).wait();
    CHECK(d.runner->argvs() == std::vector<Argv>{{"docker", "exec", "c1", "true"}});
}

TEST_CASE("list asks for this instance's labels and inspects what it finds", "[engine]")
{
    Fixture f("podman", "runsc");
    f.runner->reply(0, "aaa\nbbb\n");
    // bbb lost its label between ps and inspect; ccc was removed meanwhile.
    f.runner->reply(
        125,
        R"([{"Id":"aaa","Name":"sbx-test-42","State":{"Status":"exited","ExitCode":0},)"
        R"("Config":{"Labels":{"sbx.instance":"test","sbx.run":"42"}}},)"
        R"({"Id":"bbb","Name":"other","State":{"Status":"running"},"Config":{"Labels":{"sbx.instance":"x"}}}])",
        "Error: inspecting object: no such container ccc\n");
    auto found = f.engine->list({{"sbx.run", "42"}});
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == "aaa");
    Argv g = {"podman", "--runtime=runsc", "--runtime-flag=network=none"};
    CHECK(f.runner->argvs() ==
          std::vector<Argv>{concat(g, {"ps", "--all", "--quiet", "--no-trunc", "--filter=label=sbx.instance=test",
                                       "--filter=label=sbx.run=42"}),
                            concat(g, {"container", "inspect", "aaa", "bbb"})});

    Fixture empty("docker", "runsc");
    CHECK(empty.engine->list().empty());
    CHECK(empty.runner->argvs() ==
          std::vector<Argv>{{"docker", "ps", "--all", "--quiet", "--no-trunc", "--filter=label=sbx.instance=test"}});
}

TEST_CASE("what the engines say when things are missing or not running", "[engine]")
{
    Fixture p("podman", "runsc");
    p.runner->reply(125, "",
                    "Error: can only kill running containers. c1 is in state exited: container state improper\n");
    CHECK_FALSE(p.engine->kill("c1"));
    p.runner->reply(125, "", "Error: no container with name or ID \"c1\" found: no such container\n");
    CHECK_FALSE(p.engine->kill("c1"));
    p.runner->reply(1, "", "Error: no container with name or ID \"c1\" found: no such container\n");
    CHECK_NOTHROW(p.engine->remove("c1"));
    p.runner->reply(125, "", "Error: inspecting object: localhost/nope:1: image not known\n");
    CHECK_FALSE(p.engine->image_exists("localhost/nope:1"));
    p.runner->reply(125, "", "Error: no such container c1\n");
    CHECK(kind_of([&] { p.engine->inspect("c1"); }) == sbx::ErrorKind::not_found);
    p.runner->reply(125, "", "Error: database is locked\n");
    CHECK(kind_of([&] { p.engine->image_exists("x"); }) == sbx::ErrorKind::unavailable);
    p.runner->reply(2, "", "Error: cannot remove container c1 as it is running\n");
    CHECK(kind_of([&] { p.engine->remove("c1", false); }) == sbx::ErrorKind::conflict);

    Fixture d("docker", "runsc");
    d.runner->reply(1, "", "Error response from daemon: Cannot kill container: c1: Container c1 is not running\n");
    CHECK_FALSE(d.engine->kill("c1"));
    d.runner->reply(1, "", "Error response from daemon: no such image: x: No such image: x\n");
    CHECK_FALSE(d.engine->image_exists("x"));
    d.runner->reply(1, "", "Error response from daemon: Cannot kill container: c1: permission denied\n");
    CHECK(kind_of([&] { d.engine->kill("c1"); }) == sbx::ErrorKind::unavailable);
    d.runner->reply(1, "oops\n");
    CHECK(kind_of([&] { d.engine->wait("c1"); }) == sbx::ErrorKind::unavailable);
}

TEST_CASE("a missing OCI runtime fails closed, before any container exists", "[engine]")
{
    SECTION("podman: runtime not on disk")
    {
        Fixture f("podman", "/nonexistent/runsc");
        CHECK(kind_of([&] { f.engine->create(representative_spec()); }) == sbx::ErrorKind::unavailable);
        CHECK(f.runner->argvs().empty());
    }
    SECTION("docker: runtime not registered")
    {
        Fixture f("docker", "runsc");
        f.runner->reply(0, R"({"runc":{"path":"runc"}})");
        CHECK(kind_of([&] { f.engine->create(representative_spec()); }) == sbx::ErrorKind::unavailable);
        CHECK(f.runner->argvs().size() == 1);
    }
    SECTION("docker: runsc registered without --network=none")
    {
        Fixture f("docker", "runsc");
        f.runner->reply(0, R"({"runsc":{"path":"/usr/bin/runsc"}})");
        CHECK(kind_of([&] { f.engine->check_runtime(); }) == sbx::ErrorKind::unavailable);
    }
    SECTION("docker: daemon down")
    {
        Fixture f("docker", "runsc");
        f.runner->reply(1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n");
        CHECK(kind_of([&] { f.engine->check_runtime(); }) == sbx::ErrorKind::unavailable);
    }
}

TEST_CASE("specs that would weaken the sandbox are refused", "[engine]")
{
    FakeRuntime runsc;
    Fixture f("podman", runsc.path);
    auto refused = [&](auto change, const std::string& field) {
        SandboxSpec spec = representative_spec();
        change(spec);
        try {
            f.engine->create(spec);
        } catch (const sbx::Error& e) {
            CHECK(e.kind() == sbx::ErrorKind::usage);
            CHECK(e.field() == field);
            return;
        }
        FAIL("accepted a spec that changes " << field);
    };
    refused([](SandboxSpec& s) { s.limits.pids = 64; }, "limits");
    refused([](SandboxSpec& s) { s.limits.memory_bytes = 0; }, "limits");
    refused([](SandboxSpec& s) { s.env["A=B"] = "c"; }, "env");
    refused([](SandboxSpec& s) { s.env[""] = "c"; }, "env");
    refused([](SandboxSpec& s) { s.env["A"] = std::string("x\0y", 3); }, "spec");
    refused([](SandboxSpec& s) { s.labels["sbx.instance"] = "other"; }, "labels");
    refused([](SandboxSpec& s) { s.user = "root"; }, "user");
    refused([](SandboxSpec& s) { s.user = "0:0"; }, "user");
    refused([](SandboxSpec& s) { s.tmpfs.pop_back(); }, "tmpfs");
    refused([](SandboxSpec& s) { s.tmpfs[0].size_bytes = 0; }, "tmpfs");
    refused([](SandboxSpec& s) { s.tmpfs[0].target = "/work:exec"; }, "tmpfs");
    refused([](SandboxSpec& s) { s.binds[0].source = "/a,b"; }, "binds");
    refused([](SandboxSpec& s) { s.binds[0].target = "relative"; }, "binds");
    refused([](SandboxSpec& s) { s.workdir = "/elsewhere"; }, "workdir");
    refused([](SandboxSpec& s) { s.name = "-rm"; }, "name");
    refused([](SandboxSpec& s) { s.image = "--privileged"; }, "image");
    CHECK(f.runner->argvs().empty());

    // The pids floor is gVisor's; runc has none.
    FakeRuntime runc_binary("runc");
    Fixture runc("podman", runc_binary.path, true);
    SandboxSpec spec = representative_spec();
    spec.limits.pids = 64;
    runc.engine->create(spec);
    CHECK(runc.runner->argvs().at(0).at(1) == "--runtime=" + runc_binary.path);
    CHECK(runc.runner->argvs().at(0).at(2) == "create");
}

TEST_CASE("the engine CLI gets none of sbx's environment but what it needs", "[engine]")
{
    ::setenv("http_proxy", "http://proxy.example:3128", 1);
    ::setenv("SBX_SECRET", "hunter2", 1);
    Fixture f("podman", "runsc");
    ::unsetenv("http_proxy");
    ::unsetenv("SBX_SECRET");
    f.engine->start("c1");
    const auto& env = f.runner->commands().at(0).env;
    CHECK(env.count("http_proxy") == 0);
    CHECK(env.count("SBX_SECRET") == 0);
    if (const char* path = std::getenv("PATH"))
        CHECK(env.at("PATH") == path);
}

TEST_CASE("unknown engines are a configuration error", "[engine]")
{
    CHECK(kind_of([] { make_engine(EngineConfig{"kubernetes", "runsc", {}, "x"}); }) == sbx::ErrorKind::config);
}

TEST_CASE("an OCI runtime other than runsc is refused unless allowed, naming the setting", "[engine]")
{
    auto refusal = [](const EngineConfig& config) -> std::string {
        try {
            make_engine(config, std::make_shared<RecordingRunner>());
        } catch (const sbx::Error& e) {
            CHECK(e.kind() == sbx::ErrorKind::config);
            CHECK(e.field() == "oci_runtime");
            return e.what();
        }
        return "(accepted)";
    };
    for (const std::string engine : {"podman", "docker"}) {
        INFO(engine);
        CHECK(refusal({engine, "runc", {}, "test"}) ==
              "oci_runtime 'runc' is not gVisor (runsc): user code would run on the host kernel; sbx refuses it "
              "unless the config file says allow_unsandboxed_runtime = true");
        CHECK(refusal({engine, "crun", {}, "test"}).starts_with("oci_runtime 'crun' is not gVisor (runsc)"));
        CHECK(refusal({engine, "runsc-debug", {}, "test"}).starts_with("oci_runtime 'runsc-debug' is not gVisor"));
        CHECK(refusal({engine, "runsc", {}, "test"}) == "(accepted)");
        CHECK(refusal({engine, "runc", {}, "test", {}, true}) == "(accepted)");
    }
    CHECK(refusal({"podman", "/usr/bin/runsc", {}, "test"}) == "(accepted)");
    CHECK(refusal({"podman", "/usr/sbin/runc", {}, "test"}).starts_with("oci_runtime '/usr/sbin/runc' is not gVisor"));
    // docker takes registered names only: a path would fail at `docker create`, so it is refused up front.
    CHECK(refusal({"docker", "/usr/bin/runsc", {}, "test"}) ==
          "oci_runtime '/usr/bin/runsc' is a path, but docker takes the name of a runtime registered in "
          "/etc/docker/daemon.json: register it there (as \"runsc\", with \"runtimeArgs\": [\"--network=none\"]; "
          "contrib/docker/ensure-dockerd does) and set oci_runtime = \"runsc\"");
    CHECK(refusal({"docker", "/usr/sbin/runc", {}, "test", {}, true}) ==
          "oci_runtime '/usr/sbin/runc' is a path, but docker takes the name of a runtime registered in "
          "/etc/docker/daemon.json: register it there (as \"runc\") and set oci_runtime = \"runc\"");
}

TEST_CASE("docker: a runtime registered as runsc must run runsc", "[engine]")
{
    auto problem = [](const std::string& runtimes, bool allow = false) -> std::string {
        Fixture f("docker", "runsc", allow);
        f.runner->reply(0, runtimes);
        try {
            f.engine->check_runtime();
        } catch (const sbx::Error& e) {
            return e.what();
        }
        return "(accepted)";
    };
    CHECK(problem(docker_runtimes) == "(accepted)");
    CHECK(problem(R"({"runsc":{"path":"/usr/local/bin/runsc","runtimeArgs":["--network=none"]}})") == "(accepted)");
    CHECK(problem(R"({"runsc":{"path":"/usr/sbin/runc","runtimeArgs":["--network=none"]}})") ==
          "docker's runtime \"runsc\" runs /usr/sbin/runc, not gVisor (runsc): user code would run on the host "
          "kernel; register runsc's own path in /etc/docker/daemon.json");
    CHECK(problem(R"({"runsc":{"runtimeType":"io.containerd.runc.v2","runtimeArgs":["--network=none"]}})")
              .starts_with("docker's runtime \"runsc\" runs (no path), not gVisor (runsc)"));
    // Allowing other runtimes does not make a runsc that is not one acceptable: the run
    // record would name gVisor for what ran on the host kernel.
    CHECK(problem(R"({"runsc":{"path":"/usr/sbin/runc","runtimeArgs":["--network=none"]}})", true)
              .starts_with("docker's runtime \"runsc\" runs /usr/sbin/runc"));
}

TEST_CASE("a sandbox made for no run (a pooled one) carries no sbx.run label", "[engine]")
{
    Fixture f("docker", "runsc");
    f.runner->reply(0, docker_runtimes);
    f.runner->reply(0, "0123abcd\n");
    SandboxSpec spec = representative_spec();
    spec.run_id.clear();
    CHECK(kind_of([&] { f.engine->create(spec); }) == sbx::ErrorKind::usage); // whose would it be?
    spec.labels[pool_label] = "3";
    f.engine->create(spec);
    auto argv = f.runner->argvs().back();
    CHECK(std::find(argv.begin(), argv.end(), "--label=sbx.instance=test") != argv.end());
    CHECK(std::find(argv.begin(), argv.end(), "--label=sbx.pool=3") != argv.end());
    CHECK(
        std::none_of(argv.begin(), argv.end(), [](const std::string& a) { return a.starts_with("--label=sbx.run"); }));
}
