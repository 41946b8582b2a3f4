// The sandbox a run gets, and the key that says when two are interchangeable.
#include <catch2/catch.hpp>

#include <functional>

#include "engine/sandbox_etc.hpp"
#include "runner/sandbox_spec.hpp"

using namespace sbx;
using namespace sbx::runner;

namespace {

config::Runtime python()
{
    config::Runtime r;
    r.id = "python-3.11";
    r.image = "localhost/sbx/python:3.11";
    r.env = {{"PYTHONUNBUFFERED", "1"}, {"HOME", "/work"}};
    return r;
}

config::Limits limits()
{
    config::Limits l;
    l.memory = 256 << 20;
    l.cpus = 1;
    l.pids = 64;
    l.disk = 64 << 20;
    return l;
}

SandboxPlace place(const std::string& name, const std::string& root)
{
    return {name, name.substr(name.rfind('-') + 1), root, "/usr/libexec/sbx/sbx-init", "/sbx-x/run-" + name};
}

} // namespace

TEST_CASE("a run's sandbox: its env over the runtime's, mounts in its run directory, gVisor's pids rule",
          "[sandbox-spec]")
{
    auto spec = sandbox_spec(python(), limits(), {{"HOME", "/tmp"}, {"DEBUG", "1"}}, true,
                             place("sbx-x-7", "/var/lib/sbx/runs/7"), {"/sbx/init", "idle"});
    CHECK(spec.name == "sbx-x-7");
    CHECK(spec.run_id == "7");
    CHECK(spec.image == "localhost/sbx/python:3.11");
    CHECK(spec.env == std::map<std::string, std::string>{{"PYTHONUNBUFFERED", "1"}, {"HOME", "/tmp"}, {"DEBUG", "1"}});
    REQUIRE(spec.binds.size() == 3);
    CHECK(spec.binds[0].source == "/var/lib/sbx/runs/7/src");
    CHECK(spec.binds[0].target == snapshot_mount);
    CHECK(spec.binds[0].read_only);
    CHECK(spec.binds[1].source == "/usr/libexec/sbx/sbx-init");
    CHECK(spec.binds[1].target == "/sbx/init");
    // gVisor's statx fix, named by the sandbox's /etc/ld.so.preload.
    CHECK(spec.binds[2].source == "/usr/libexec/sbx/sbx-preload.so");
    CHECK(spec.binds[2].target == engine::preload_target);
    CHECK(spec.binds[2].read_only);
    REQUIRE(spec.tmpfs.size() == 2);
    CHECK(spec.tmpfs[0].target == "/work");
    CHECK(spec.tmpfs[0].host_dir == "/var/lib/sbx/runs/7/work");
    CHECK(spec.tmpfs[1].target == "/tmp");
    CHECK(spec.tmpfs[1].size_bytes == 64 << 20);
    CHECK(spec.limits.nproc == 64);
    CHECK(spec.limits.pids == engine::runsc_pids_backstop(64));
    CHECK(spec.limits.pids >= engine::min_runsc_pids);
    CHECK(spec.stdin_attached);
    CHECK(spec.cgroup_parent == "/sbx-x/run-sbx-x-7");
    CHECK(spec.user == "10000:10000");
}

TEST_CASE("the pids backstop is 16 per allowed process, never below runsc's minimum", "[sandbox-spec]")
{
    CHECK(engine::runsc_pids_backstop(256) == 4096);
    CHECK(engine::runsc_pids_backstop(1) == engine::min_runsc_pids);
}

TEST_CASE("the key: the same for two runs' sandboxes, new for anything a program could see", "[sandbox-spec]")
{
    auto make = [](const config::Runtime& r, const config::Limits& l,
                   const std::map<std::string, std::string>& env = {},
                   const std::vector<std::string>& argv = {"/sbx/init", "idle"}) {
        return sandbox_spec(r, l, env, false, place("sbx-x-1", "/var/lib/sbx/runs/1"), argv);
    };
    const std::string base = spec_key(make(python(), limits()));
    CHECK(base.size() == 64);
    CHECK(base.find_first_not_of("0123456789abcdef") == std::string::npos);

    // Names, run ids, host paths and cgroups differ between any two sandboxes.
    auto other =
        sandbox_spec(python(), limits(), {}, false, place("sbx-y-2", "/srv/other/runs/2"), {"/sbx/init", "idle"});
    other.labels["sbx.pool"] = "python-3.11";
    CHECK(spec_key(other) == base);

    config::Runtime r = python();
    r.image = "localhost/sbx/python:3.12";
    CHECK(spec_key(make(r, limits())) != base);
    r = python();
    r.env["PYTHONUNBUFFERED"] = "0";
    CHECK(spec_key(make(r, limits())) != base);
    CHECK(spec_key(make(python(), limits(), {{"X", "1"}})) != base);
    CHECK(spec_key(make(python(), limits(), {}, {"/sbx/init", "run", "--", "./main.py"})) != base);
    for (auto change : std::vector<std::function<void(config::Limits&)>>{
             [](config::Limits& l) { l.memory *= 2; },
             [](config::Limits& l) { l.cpus = 2; },
             [](config::Limits& l) { l.pids = 32; },
             [](config::Limits& l) { l.disk *= 2; },
         }) {
        config::Limits l = limits();
        change(l);
        CHECK(spec_key(make(python(), l)) != base);
    }
    auto as_root = make(python(), limits());
    as_root.user = "0:0";
    CHECK(spec_key(as_root) != base);
}
