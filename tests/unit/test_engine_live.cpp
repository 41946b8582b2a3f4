// The engine drivers against the real engines with gVisor. Hidden from the default run
// (they need podman, dockerd and runsc, and take seconds): `build/unit-tests '[engine-live]'`.
// SBX_TEST_ENGINES picks the engines (default "podman docker"), SBX_TEST_IMAGE an image
// with /bin/sh and coreutils (default localhost/sbx/base:bookworm). What is missing fails.
// SBX_TEST_TIMING=1 prints what one runsc exec into a running sandbox costs.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "engine/engine.hpp"
#include "error.hpp"
#include "temp_dir.hpp"

using namespace sbx::engine;
using sbx::process::Captured;

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;

std::string env_or(const char* name, const char* fallback)
{
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

std::vector<std::string> engines_under_test()
{
    std::istringstream in(env_or("SBX_TEST_ENGINES", "podman docker"));
    std::vector<std::string> names;
    for (std::string name; in >> name;)
        names.push_back(name);
    return names;
}

std::string image()
{
    return env_or("SBX_TEST_IMAGE", "localhost/sbx/base:bookworm");
}

SandboxSpec live_spec(const std::string& engine, const std::string& script)
{
    static int serial = 0;
    std::string tag = std::to_string(::getpid()) + "-" + std::to_string(++serial);
    SandboxSpec spec;
    spec.name = "sbx-live-" + engine + "-" + tag;
    spec.run_id = "live-" + tag;
    spec.image = image();
    spec.argv = {"/bin/sh", "-c", script};
    spec.env = {{"A", "1"}, {"SPACED", "a b  c"}};
    spec.tmpfs = {{"/work", 8 * MiB, true}, {"/tmp", 8 * MiB, false}};
    spec.limits = {128 * MiB, 1, 1024, 256, 64};
    return spec;
}

std::unique_ptr<Engine> ready_engine(const std::string& name)
{
    // Where the engine keeps the sandboxes' fixed /etc files: one for the whole test run.
    static const sbx::test::TempDir work_dir;
    auto engine = make_engine(EngineConfig{name, "runsc", {}, "sbx-live-test", work_dir.path()});
    INFO(name << ": the engine with runsc must be usable; for docker run contrib/docker/ensure-dockerd");
    REQUIRE_NOTHROW(engine->check_runtime());
    INFO("image " << image() << " is missing from " << name << ": `make images`, or set SBX_TEST_IMAGE");
    REQUIRE(engine->image_exists(image()));
    return engine;
}

// Creates, runs attached (stdin from `input` when given), inspects and removes one sandbox.
struct Outcome {
    Captured captured;
    ContainerInfo info;
};

Outcome run_once(Engine& engine, SandboxSpec spec, const std::string* input = nullptr)
{
    spec.stdin_attached = input != nullptr;
    std::string id = engine.create(spec);
    int stdin_fd = -1;
    sbx::process::Pipe in;
    if (input) {
        in = sbx::process::make_pipe();
        REQUIRE(::write(in.write.get(), input->data(), input->size()) == static_cast<ssize_t>(input->size()));
        in.write.reset();
        stdin_fd = in.read.get();
    }
    sbx::process::Child child = engine.start_attached(id, stdin_fd);
    Outcome outcome;
    outcome.captured = sbx::process::collect(child);
    outcome.info = engine.inspect(id);
    engine.remove(id);
    return outcome;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("live: a sandbox runs attached, is inspected, listed and removed", "[.][engine-live]")
{
    for (const auto& name : engines_under_test()) {
        INFO("engine " << name);
        ::setenv("SBX_LIVE_LEAK", "bar", 1);
        ::setenv("http_proxy", "http://leak.example:3128", 1);
        auto engine = ready_engine(name);
        SandboxSpec spec = live_spec(name, "cat; echo; echo to-stderr >&2; env; id -u; exit 3");
        std::string input = "hello from stdin";
        Outcome o = run_once(*engine, spec, &input);
        ::unsetenv("SBX_LIVE_LEAK");
        ::unsetenv("http_proxy");

        CHECK(o.captured.status.code == 3);
        CHECK(contains(o.captured.out, "hello from stdin\n"));
        CHECK(o.captured.err == "to-stderr\n");
        CHECK(contains(o.captured.out, "\nA=1\n"));
        CHECK(contains(o.captured.out, "\nSPACED=a b  c\n"));
        CHECK(contains(o.captured.out, "\n10000\n"));
        CHECK_FALSE(contains(o.captured.out, "SBX_LIVE_LEAK"));
        CHECK_FALSE(contains(o.captured.out, "proxy"));

        CHECK(o.info.state == ContainerState::exited);
        CHECK(o.info.exit_code == 3);
        CHECK(o.info.runtime == "runsc");
        CHECK(o.info.name == spec.name);
        CHECK(o.info.labels.at(run_label) == spec.run_id);
        CHECK(o.info.labels.at(instance_label) == "sbx-live-test");
        CHECK(o.info.finished_at.has_value());

        CHECK(engine->list({{run_label, spec.run_id}}).empty());
        CHECK_NOTHROW(engine->remove(o.info.id));
        CHECK_THROWS_AS(engine->inspect(o.info.id), sbx::Error);
    }
}

TEST_CASE("live: kill, wait and list a running sandbox", "[.][engine-live]")
{
    for (const auto& name : engines_under_test()) {
        INFO("engine " << name);
        auto engine = ready_engine(name);
        SandboxSpec spec = live_spec(name, "sleep 60");
        std::string id = engine->create(spec);
        engine->start(id);
        auto listed = engine->list({{run_label, spec.run_id}});
        REQUIRE(listed.size() == 1);
        CHECK(listed[0].id == id);
        CHECK(listed[0].state == ContainerState::running);
        CHECK(engine->kill(id));
        CHECK(engine->wait(id) == 137);
        CHECK_FALSE(engine->kill(id));
        engine->remove(id);
        CHECK_FALSE(engine->kill(id));
    }
}

TEST_CASE("live: the sandbox's limits hold", "[.][engine-live]")
{
    for (const auto& name : engines_under_test()) {
        INFO("engine " << name);
        auto engine = ready_engine(name);

        Outcome disk = run_once(*engine, live_spec(name, "cp /bin/true /work/t && /work/t && echo work-is-exec; "
                                                         "cp /bin/true /tmp/t && /tmp/t || echo tmp-is-noexec; "
                                                         "touch /etc/x || echo root-is-read-only; "
                                                         "dd if=/dev/zero of=/work/fill bs=1M count=32"));
        CHECK(contains(disk.captured.err, "No space left on device"));
        CHECK(contains(disk.captured.out, "root-is-read-only"));
        CHECK(contains(disk.captured.out, "work-is-exec"));
        CHECK(contains(disk.captured.out, "tmp-is-noexec"));

        Outcome memory = run_once(*engine, live_spec(name, "dd if=/dev/zero of=/dev/null bs=300M count=1"));
        CHECK(memory.captured.status.code == 137);
        CHECK(memory.info.exit_code == 137);
        if (name == "docker")
            CHECK(memory.info.oom_killed);
    }
}

namespace {

Captured exec_once(Engine& engine, const SandboxHandle& handle, ExecSpec spec, const std::string* input = nullptr)
{
    sbx::process::Pipe in;
    int stdin_fd = -1;
    if (input) {
        in = sbx::process::make_pipe();
        REQUIRE(::write(in.write.get(), input->data(), input->size()) == static_cast<ssize_t>(input->size()));
        in.write.reset();
        stdin_fd = in.read.get();
    }
    sbx::process::Child child = engine.exec_attached(handle, spec, stdin_fd);
    return sbx::process::collect(child);
}

ExecSpec exec_spec(std::vector<std::string> argv, std::map<std::string, std::string> env = {})
{
    ExecSpec spec;
    spec.argv = std::move(argv);
    spec.env = std::move(env);
    return spec;
}

} // namespace

TEST_CASE("live: a stage runs in a running sandbox through runsc exec, past the engine", "[.][engine-live]")
{
    for (const auto& name : engines_under_test()) {
        INFO("engine " << name);
        auto engine = ready_engine(name);
        SandboxSpec spec = live_spec(name, "sleep 120");
        std::string id = engine->create(spec);
        engine->start(id);
        SandboxHandle handle = engine->handle(spec.name);
        CHECK(handle.container_id == id);
        CHECK(handle.name == spec.name);
        CHECK(handle.sandbox_pid > 0);
        CHECK(std::filesystem::is_directory(handle.runsc_root));
        CHECK(is_alive(handle));

        Captured echo =
            exec_once(*engine, handle, exec_spec({"/bin/sh", "-c", "echo $FOO; id -u; pwd"}, {{"FOO", "bar"}}));
        CHECK(echo.status.success());
        CHECK(echo.out == "bar\n10000\n/work\n");
        CHECK(echo.err.empty());

        // Exactly the env given: not the sandbox spec's A=1, nor HOSTNAME, TERM or PATH;
        // only HOME is added by gVisor when it is missing.
        Captured env = exec_once(*engine, handle, exec_spec({"/bin/sh", "-c", "env"}, {{"ONLY", "this"}}));
        CHECK(contains(env.out, "ONLY=this\n"));
        std::string seen;
        for (std::istringstream lines(env.out); std::getline(lines, seen);)
            if (!seen.starts_with("HOME=") && !seen.starts_with("PWD="))
                CHECK(seen == "ONLY=this");

        Captured failed = exec_once(*engine, handle, exec_spec({"/bin/sh", "-c", "echo oops >&2; exit 3"}));
        CHECK(failed.status.code == 3);
        CHECK(failed.err == "oops\n");

        std::string input = "hello from stdin\n";
        Captured cat = exec_once(*engine, handle, exec_spec({"/bin/cat"}), &input);
        CHECK(cat.status.success());
        CHECK(cat.out == input);

        // The sandbox's rlimits (nofile 256, nproc 64 in live_spec) bind the stage too.
        Captured limits = exec_once(*engine, handle, exec_spec({"/bin/sh", "-c", "ulimit -n; ulimit -p"}));
        CHECK(limits.out == "256\n64\n");

        auto started = std::chrono::steady_clock::now();
        constexpr int rounds = 5;
        for (int i = 0; i < rounds; ++i)
            CHECK(exec_once(*engine, handle, exec_spec({"/bin/sh", "-c", ":"})).status.success());
        auto each =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started) / rounds;
        INFO("one exec took " << each.count() << " ms");
        CHECK(each < std::chrono::milliseconds(1000));
        if (std::getenv("SBX_TEST_TIMING"))
            std::fprintf(stderr, "%s: runsc exec of sh -c : took %lld ms each\n", name.c_str(),
                         static_cast<long long>(each.count()));

        engine->remove(id);
        // The engine may reap runsc's sandbox process a moment after rm returns.
        for (int i = 0; i < 100 && is_alive(handle); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CHECK_FALSE(is_alive(handle));
        CHECK(exec_once(*engine, handle, exec_spec({"/bin/true"})).status.code != 0);
    }
}
