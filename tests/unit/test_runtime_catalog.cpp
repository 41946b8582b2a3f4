#include <catch2/catch.hpp>

#include "config/config_check.hpp"
#include "config/runtime_catalog.hpp"
#include "error.hpp"
#include "temp_dir.hpp"

using namespace sbx::config;
using sbx::test::TempDir;

namespace {

const char* valid_runtime = R"toml(id = "py"
name = "Python"
language = "python"
version = "3.11"
image = "localhost/sbx/python:3.11"
file = "main.py"
hello_world = "print('hi')"
run = ["python3", "{file}"]
)toml";

Settings settings_for(const TempDir& dir)
{
    SettingsRequest request;
    request.config_flag = dir.write("sbx.toml", "");
    return load_settings(request).settings;
}

std::string errors_of(const TempDir& dir)
{
    try {
        RuntimeCatalog::load(settings_for(dir));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("the shipped catalog is valid and covers the promised languages", "[catalog]")
{
    SettingsRequest request;
    request.config_flag = std::filesystem::path(SBX_SOURCE_DIR) / "etc/sbx.toml";
    auto settings = load_settings(request).settings;
    auto catalog = RuntimeCatalog::load(settings);
    std::vector<std::string> ids;
    for (const auto& r : catalog.runtimes())
        ids.push_back(r.id);
    CHECK(ids == std::vector<std::string>{"bash-5.2", "c-gcc-12", "cpp-gcc-11", "cpp-gcc-12", "go-1.19", "java-17",
                                          "node-18", "python-3.11", "ruby-3.1"});
    for (const auto& r : catalog.runtimes()) {
        INFO(r.id);
        CHECK(!r.run.empty());
        CHECK(!r.hello_world.empty());
        CHECK(r.image.starts_with("localhost/sbx/"));
        CHECK(r.limits.memory <= settings.caps.memory);
    }
    CHECK(catalog.get("java-17").limits.memory == 768u << 20);
    CHECK(catalog.get("python-3.11").limits.memory == settings.limits.memory);
    CHECK(catalog.get("go-1.19").compile == std::vector<std::string>{"go", "build", "-o", "main", "{file}"});
    CHECK(catalog.get("python-3.11").env.at("PYTHONUNBUFFERED") == "1");
    CHECK(catalog.get("python-3.11").pool_size == 2u);
    CHECK(catalog.get("python-3.11").pool_warmup == std::vector<std::string>{"python3", "-c", "pass"});
    CHECK(catalog.get("node-18").pool_warmup == std::vector<std::string>{"node", "-e", "0"});
    CHECK(catalog.get("ruby-3.1").pool_warmup == std::vector<std::string>{"ruby", "-e", "0"});
    CHECK(catalog.get("bash-5.2").pool_warmup == std::vector<std::string>{"bash", "-c", ":"});
    // Each warmup runs the interpreter the runtime's own run command names.
    for (const auto& id : {"python-3.11", "node-18", "ruby-3.1", "bash-5.2"}) {
        INFO(id);
        CHECK(catalog.get(id).pool_warmup.front() == catalog.get(id).run.front());
        CHECK(catalog.get(id).pool_size ==
              (std::string(id) == "python-3.11" ? std::optional<std::uint32_t>(2) : std::nullopt));
    }
    CHECK(catalog.get("go-1.19").pool_warmup.empty());
}

TEST_CASE("a runtime file is read in full", "[catalog]")
{
    TempDir dir;
    dir.write("runtimes.d/py.toml", std::string(valid_runtime) + R"toml(description = "d"
os = "linux"
arch = "arm64"
compile = ["sh", "-c", "echo $HOME ${HOME}"]
check = ["python3", "-m", "py_compile", "{file}"]
[env]
A = "1"
[limits]
memory = "128M"
wall_time = 3
cpus = 0.5
[[faq]]
question = "Q?"
answer = "A."
)toml");
    dir.write("runtimes.d/README", "not toml, ignored");
    auto catalog = RuntimeCatalog::load(settings_for(dir));
    REQUIRE(catalog.runtimes().size() == 1);
    const auto& r = catalog.get("py");
    CHECK(r.arch == "arm64");
    CHECK(r.compile.size() == 3);
    CHECK(r.env.at("A") == "1");
    CHECK(r.limits.memory == 128u << 20);
    CHECK(r.overrides.memory == 128u << 20);
    CHECK_FALSE(r.overrides.pids);
    CHECK(r.limits.wall_time == std::chrono::seconds(3));
    CHECK(r.limits.cpus == 0.5);
    CHECK(r.faq.size() == 1);
    CHECK(r.source == (dir.path() / "runtimes.d/py.toml").string());
}

TEST_CASE("a runtime's [pool] overrides the pool size and names its warmup", "[catalog][pool]")
{
    // valid_runtime with another id (its first line) and `extra` after it.
    auto runtime = [](const std::string& id, const std::string& extra) {
        std::string body = valid_runtime;
        return "id = \"" + id + "\"\n" + body.substr(body.find('\n') + 1) + extra;
    };
    TempDir dir;
    dir.write("runtimes.d/a.toml", runtime("a", "[pool]\nsize = 0\nwarmup = [\"python3\", \"-c\", \"pass\"]\n"));
    dir.write("runtimes.d/b.toml", runtime("b", "[pool]\nwarmup = []\n"));
    dir.write("runtimes.d/c.toml", runtime("c", "[pool]\nsize = 64\n"));
    dir.write("runtimes.d/d.toml", runtime("d", "[pool]\nwarmup = [\"sh\", \"-c\", \"echo ${HOME}\"]\n"));
    dir.write("runtimes.d/e.toml", runtime("e", ""));
    auto catalog = RuntimeCatalog::load(settings_for(dir));
    REQUIRE(catalog.runtimes().size() == 5);
    CHECK(catalog.get("a").pool_size == 0u); // no pool for this runtime, whatever pool.size says
    CHECK(catalog.get("a").pool_warmup == std::vector<std::string>{"python3", "-c", "pass"});
    CHECK_FALSE(catalog.get("b").pool_size);
    CHECK(catalog.get("b").pool_warmup.empty());
    CHECK(catalog.get("c").pool_size == 64u);
    CHECK(catalog.get("c").pool_warmup.empty());
    CHECK(catalog.get("d").pool_warmup.back() == "echo ${HOME}"); // the shell's, not a placeholder
    CHECK_FALSE(catalog.get("e").pool_size);
    CHECK(catalog.get("e").pool_warmup.empty());
}

TEST_CASE("pool_size() is the runtime's own size, else pool.size", "[catalog][pool]")
{
    Settings settings;
    Runtime runtime;
    CHECK(pool_size(runtime, settings) == 1);
    settings.pool.size = 3;
    CHECK(pool_size(runtime, settings) == 3);
    runtime.pool_size = 5;
    CHECK(pool_size(runtime, settings) == 5);
    runtime.pool_size = 0;
    CHECK(pool_size(runtime, settings) == 0);
    settings.pool.size = 0;
    runtime.pool_size = 2;
    CHECK(pool_size(runtime, settings) == 2);
}

TEST_CASE("malformed runtime files are reported with file, line and column", "[catalog]")
{
    struct Case {
        std::string extra;   // appended to a valid file
        std::string replace; // key whose line is dropped, so `extra` lands on line 8 instead of 9
        std::string error;
    };
    auto c = GENERATE(values<Case>({
        {"colour = \"blue\"\n", "", ":9:1: unknown key 'colour'"},
        {"", "name", ":1:1: missing required key 'name'"},
        {"", "run", ":1:1: missing required key 'run'"},
        {"run = \"python3 main.py\"\n", "run", ":8:7: run: expected an argv array of strings, found string"},
        {"run = []\n", "run", ":8:1: run: must name a program (an empty argv runs nothing)"},
        {"run = [\"python3\", 3]\n", "run", ":8:19: run[1]: expected a string, found integer"},
        {"run = [\"python3\", \"{files}\"]\n", "run", ":8:1: run: unknown placeholder {files} (known: {file}, {stem})"},
        {"image = \"python 3\"\n", "image", ":8:9: image: 'python 3' is not a valid image reference"},
        {"image = \"--privileged\"\n", "image", ":8:9: image: '--privileged' must not start with '-'"},
        {"id = \"Py Thon\"\n", "id", ":8:1: id: 'Py Thon' must be 1-64 lowercase letters"},
        {"file = \"/etc/passwd\"\n", "file", ":8:8: file: '/etc/passwd' must be a relative file name"},
        {"file = \"a/../../b.py\"\n", "file", ":8:8: file: 'a/../../b.py' must not contain '.' or '..'"},
        {"version = 3.11\n", "version", ":8:11: version: expected a string, found float"},
        {"[env]\n\"BAD-NAME\" = \"x\"\n", "", ":10:1: env: 'BAD-NAME' is not a valid variable name"},
        {"[env]\nX = 1\n", "", ":10:5: env.X: expected a string, found integer"},
        {"[limits]\nmemory = \"9G\"\n", "", ":10:1: limits.memory (9G) exceeds the admin cap caps.memory (2G)"},
        {"[limits]\nmemory = \"huge\"\n", "", ":10:10: limits.memory: 'huge' is not a size such as 256M or 1G"},
        {"[limits]\nswap = \"1G\"\n", "", ":10:1: unknown key 'limits.swap'"},
        {"[limits]\ncpus = 0\n", "", ":10:1: limits.cpus: must be greater than 0"},
        {"[limits]\nwall_time = \"0s\"\n", "", ":10:1: limits.wall_time: must be greater than 0"},
        {"[[faq]]\nquestion = \" \"\nanswer = \"a\"\n", "", ":10:1: faq[1].question: must not be empty"},
        {"[[faq]]\nquestion = \"Q\"\n", "", ":9:1: missing required key 'faq[1].answer'"},
        {"faq = \"none\"\n", "", ":9:7: faq: expected an array of tables, found string"},
        {"[pool]\nsize = 65\n", "", ":10:1: pool.size: must be from 0 to 64"},
        {"[pool]\nsize = -1\n", "", ":10:1: pool.size: must be from 0 to 64"},
        {"[pool]\nsize = \"2\"\n", "", ":10:8: pool.size: expected an integer, found string"},
        {"[pool]\nmax_age = \"1h\"\n", "", ":10:1: unknown key 'pool.max_age'"},
        {"[pool]\nwarmup = \"python3 -c pass\"\n", "",
         ":10:10: pool.warmup: expected an argv array of strings, found string"},
        {"[pool]\nwarmup = [\"python3\", 1]\n", "", ":10:22: pool.warmup[1]: expected a string, found integer"},
        {"[pool]\nwarmup = [\"\", \"-c\"]\n", "", ":10:1: pool.warmup[0]: the program name must not be empty"},
        {"[pool]\nwarmup = [\"python3\", \"{file}\"]\n", "",
         ":10:1: pool.warmup: {file} cannot be used: the warmup runs before any project file is there"},
        {"pool = 2\n", "", ":9:8: pool: expected a table, found integer"},
        {"name = \"x\n", "name", ":8:10: Error while parsing string"},
    }));
    std::string content;
    std::istringstream lines(valid_runtime);
    for (std::string line; std::getline(lines, line);)
        if (c.replace.empty() || !line.starts_with(c.replace + " "))
            content += line + "\n";
    TempDir dir;
    auto file = dir.write("runtimes.d/x.toml", content + c.extra);
    INFO(content + c.extra);
    CHECK_THAT(errors_of(dir), Catch::Matchers::StartsWith(file.string() + c.error));
}

TEST_CASE("duplicate ids across files name both files", "[catalog]")
{
    TempDir dir;
    dir.write("runtimes.d/a.toml", valid_runtime);
    auto b = dir.write("runtimes.d/b.toml", std::string("\n") + valid_runtime);
    CHECK(errors_of(dir) == b.string() + ":2:1: duplicate runtime id 'py' (already defined in " +
                                (dir.path() / "runtimes.d/a.toml").string() + ")");
}

TEST_CASE("an empty or missing catalog is an error", "[catalog]")
{
    TempDir dir;
    CHECK_THAT(errors_of(dir),
               Catch::Matchers::EndsWith("runtimes.d: cannot read runtime catalog: No such file or directory"));
    std::filesystem::create_directories(dir.path() / "runtimes.d");
    CHECK_THAT(errors_of(dir), Catch::Matchers::EndsWith("runtimes.d: no runtime definitions (*.toml) found"));
}

TEST_CASE("a broken file does not hide problems in the others", "[catalog]")
{
    TempDir dir;
    dir.write("runtimes.d/a.toml", "id = [\n");
    dir.write("runtimes.d/b.toml", std::string(valid_runtime) + "x = 1\n");
    dir.write("runtimes.d/c.toml", std::string(valid_runtime) + "y = 1\n");
    auto errors = errors_of(dir);
    CHECK(errors.find("a.toml:") != std::string::npos);
    CHECK(errors.find("b.toml:9:1: unknown key 'x'") != std::string::npos);
    CHECK(errors.find("c.toml:9:1: unknown key 'y'") != std::string::npos);
    CHECK(errors.find("c.toml:1:1: duplicate runtime id 'py'") != std::string::npos);
}

TEST_CASE("check_configuration gathers settings, catalog and FAQ problems together", "[catalog]")
{
    TempDir dir;
    SettingsRequest request;
    request.config_flag = dir.write("sbx.toml", "engine = \"lxc\"\n");
    dir.write("runtimes.d/a.toml", std::string(valid_runtime) + "x = 1\n");
    dir.write("faq.toml", "[[faq]]\nquestion = 1\nanswer = \"a\"\n");
    auto check = check_configuration(request);
    REQUIRE(check.problems.size() == 3);
    CHECK_THAT(check.problems[0].to_string(),
               Catch::Matchers::EndsWith("sbx.toml:1:10: engine: 'lxc' is not one of: podman, docker"));
    CHECK_THAT(check.problems[1].to_string(), Catch::Matchers::EndsWith("a.toml:9:1: unknown key 'x'"));
    CHECK_THAT(check.problems[2].to_string(),
               Catch::Matchers::EndsWith("faq.toml:2:12: faq[1].question: expected a string, found integer"));
}

TEST_CASE("get() suggests the closest id", "[catalog]")
{
    TempDir dir;
    dir.write("runtimes.d/a.toml", valid_runtime);
    auto catalog = RuntimeCatalog::load(settings_for(dir));
    CHECK(catalog.find("py"));
    CHECK_FALSE(catalog.find("px"));
    try {
        catalog.get("pz");
        FAIL("expected not_found");
    } catch (const sbx::Error& e) {
        CHECK(e.kind() == sbx::ErrorKind::not_found);
        CHECK(std::string(e.what()) == "no runtime 'pz' (did you mean 'py'?); `sbx runtime list` shows them all");
    }
}

TEST_CASE("commands expand {file} and {stem} and nothing else", "[catalog]")
{
    CHECK(expand_command({"javac", "{file}", "-o{stem}.bin", "${HOME}", "${file}:{file}"}, "Main.java") ==
          std::vector<std::string>{"javac", "./Main.java", "-oMain.bin", "${HOME}", "${file}:./Main.java"});
    CHECK(expand_command({"python3", "{file}"}, "src/main.py") == std::vector<std::string>{"python3", "./src/main.py"});
    // A name holding placeholder text is a name: what was put in is not expanded again.
    CHECK(expand_command({"{file}", "{stem}"}, "{stem}{file}.py") ==
          std::vector<std::string>{"./{stem}{file}.py", "{stem}{file}"});
}

TEST_CASE("a file name never becomes an option of a runtime's command", "[catalog]")
{
    // {file} is always ./NAME, so a name is a path whatever it begins with: "-", "--",
    // gcc's and javac's "@argfile", bash's "+o".
    for (std::string name : {"--version", "-o/work/pwn.c", "--privileged", "-x.py", "@opts.c", "+O.sh", "-"}) {
        INFO(name);
        auto argv = expand_command({"gcc", "-o", "main", "{file}", "-lm"}, name);
        CHECK(argv == std::vector<std::string>{"gcc", "-o", "main", "./" + name, "-lm"});
    }
    // A stem is a name, not a path (java's class): one that would begin an argument as an
    // option is refused, naming the entry; inside an argument it is only a value.
    CHECK(expand_command({"gcc", "-o{stem}", "{file}"}, "-x.c") == std::vector<std::string>{"gcc", "-o-x", "./-x.c"});
    for (std::string name : {"-x.java", "--version.java", "src/-Main.java", "@args.java", "+x.java"}) {
        INFO(name);
        try {
            expand_command({"java", "-cp", ".", "{stem}"}, name);
            FAIL("expanded");
        } catch (const sbx::Error& e) {
            CHECK(e.kind() == sbx::ErrorKind::usage);
            CHECK(e.field() == "entry");
            CHECK_THAT(e.what(), Catch::Contains("'" + name + "'"));
            CHECK_THAT(e.what(), Catch::Contains("option"));
        }
    }
    CHECK(expand_command({"java", "-cp", ".", "{stem}"}, "src/Main.java") ==
          std::vector<std::string>{"java", "-cp", ".", "Main"});
}

TEST_CASE("judge0_ids map Judge0's language ids to runtimes, each id once", "[catalog][judge0]")
{
    SettingsRequest request;
    request.config_flag = std::filesystem::path(SBX_SOURCE_DIR) / "etc/sbx.toml";
    auto shipped = RuntimeCatalog::load(load_settings(request).settings);
    REQUIRE(shipped.find_judge0(71));
    CHECK(shipped.find_judge0(71)->id == "python-3.11");
    CHECK(shipped.find_judge0(54)->id == "cpp-gcc-12");
    CHECK(shipped.find_judge0(50)->id == "c-gcc-12");
    CHECK(shipped.find_judge0(62)->id == "java-17");
    CHECK(shipped.find_judge0(63)->id == "node-18");
    CHECK(shipped.find_judge0(60)->id == "go-1.19");
    CHECK(shipped.find_judge0(72)->id == "ruby-3.1");
    CHECK(shipped.find_judge0(46)->id == "bash-5.2");
    CHECK(shipped.find_judge0(9999) == nullptr);

    TempDir dir;
    dir.write("runtimes.d/a.toml", std::string(valid_runtime) + "judge0_ids = [71]\n");
    std::string b = valid_runtime;
    b.replace(b.find("\"py\""), 4, "\"py2\"");
    dir.write("runtimes.d/b.toml", b + "judge0_ids = [70, 71]\n");
    auto errors = errors_of(dir);
    CHECK_THAT(errors, Catch::Contains("b.toml:9:1: judge0_ids: 71 is already mapped in"));
    CHECK_THAT(errors, Catch::Contains("a.toml"));

    TempDir bad;
    bad.write("runtimes.d/a.toml", std::string(valid_runtime) + "judge0_ids = [\"71\", 0]\n");
    auto bad_errors = errors_of(bad);
    CHECK_THAT(bad_errors, Catch::Contains("a.toml:9:15: judge0_ids: each must be a language id"));
    CHECK_THAT(bad_errors, Catch::Contains("a.toml:9:21: judge0_ids: each must be"));
}
