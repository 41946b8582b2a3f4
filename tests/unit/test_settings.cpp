#include <catch2/catch.hpp>

#include "config/diagnostics.hpp"
#include "config/settings.hpp"
#include "temp_dir.hpp"

using namespace sbx::config;
using sbx::test::TempDir;
using std::chrono::milliseconds;

namespace {

SettingsRequest request_for(const std::filesystem::path& file)
{
    SettingsRequest request;
    request.config_flag = file;
    request.cwd = "/work/cwd";
    return request;
}

const SettingValue& value_of(const LoadedSettings& loaded, const std::string& key)
{
    for (const auto& v : loaded.values)
        if (v.key == key)
            return v;
    FAIL("no setting " << key);
    throw;
}

// All diagnostics of a failing load, one per line.
std::string errors_of(const SettingsRequest& request)
{
    try {
        load_settings(request);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("an empty file gives the documented defaults", "[settings]")
{
    TempDir dir;
    auto loaded = load_settings(request_for(dir.write("sbx.toml", "")));
    const Settings& s = loaded.settings;
    CHECK(loaded.config_file_found);
    CHECK(s.engine == "podman");
    CHECK(s.oci_runtime == "runsc");
    CHECK(s.instance == "default");
    CHECK(s.max_concurrent_runs == 2);
    CHECK(s.limits.memory == 256u << 20);
    CHECK(s.limits.wall_time == milliseconds(10'000));
    CHECK(s.caps.memory == 2ull << 30);
    CHECK(s.retention.max_age == milliseconds(30LL * 86'400'000));
    CHECK(s.pool.size == 1);
    CHECK(s.pool.max_age == std::chrono::seconds(3600));
    CHECK(value_of(loaded, "pool.size").value == "1");
    CHECK(value_of(loaded, "pool.max_age").value == "1h");
    CHECK(s.state_dir == "/var/lib/sbx");
    CHECK(s.database == "/var/lib/sbx/sbx.db");
    CHECK(s.run_dir == "/var/lib/sbx/run");
    CHECK(s.web.socket == "/var/lib/sbx/run/fcgi.sock");
    CHECK(s.catalog_dir == dir.path() / "runtimes.d");
    CHECK(s.faq_file == dir.path() / "faq.toml");
    CHECK(value_of(loaded, "engine").origin.where == "default");
    CHECK(loaded.values.size() == setting_keys().size());
}

TEST_CASE("the shipped etc/sbx.toml is valid and equals the defaults", "[settings]")
{
    auto shipped = load_settings(request_for(std::filesystem::path(SBX_SOURCE_DIR) / "etc/sbx.toml"));
    TempDir dir;
    auto defaults = load_settings(request_for(dir.write("sbx.toml", "")));
    for (std::size_t i = 0; i < shipped.values.size(); ++i) {
        INFO(shipped.values[i].key);
        if (shipped.values[i].key != "catalog_dir" && shipped.values[i].key != "faq_file")
            CHECK(shipped.values[i].value == defaults.values[i].value);
    }
}

TEST_CASE("relative paths in the file are relative to its folder", "[settings]")
{
    TempDir dir;
    auto file = dir.write("conf/sbx.toml", "state_dir = \"state\"\ncatalog_dir = \"../catalog\"\n");
    auto s = load_settings(request_for(file)).settings;
    CHECK(s.state_dir == dir.path() / "conf/state");
    CHECK(s.database == dir.path() / "conf/state/sbx.db");
    CHECK(s.run_dir == dir.path() / "conf/state/run");
    CHECK(s.catalog_dir == dir.path() / "catalog");
}

TEST_CASE("precedence: defaults < file < environment < --set", "[settings]")
{
    TempDir dir;
    auto file = dir.write("sbx.toml", "engine = \"docker\"\n\n[limits]\nmemory = \"512M\"\ncpus = 0.5\n");
    auto request = request_for(file);

    auto from_file = load_settings(request);
    CHECK(from_file.settings.engine == "docker");
    CHECK(value_of(from_file, "engine").origin.where == file.string() + ":1");
    CHECK(value_of(from_file, "limits.memory").origin.where == file.string() + ":4");
    CHECK(value_of(from_file, "limits.memory").origin.source == Source::file);

    request.environment = {{"SBX_ENGINE", "podman"}, {"SBX_LIMITS_MEMORY", "1G"}};
    auto from_env = load_settings(request);
    CHECK(from_env.settings.engine == "podman");
    CHECK(from_env.settings.limits.memory == 1ull << 30);
    CHECK(value_of(from_env, "engine").origin.where == "SBX_ENGINE");
    CHECK(from_env.settings.limits.cpus == 0.5); // untouched by env: still the file's

    request.overrides = {"engine=docker", "limits.memory=128M"};
    auto from_flag = load_settings(request);
    CHECK(from_flag.settings.engine == "docker");
    CHECK(from_flag.settings.limits.memory == 128u << 20);
    CHECK(value_of(from_flag, "engine").origin.where == "--set engine=docker");
    CHECK(value_of(from_flag, "engine").origin.source == Source::flag);
}

TEST_CASE("a list setting: a TOML array in the file, words apart by spaces or commas elsewhere", "[settings]")
{
    TempDir dir;
    auto file = dir.write("sbx.toml", "[compat]\ncors_origins = [\"https://a.example\", \"https://b.example\"]\n");
    auto request = request_for(file);
    auto from_file = load_settings(request);
    CHECK(from_file.settings.compat.cors_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
    CHECK(value_of(from_file, "compat.cors_origins").value == "https://a.example https://b.example");

    request.environment = {{"SBX_COMPAT_CORS_ORIGINS", "https://c.example, https://d.example"}};
    CHECK(load_settings(request).settings.compat.cors_origins ==
          std::vector<std::string>{"https://c.example", "https://d.example"});

    CHECK(load_settings(request_for(dir.write("empty.toml", ""))).settings.compat.cors_origins.empty());
    CHECK_THAT(errors_of(request_for(dir.write("bad.toml", "[compat]\ncors_origins = [1]\n"))),
               Catch::Matchers::Contains("compat.cors_origins: expected an array of non-empty strings"));
}

TEST_CASE("the config file is found by flag, then SBX_CONFIG", "[settings]")
{
    TempDir dir;
    auto a = dir.write("a.toml", "instance = \"a\"\n");
    auto b = dir.write("b.toml", "instance = \"b\"\n");
    SettingsRequest request;
    request.environment = {{"SBX_CONFIG", b.string()}};
    CHECK(load_settings(request).settings.instance == "b");
    request.config_flag = a;
    CHECK(load_settings(request).settings.instance == "a");
    request.config_flag = dir.path() / "missing.toml";
    CHECK_THROWS_MATCHES(load_settings(request), sbx::Error,
                         Catch::Matchers::Predicate<sbx::Error>([](const sbx::Error& e) {
                             return e.kind() == sbx::ErrorKind::not_found &&
                                    std::string(e.what()).find("missing.toml: config file not found (from --config)") !=
                                        std::string::npos;
                         }));
}

TEST_CASE("environment and --set paths are relative to the current directory", "[settings]")
{
    TempDir dir;
    auto request = request_for(dir.write("sbx.toml", ""));
    request.environment = {{"SBX_STATE_DIR", "st"}};
    request.overrides = {"catalog_dir=cat"};
    auto s = load_settings(request).settings;
    CHECK(s.state_dir == "/work/cwd/st");
    CHECK(s.catalog_dir == "/work/cwd/cat");
}

TEST_CASE("dotted keys and tables are the same setting", "[settings]")
{
    TempDir dir;
    auto s =
        load_settings(request_for(dir.write("sbx.toml", "limits.memory = \"1G\"\nweb.runs_per_minute = 5\n"))).settings;
    CHECK(s.limits.memory == 1ull << 30);
    CHECK(s.web.runs_per_minute == 5);
}

TEST_CASE("the pool is set from the file, the environment and --set", "[settings][pool]")
{
    TempDir dir;
    auto file = dir.write("sbx.toml", "[pool]\nsize = 3\nmax_age = \"30m\"\n");
    auto request = request_for(file);
    auto from_file = load_settings(request);
    CHECK(from_file.settings.pool.size == 3);
    CHECK(from_file.settings.pool.max_age == std::chrono::minutes(30));
    CHECK(value_of(from_file, "pool.size").origin.where == file.string() + ":2");
    CHECK(value_of(from_file, "pool.max_age").value == "30m");
    CHECK_FALSE(value_of(from_file, "pool.size").description.empty());

    // Dotted keys, an integer of seconds, and the bounds themselves.
    auto dotted = load_settings(request_for(dir.write("dotted.toml", "pool.size = 64\npool.max_age = 90\n")));
    CHECK(dotted.settings.pool.size == 64);
    CHECK(dotted.settings.pool.max_age == std::chrono::seconds(90));

    request.environment = {{"SBX_POOL_SIZE", "0"}, {"SBX_POOL_MAX_AGE", "90s"}};
    auto from_env = load_settings(request);
    CHECK(from_env.settings.pool.size == 0);
    CHECK(from_env.settings.pool.max_age == std::chrono::seconds(90));
    CHECK(value_of(from_env, "pool.max_age").origin.where == "SBX_POOL_MAX_AGE");

    request.overrides = {"pool.size=5", "pool.max_age=7d"};
    auto from_flag = load_settings(request);
    CHECK(from_flag.settings.pool.size == 5);
    CHECK(from_flag.settings.pool.max_age == std::chrono::hours(7 * 24));
    CHECK(value_of(from_flag, "pool.size").origin.where == "--set pool.size=5");
    CHECK(value_of(from_flag, "pool.max_age").value == "7d");
}

TEST_CASE("pool settings out of range are refused, from every source", "[settings][pool]")
{
    TempDir dir;
    struct Case {
        std::string content;
        std::string error;
    };
    auto c = GENERATE(values<Case>({
        {"[pool]\nsize = 65\n", ":2:8: pool.size: must be at most 64"},
        {"[pool]\nsize = -1\n", ":2:8: pool.size: expected a whole number, found integer"},
        {"[pool]\nsize = \"2\"\n", ":2:8: pool.size: expected a whole number, found string"},
        {"[pool]\nmax_age = \"0s\"\n", ":2:11: pool.max_age: must be longer than 0"},
        {"[pool]\nmax_age = 0\n", ":2:11: pool.max_age: must be longer than 0"},
        {"[pool]\nmax_age = \"8d\"\n", ":2:11: pool.max_age: must be at most 7d"},
        {"[pool]\nmax_age = 604801\n", ":2:11: pool.max_age: must be at most 7d"},
        {"[pool]\nmax_age = \"1500ms\"\n", ":2:11: pool.max_age: '1500ms' is not a whole number of seconds"},
        {"[pool]\nmax_age = \"soon\"\n", ":2:11: pool.max_age: 'soon' is not a duration such as 10s, 5m or 30d"},
        {"[pool]\nmax_age = true\n", ":2:11: pool.max_age: expected a duration such as 10s, 5m or 30d, found boolean"},
        {"[pool]\nsizes = 2\n", ":2:1: unknown setting 'pool.sizes' (did you mean 'pool.size'?)"},
        {"[pool]\nwarmup = []\n", ":2:1: unknown setting 'pool.warmup'"},
        {"[pol]\nsize = 2\n", ":1:2: unknown setting 'pol' (did you mean 'pool'?)"},
    }));
    auto file = dir.write("sbx.toml", c.content);
    INFO(c.content);
    CHECK_THAT(errors_of(request_for(file)), Catch::Matchers::StartsWith(file.string() + c.error));

    auto request = request_for(dir.write("empty.toml", ""));
    request.environment = {{"SBX_POOL_SIZE", "100"}, {"SBX_POOL_MAX_AGE", "2w"}};
    request.overrides = {"pool.size=many", "pool.max_age=0.5s"};
    CHECK(errors_of(request) == "environment: SBX_POOL_MAX_AGE: pool.max_age: '2w' is not a duration such as 10s, 5m "
                                "or 30d\n"
                                "environment: SBX_POOL_SIZE: pool.size: must be at most 64\n"
                                "command line: --set pool.size: expected a whole number\n"
                                "command line: --set pool.max_age: '0.5s' is not a whole number of seconds");
}

TEST_CASE("malformed settings are reported with file, line and column", "[settings]")
{
    TempDir dir;
    struct Case {
        std::string content;
        std::string error;
    };
    auto c = GENERATE(values<Case>({
        {"engine = \"lxc\"\n", ":1:10: engine: 'lxc' is not one of: podman, docker"},
        {"\nmax_concurent_runs = 3\n",
         ":2:1: unknown setting 'max_concurent_runs' (did you mean 'max_concurrent_runs'?)"},
        {"max_concurrent_runs = \"3\"\n", ":1:23: max_concurrent_runs: expected a whole number, found string"},
        {"max_concurrent_runs = 0\n", ":1:23: max_concurrent_runs: must be at least 1"},
        {"max_concurrent_runs = -2\n", ":1:23: max_concurrent_runs: expected a whole number, found integer"},
        {"[limits]\nmemory = \"lots\"\n", ":2:10: limits.memory: 'lots' is not a size such as 256M or 1G"},
        {"[limits]\nmemory = true\n", ":2:10: limits.memory: expected a size such as 256M or 1G, found boolean"},
        {"[limits]\nwall_time = \"10 years\"\n",
         ":2:13: limits.wall_time: '10 years' is not a duration such as 10s, 5m or 30d"},
        {"[limits]\ncpus = 0\n", ":2:8: limits.cpus: expected a number from 0.01 to 1024, found integer"},
        {"[limits]\nmemory = \"1M\"\n", ":2:10: limits.memory: must be at least 4M"},
        {"[limitz]\nmemory = \"1G\"\n", ":1:2: unknown setting 'limitz' (did you mean 'limits'?)"},
        {"[limits]\nmemroy = \"1G\"\n", ":2:1: unknown setting 'limits.memroy' (did you mean 'limits.memory'?)"},
        {"state_dir = 3\n", ":1:13: state_dir: expected a string, found integer"},
        {"instance = \"\"\n", ":1:12: instance: must not be empty"},
        {"instance = \"Prod 1\"\n",
         ":1:12: instance: 'Prod 1' must be 1-63 lowercase letters, digits, '_', '.' or '-'"},
        {"oci_runtime = \"--privileged\"\n",
         ":1:15: oci_runtime: '--privileged' must be a runtime name or an absolute path"},
        {"oci_runtime = \"bin/runsc\"\n", ":1:15: oci_runtime: 'bin/runsc' must be a runtime name or an absolute path"},
        {"engine = \"podman\"\nengine = \"docker\"\n",
         ":2:10: Error while parsing key-value pair: cannot redefine existing string 'engine'"},
        {"engine = podman\n", ":1:10: "},
    }));
    auto file = dir.write("sbx.toml", c.content);
    INFO(c.content);
    CHECK_THAT(errors_of(request_for(file)), Catch::Matchers::StartsWith(file.string() + c.error));
}

TEST_CASE("limits above the admin caps are refused", "[settings]")
{
    TempDir dir;
    auto file = dir.write("sbx.toml", "[limits]\nmemory = \"4G\"\n");
    CHECK(errors_of(request_for(file)) == file.string() + ":2: limits.memory (4G) exceeds caps.memory (2G)");
    auto request = request_for(dir.write("ok.toml", ""));
    request.overrides = {"caps.wall_time=5s"};
    CHECK(errors_of(request) ==
          file.parent_path().string() + "/ok.toml: limits.wall_time (10s) exceeds caps.wall_time (5s)");
}

TEST_CASE("every problem is reported, from every source", "[settings]")
{
    TempDir dir;
    auto request = request_for(dir.write("sbx.toml", "engine = \"lxc\"\noci_runtime = 7\n"));
    request.environment = {{"SBX_LIMITS_MEMROY", "1G"}, {"SBX_LIMITS_CPUS", "many"}, {"SBX_CONFIG", "ignored"}};
    request.overrides = {"novalue", "nosuch.key=1", "limits.pids=-1"};
    auto errors = errors_of(request);
    auto f = dir.path().string() + "/sbx.toml";
    CHECK(errors == f + ":1:10: engine: 'lxc' is not one of: podman, docker\n" + f +
                        ":2:15: oci_runtime: expected a string, found integer\n" +
                        "environment: SBX_LIMITS_CPUS: limits.cpus: expected a number from 0.01 to 1024\n"
                        "environment: SBX_LIMITS_MEMROY: not an sbx setting (did you mean SBX_LIMITS_MEMORY?)\n"
                        "command line: --set novalue: expected KEY=VALUE\n"
                        "command line: --set nosuch.key=1: unknown setting 'nosuch.key'\n"
                        "command line: --set limits.pids: expected a whole number");
}

TEST_CASE("oci_runtime may be runsc by name or by absolute path", "[settings]")
{
    TempDir dir;
    for (const std::string runtime : {"runsc", "/usr/bin/runsc", "/opt/gvisor/bin/runsc"}) {
        INFO(runtime);
        auto from_file = load_settings(request_for(dir.write("sbx.toml", "oci_runtime = \"" + runtime + "\"\n")));
        CHECK(from_file.settings.oci_runtime == runtime);
        auto request = request_for(dir.write("empty.toml", ""));
        request.environment = {{"SBX_OCI_RUNTIME", runtime}};
        CHECK(load_settings(request).settings.oci_runtime == runtime);
        request.environment.clear();
        request.overrides = {"oci_runtime=" + runtime};
        CHECK(load_settings(request).settings.oci_runtime == runtime);
    }
    CHECK_FALSE(load_settings(request_for(dir.write("sbx.toml", ""))).settings.allow_unsandboxed_runtime);
}

TEST_CASE("an oci_runtime that is not runsc is refused unless sbx.toml allows it", "[settings]")
{
    TempDir dir;
    const std::string refusal = "oci_runtime 'runc' is not gVisor (runsc): user code would run on the host kernel; "
                                "sbx refuses it unless the config file says allow_unsandboxed_runtime = true";
    auto plain = dir.write("sbx.toml", "# nothing\noci_runtime = \"runc\"\n");
    CHECK(errors_of(request_for(plain)) == plain.string() + ":2:15: " + refusal);

    auto request = request_for(dir.write("empty.toml", ""));
    request.environment = {{"SBX_OCI_RUNTIME", "runc"}};
    CHECK(errors_of(request) == "environment: SBX_OCI_RUNTIME: " + refusal);
    request.environment.clear();
    request.overrides = {"oci_runtime=/usr/sbin/runc"};
    CHECK(errors_of(request) ==
          "command line: --set oci_runtime=/usr/sbin/runc: oci_runtime '/usr/sbin/runc' is not gVisor (runsc): user "
          "code would run on the host kernel; sbx refuses it unless the config file says "
          "allow_unsandboxed_runtime = true");

    // The file's say-so is honoured, whichever source names the runtime.
    auto allowing = dir.write("allow.toml", "allow_unsandboxed_runtime = true\n");
    request = request_for(allowing);
    request.overrides = {"oci_runtime=runc"};
    auto loaded = load_settings(request);
    CHECK(loaded.settings.oci_runtime == "runc");
    CHECK(loaded.settings.allow_unsandboxed_runtime);
    CHECK(value_of(loaded, "allow_unsandboxed_runtime").value == "true");
    CHECK(value_of(loaded, "allow_unsandboxed_runtime").origin.where == allowing.string() + ":1");
    auto both = load_settings(request_for(dir.write(
        "both.toml", "oci_runtime = \"runc\"\nallow_unsandboxed_runtime = true\n[limits]\nmemory = \"1G\"\n")));
    CHECK(both.settings.oci_runtime == "runc");

    // false says no, as its absence does.
    CHECK_THAT(
        errors_of(request_for(dir.write("no.toml", "allow_unsandboxed_runtime = false\noci_runtime = \"runc\"\n"))),
        Catch::Matchers::EndsWith(":2:15: " + refusal));
}

TEST_CASE("allow_unsandboxed_runtime is honoured only from the config file", "[settings]")
{
    TempDir dir;
    auto request = request_for(dir.write("sbx.toml", ""));
    request.environment = {{"SBX_ALLOW_UNSANDBOXED_RUNTIME", "true"}, {"SBX_OCI_RUNTIME", "runc"}};
    request.overrides = {"allow_unsandboxed_runtime=true"};
    CHECK(errors_of(request) ==
          "environment: SBX_ALLOW_UNSANDBOXED_RUNTIME: allow_unsandboxed_runtime is honoured only in the config file, "
          "not from the environment\n"
          "environment: SBX_OCI_RUNTIME: oci_runtime 'runc' is not gVisor (runsc): user code would run on the host "
          "kernel; sbx refuses it unless the config file says allow_unsandboxed_runtime = true\n"
          "command line: --set allow_unsandboxed_runtime=true: allow_unsandboxed_runtime is honoured only in the "
          "config file, not from --set");

    // Even where the file already allows it, the others may not say it (nor say no).
    request = request_for(dir.write("allow.toml", "allow_unsandboxed_runtime = true\n"));
    request.overrides = {"allow_unsandboxed_runtime=false"};
    CHECK_THAT(errors_of(request), Catch::Matchers::StartsWith("command line: --set allow_unsandboxed_runtime=false: "
                                                               "allow_unsandboxed_runtime is honoured only in the "
                                                               "config file"));

    auto file = dir.write("typo.toml", "allow_unsandboxed_runtime = \"yes\"\n");
    CHECK(errors_of(request_for(file)) ==
          file.string() + ":1:29: allow_unsandboxed_runtime: expected true or false, found string");
}

TEST_CASE("with docker, oci_runtime is a registered runtime name, not a path", "[settings]")
{
    TempDir dir;
    auto file = dir.write("sbx.toml", "engine = \"docker\"\noci_runtime = \"/usr/bin/runsc\"\n");
    CHECK(errors_of(request_for(file)) ==
          file.string() +
              ":2:15: oci_runtime '/usr/bin/runsc' is a path, but docker takes the name of a runtime registered in "
              "/etc/docker/daemon.json: register it there (as \"runsc\", with \"runtimeArgs\": [\"--network=none\"]; "
              "contrib/docker/ensure-dockerd does) and set oci_runtime = \"runsc\"");
    auto named = load_settings(request_for(dir.write("named.toml", "engine = \"docker\"\noci_runtime = \"runsc\"\n")));
    CHECK(named.settings.oci_runtime == "runsc");
}
