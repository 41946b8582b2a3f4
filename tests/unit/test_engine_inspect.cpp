// Parsing `container inspect` output, with samples captured from podman 4.3.1 and
// docker 20.10.24 running runsc on Debian bookworm (trimmed to the fields sbx reads and a few around them).
#include <catch2/catch.hpp>

#include "engine/inspect.hpp"
#include "engine/runsc_messages.hpp"
#include "error.hpp"

using namespace sbx::engine;
using namespace std::chrono;

namespace {

const char* podman_exited = R"([{
  "Id": "d0eef6e939104a28fbe2eebebfd029dbd150ce8d228df5b46ada978882d0ca2b",
  "Name": "sbxeng-sample",
  "Created": "2026-11-22T02:13:03.098374595Z",
  "Image": "0d5ede40fd91ffa8fca857955c2a928b2b5647af1217faa778296d2f37af8856",
  "ImageName": "localhost/sbxtest/tiny:1",
  "State": {
    "OciVersion": "1.0.2-dev", "Status": "exited", "Running": false, "Paused": false, "Restarting": false,
    "OOMKilled": false, "Dead": false, "Pid": 0, "ExitCode": 3, "Error": "",
    "StartedAt": "2026-11-22T02:13:03.546867607Z", "FinishedAt": "2026-11-22T02:13:03.550154994Z",
    "Health": {"Status": "", "FailingStreak": 0, "Log": null},
    "CheckpointedAt": "0001-01-01T00:00:00Z", "RestoredAt": "0001-01-01T00:00:00Z"
  },
  "Config": {"Image": "localhost/sbxtest/tiny:1", "User": "10000:10000",
             "Labels": {"sbx.instance": "test", "sbx.run": "42"}},
  "OCIRuntime": "runsc",
  "HostConfig": {"Runtime": "oci", "Memory": 0}
}])";

const char* podman_running = R"([{
  "Id": "72dd2f0b0eb5908a524778f4331553e378c436f5723832766e1c7c4ac6f8eef7",
  "Name": "sbxeng-run2",
  "State": {
    "OciVersion": "1.0.2-dev", "Status": "running", "Running": true, "Paused": false, "Restarting": false,
    "OOMKilled": false, "Dead": false, "Pid": 8381, "ConmonPid": 8372, "ExitCode": 0, "Error": "",
    "StartedAt": "2026-11-22T02:13:13.962345202Z", "FinishedAt": "0001-01-01T00:00:00Z",
    "CgroupPath": "/libpod_parent/libpod-72dd2f0b0eb5908a524778f4331553e378c436f5723832766e1c7c4ac6f8eef7"
  },
  "Config": {"Image": "localhost/sbxtest/tiny:1", "Labels": {"sbx.instance": "test"}},
  "OCIRuntime": "runsc",
  "HostConfig": {"Runtime": "oci"}
}])";

// A memory hog under --memory=128m: docker reports the OOM kill, podman (same case) does not.
const char* docker_oom = R"([{
  "Id": "f1b5c86387d57e94b9a17edfbe0bf55b0203b942235d7bd112ac760612e3bd30",
  "Name": "/sbxeng-run",
  "Created": "2026-11-22T02:23:58.184023708Z",
  "Image": "sha256:5efb373438d7700f7628c48952476d42b6bffd47512c88c96be5ae4a3d31b62a",
  "State": {
    "Status": "exited", "Running": false, "Paused": false, "Restarting": false, "OOMKilled": true,
    "Dead": false, "Pid": 0, "ExitCode": 137, "Error": "",
    "StartedAt": "2026-11-22T02:23:58.689941164Z", "FinishedAt": "2026-11-22T02:23:58.872665956Z"
  },
  "Config": {"Image": "localhost/sbxtest/tiny:1", "User": "10000:10000",
             "Labels": {"sbx.instance": "test", "sbx.run": "43"}},
  "HostConfig": {"Runtime": "runsc", "Memory": 134217728}
}])";

const char* docker_created = R"([{
  "Id": "d47acd726efcfc936cfaf5f60751235f17f5939580bde50e1a930f2c9ca5c1b8",
  "Name": "/sbxeng-sample",
  "State": {
    "Status": "created", "Running": false, "Paused": false, "Restarting": false, "OOMKilled": false,
    "Dead": false, "Pid": 0, "ExitCode": 0, "Error": "",
    "StartedAt": "0001-01-01T00:00:00Z", "FinishedAt": "0001-01-01T00:00:00Z"
  },
  "Config": {"Image": "localhost/sbxtest/tiny:1", "User": "10000:10000", "Labels": null},
  "HostConfig": {"Runtime": "runsc"}
}])";

// A running sandbox under docker 28.2.2: State.Pid is runsc's sandbox process, as with podman.
const char* docker_running = R"([{
  "Id": "969b66342892d7b843e26415c4051dfc1b32d11a89b18036716bbcc9b23286d3",
  "Name": "/d1",
  "State": {
    "Status": "running", "Running": true, "Paused": false, "Restarting": false, "OOMKilled": false,
    "Dead": false, "Pid": 7017, "ExitCode": 0, "Error": "",
    "StartedAt": "2026-12-04T18:28:29.211727224Z", "FinishedAt": "0001-01-01T00:00:00Z"
  },
  "Config": {"Image": "sbx-exectest", "Labels": {}},
  "HostConfig": {"Runtime": "runsc"}
}])";

system_clock::time_point utc(int y, unsigned mo, unsigned d, int h, int mi, int s, std::int64_t ns)
{
    return time_point_cast<system_clock::duration>(sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) +
                                                   seconds(s) + nanoseconds(ns));
}

} // namespace

TEST_CASE("podman inspect of an exited sandbox", "[engine]")
{
    auto all = parse_inspect(podman_exited);
    REQUIRE(all.size() == 1);
    const ContainerInfo& info = all[0];
    CHECK(info.id == "d0eef6e939104a28fbe2eebebfd029dbd150ce8d228df5b46ada978882d0ca2b");
    CHECK(info.name == "sbxeng-sample");
    CHECK(info.image == "localhost/sbxtest/tiny:1");
    CHECK(info.state == ContainerState::exited);
    CHECK(info.exit_code == 3);
    CHECK_FALSE(info.oom_killed);
    CHECK(info.started_at == utc(2026, 11, 22, 2, 13, 3, 546867607));
    CHECK(info.finished_at == utc(2026, 11, 22, 2, 13, 3, 550154994));
    CHECK(info.labels == Labels{{"sbx.instance", "test"}, {"sbx.run", "42"}});
    CHECK(info.runtime == "runsc");
}

TEST_CASE("podman inspect of a running sandbox", "[engine]")
{
    auto info = parse_inspect(podman_running).at(0);
    CHECK(info.state == ContainerState::running);
    CHECK(info.started_at.has_value());
    CHECK_FALSE(info.finished_at.has_value());
}

TEST_CASE("docker inspect of an OOM-killed sandbox", "[engine]")
{
    auto info = parse_inspect(docker_oom).at(0);
    CHECK(info.name == "sbxeng-run");
    CHECK(info.state == ContainerState::exited);
    CHECK(info.exit_code == 137);
    CHECK(info.oom_killed);
    CHECK(info.finished_at == utc(2026, 11, 22, 2, 23, 58, 872665956));
    CHECK(info.labels.at("sbx.run") == "43");
    CHECK(info.runtime == "runsc");
}

TEST_CASE("docker inspect of a created sandbox", "[engine]")
{
    auto info = parse_inspect(docker_created).at(0);
    CHECK(info.state == ContainerState::created);
    CHECK_FALSE(info.started_at.has_value());
    CHECK_FALSE(info.finished_at.has_value());
    CHECK(info.labels.empty());
}

TEST_CASE("inspect reads the host pid of a running sandbox, 0 for one that is not", "[engine]")
{
    CHECK(parse_inspect(podman_running).at(0).pid == 8381);
    CHECK(parse_inspect(docker_running).at(0).pid == 7017);
    CHECK(parse_inspect(docker_running).at(0).state == ContainerState::running);
    CHECK(parse_inspect(podman_exited).at(0).pid == 0);
    CHECK(parse_inspect(docker_oom).at(0).pid == 0);
    CHECK(parse_inspect(docker_created).at(0).pid == 0);
    // Absent, null or out of range: no pid rather than a wrong one.
    CHECK(parse_inspect(R"([{"Id": "a", "State": {"Status": "running"}}])").at(0).pid == 0);
    CHECK(parse_inspect(R"([{"Id": "a", "State": {"Pid": null}}])").at(0).pid == 0);
    CHECK(parse_inspect(R"([{"Id": "a", "State": {"Pid": -1}}])").at(0).pid == 0);
    CHECK(parse_inspect(R"([{"Id": "a", "State": {"Pid": 99999999999}}])").at(0).pid == 0);
}

TEST_CASE("inspect output that is not an array is an error", "[engine]")
{
    CHECK(parse_inspect("[]").empty());
    CHECK_THROWS_AS(parse_inspect(""), sbx::Error);
    CHECK_THROWS_AS(parse_inspect("{}"), sbx::Error);
    CHECK_THROWS_AS(parse_inspect(R"([{"State": {"StartedAt": "yesterday"}}])"), sbx::Error);
}

TEST_CASE("engine timestamps", "[engine]")
{
    CHECK(parse_timestamp("2026-11-22T02:13:03Z") == utc(2026, 11, 22, 2, 13, 3, 0));
    CHECK(parse_timestamp("2026-11-22T03:13:03.5+01:00") == utc(2026, 11, 22, 2, 13, 3, 500000000));
    CHECK(parse_timestamp("2026-11-21T21:43:03.000000001-04:30") == utc(2026, 11, 22, 2, 13, 3, 1));
    CHECK_FALSE(parse_timestamp("0001-01-01T00:00:00Z").has_value());
    CHECK_FALSE(parse_timestamp("").has_value());
    CHECK_THROWS_AS(parse_timestamp("2026-11-22"), sbx::Error);
    CHECK_THROWS_AS(parse_timestamp("2026-13-22T02:13:03Z"), sbx::Error);
    CHECK_THROWS_AS(parse_timestamp("2026-11-22T02:13:03Zjunk"), sbx::Error);
}

TEST_CASE("engine status words", "[engine]")
{
    CHECK(parse_state("configured") == ContainerState::created);
    CHECK(parse_state("stopped") == ContainerState::exited);
    CHECK(parse_state("dead") == ContainerState::dead);
    CHECK(parse_state("bogus") == ContainerState::unknown);
    CHECK(std::string(state_name(ContainerState::exited)) == "exited");
}

TEST_CASE("runsc's report of a sandbox lost under an exec is told from a program's output", "[engine]")
{
    const std::string report = "waiting on pid 8: waiting on PID 8 in sandbox "
                               "\"dc23bb98f4a12dafe57471cf50af73eef599c110612a521baa323638b30e5d68\": urpc method "
                               "\"containerManager.WaitPID\" failed: EOF\n";
    CHECK(sbx::engine::is_runsc_lost_sandbox(report));
    CHECK(sbx::engine::is_runsc_lost_sandbox(report.substr(0, report.size() - 1)));
    // The program's own lines, before or after, are never taken for it.
    CHECK_FALSE(sbx::engine::is_runsc_lost_sandbox("Traceback (most recent call last):\n" + report));
    CHECK_FALSE(sbx::engine::is_runsc_lost_sandbox(report + "more\n"));
    CHECK_FALSE(sbx::engine::is_runsc_lost_sandbox("waiting on pid 8\n"));
    CHECK_FALSE(sbx::engine::is_runsc_lost_sandbox(""));
}
