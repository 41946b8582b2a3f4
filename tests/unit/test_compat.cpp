// The compatible APIs' request reading and mapping (lib/web/version_match, piston_request,
// codapi_request): version ranges, encodings, aliases, clamping, errors naming the field.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"
#include "web/api_error.hpp"
#include "web/codapi_request.hpp"
#include "web/piston_request.hpp"
#include "web/version_match.hpp"

using namespace sbx;
using nlohmann::json;

namespace {

config::Runtime runtime(std::string id, std::string language, std::string version,
                        std::vector<std::string> aliases = {}, std::string file = "main.py")
{
    config::Runtime r;
    r.id = std::move(id);
    r.language = std::move(language);
    r.version = std::move(version);
    r.aliases = std::move(aliases);
    r.file = std::move(file);
    return r;
}

config::Limits caps()
{
    config::Limits c;
    c.memory = 2ull << 30;
    c.wall_time = std::chrono::minutes(5);
    c.compile_time = std::chrono::minutes(5);
    return c;
}

// The catalog of runtimes.d/*.toml files written as given.
config::RuntimeCatalog catalog_of(const test::TempDir& dir)
{
    config::SettingsRequest request;
    request.config_flag = dir.write("sbx.toml", "");
    return config::RuntimeCatalog::load(config::load_settings(request).settings);
}

std::string runtime_toml(const std::string& id, const std::string& language, const std::string& version,
                         const std::string& aliases, const std::string& file)
{
    return "id = \"" + id + "\"\nname = \"" + id + "\"\nlanguage = \"" + language + "\"\nversion = \"" + version +
           "\"\naliases = " + aliases + "\nimage = \"localhost/x:1\"\nfile = \"" + file +
           "\"\nhello_world = \"x\"\nrun = [\"./a\"]\n";
}

// The field and message of the HttpError `f` throws.
template <typename F>
std::pair<std::string, std::string> refusal(F f)
{
    try {
        f();
    } catch (const web::HttpError& e) {
        return {e.field(), e.what()};
    }
    FAIL("no HttpError");
    return {};
}

json python_hello()
{
    return {{"language", "python"}, {"version", "3.11"}, {"files", {{{"name", "a.py"}, {"content", "print(1)"}}}}};
}

} // namespace

TEST_CASE("version ranges as Piston's clients write them", "[compat]")
{
    using web::version_matches;
    CHECK(version_matches("3.11", "3.11"));
    CHECK(version_matches("3.11", "*"));
    CHECK(version_matches("3.11", "3.x"));
    CHECK(version_matches("3.11", "3.11.x"));
    CHECK(version_matches("3.11", "3.11.4")); // a runtime's version leaves the patch open
    CHECK_FALSE(version_matches("3.11", "3.10"));
    CHECK_FALSE(version_matches("3.11", "3.10.0"));
    CHECK(version_matches("3.11", ">=3.10"));
    CHECK_FALSE(version_matches("3.11", ">=3.12"));
    CHECK(version_matches("3.11", ">3.10"));
    CHECK_FALSE(version_matches("3.11", ">3")); // as semver: >3 is >=4.0.0
    CHECK_FALSE(version_matches("3.11", ">3.11"));
    CHECK(version_matches("3.11", "<4"));
    CHECK(version_matches("3.11", ">=3 <4"));
    CHECK_FALSE(version_matches("3.11", ">=3 <3.5"));
    CHECK(version_matches("3.11", "2.7 || 3.11"));
    CHECK(version_matches("3.11", "^3.1"));
    CHECK_FALSE(version_matches("4.0", "^3.1"));
    CHECK(version_matches("3.11", "~3.11"));
    CHECK_FALSE(version_matches("3.12", "~3.11"));
    CHECK(version_matches("gcc-12", "gcc-12"));
    CHECK(version_matches("gcc-12", "12.x"));
    CHECK(version_matches("gcc-12", ">=11"));
    CHECK_FALSE(version_matches("3.11", "three"));
    CHECK_FALSE(version_matches("3.11", "3.1a"));
}

TEST_CASE("a language or an alias finds the newest runtime that matches", "[compat]")
{
    test::TempDir dir;
    dir.write("runtimes.d/cpp-gcc-11.toml",
              runtime_toml("cpp-gcc-11", "c++", "gcc-11", "[\"cpp\", \"g++\"]", "main.cpp"));
    dir.write("runtimes.d/cpp-gcc-12.toml",
              runtime_toml("cpp-gcc-12", "c++", "gcc-12", "[\"cpp\", \"g++\"]", "main.cpp"));
    dir.write("runtimes.d/python-3.11.toml",
              runtime_toml("python-3.11", "python", "3.11", "[\"py\", \"python3\"]", "main.py"));
    auto catalog = catalog_of(dir);
    auto id = [&](std::string_view language, std::string_view range) {
        const auto* found = web::find_runtime(catalog, language, range);
        return found ? found->id : std::string("(none)");
    };
    CHECK(id("c++", "*") == "cpp-gcc-12");
    CHECK(id("cpp", "*") == "cpp-gcc-12");
    CHECK(id("CPP", "11.x") == "cpp-gcc-11");
    CHECK(id("g++", "gcc-11") == "cpp-gcc-11");
    CHECK(id("python3", "3.x") == "python-3.11");
    CHECK(id("py", ">=3.10") == "python-3.11");
    CHECK(id("python", "2.x") == "(none)");
    CHECK(id("brainfuck", "*") == "(none)");
}

TEST_CASE("Piston's execute request: files in three encodings, stdin, args, limits", "[compat]")
{
    auto body = python_hello();
    body["files"].push_back({{"content", "aGk="}, {"encoding", "base64"}});
    body["files"].push_back({{"content", "6869"}, {"encoding", "hex"}});
    body["stdin"] = "in";
    body["args"] = {"1", "2"};
    body["run_timeout"] = 3000;
    body["compile_timeout"] = 0; // Piston's "not given"
    auto request = web::parse_piston_request(body);
    REQUIRE(request.files.size() == 3);
    CHECK(request.files[0].content == "print(1)");
    CHECK(request.files[1].content == "hi");
    CHECK(request.files[2].content == "hi");
    CHECK(request.stdin_data == "in");
    CHECK(request.args == std::vector<std::string>{"1", "2"});
    CHECK(request.run_timeout_ms == 3000);
    CHECK_FALSE(request.compile_timeout_ms);

    auto run = web::piston_run_request(request, runtime("python-3.11", "python", "3.11"), caps());
    CHECK(run.runtime == "python-3.11");
    CHECK(run.files[0].name == "a.py");
    CHECK(run.files[1].name == "file1.code");
    CHECK(run.limits.wall_time == std::chrono::milliseconds(3000));
    CHECK_FALSE(run.limits.compile_time);
    CHECK(run.stdin_data == "in");
}

TEST_CASE("Piston's limits are clamped to sbx's caps; an unnamed first file is the entry file", "[compat]")
{
    json body = {{"language", "py"},
                 {"version", "*"},
                 {"files", {{{"content", "x"}}}},
                 {"run_timeout", 3'600'000},
                 {"compile_timeout", 10'000},
                 {"run_memory_limit", 1ll << 40},
                 {"compile_memory_limit", -1}};
    auto run =
        web::piston_run_request(web::parse_piston_request(body), runtime("python-3.11", "python", "3.11"), caps());
    CHECK(run.files[0].name == "main.py");
    CHECK(run.limits.wall_time == caps().wall_time);
    CHECK(run.limits.compile_time == std::chrono::milliseconds(10'000));
    CHECK(run.limits.memory == caps().memory);
}

TEST_CASE("Piston's bad requests are refused with its messages, naming the field", "[compat]")
{
    auto refused = [](json body) { return refusal([&] { web::parse_piston_request(body); }); };
    auto body = python_hello();
    body.erase("language");
    CHECK(refused(body) == std::pair<std::string, std::string>{"language", "language is required as a string"});
    body = python_hello();
    body["version"] = 3;
    CHECK(refused(body) == std::pair<std::string, std::string>{"version", "version is required as a string"});
    body = python_hello();
    body["files"] = "print(1)";
    CHECK(refused(body) == std::pair<std::string, std::string>{"files", "files is required as an array"});
    body = python_hello();
    body["files"].push_back({{"name", "b"}});
    CHECK(refused(body) ==
          std::pair<std::string, std::string>{"files[1].content", "files[1].content is required as a string"});
    body = python_hello();
    body["files"][0]["encoding"] = "utf16";
    CHECK(refused(body).first == "files[0].encoding");
    body = python_hello();
    body["files"][0]["encoding"] = "base64";
    body["files"][0]["content"] = "!!";
    CHECK(refused(body).first == "files[0].content");
    body = python_hello();
    body["run_timeout"] = "3s";
    CHECK(refused(body) ==
          std::pair<std::string, std::string>{"run_timeout", "If specified, run_timeout must be a number"});
    body = python_hello();
    body["files"][0]["encoding"] = "hex";
    body["files"][0]["content"] = "6869";
    auto only_binary = web::parse_piston_request(body);
    CHECK(refusal([&] { web::piston_run_request(only_binary, runtime("p", "python", "3.11"), caps()); }).second ==
          "files must include at least one utf8 encoded file");
}

TEST_CASE("Piston's answer: a compile failure, a killed run, a plain one", "[compat]")
{
    auto c = runtime("c-gcc-12", "c", "gcc-12", {"gcc"}, "main.c");
    c.compile = {"gcc", "{file}"};
    runner::RunResult failed;
    failed.ended = true;
    failed.record.status = store::RunStatus::failed;
    failed.record.stage = "compile";
    failed.record.exit_code = 1;
    failed.output = {"", "main.c:1: error\n", "main.c:1: error\n", false};
    auto answer = web::piston_answer(c, failed);
    CHECK(answer["language"] == "c");
    CHECK(answer["version"] == "gcc-12");
    CHECK(answer["compile"]["code"] == 1);
    CHECK(answer["compile"]["stderr"] == "main.c:1: error\n");
    CHECK(answer["run"] == answer["compile"]);

    runner::RunResult killed;
    killed.ended = true;
    killed.record.status = store::RunStatus::timeout;
    killed.record.stage = "run";
    killed.record.signal = 9;
    answer = web::piston_answer(runtime("python-3.11", "python", "3.11"), killed);
    CHECK_FALSE(answer.contains("compile"));
    CHECK(answer["run"]["signal"] == "SIGKILL");
    CHECK(answer["run"]["code"].is_null());
    CHECK(answer["run"]["status"] == "TO");

    runner::RunResult ok;
    ok.ended = true;
    ok.record.status = store::RunStatus::succeeded;
    ok.record.stage = "run";
    ok.record.exit_code = 0;
    ok.output = {"hi\n", "", "hi\n", false};
    answer = web::piston_answer(c, ok);
    CHECK(answer["compile"]["code"] == 0);
    CHECK(answer["run"]["stdout"] == "hi\n");
    CHECK(answer["run"]["output"] == "hi\n");
    CHECK(answer["run"]["signal"].is_null());
}

TEST_CASE("codapi's exec request: sandbox to runtime, the \"\" file is the entry file", "[compat]")
{
    test::TempDir dir;
    dir.write("runtimes.d/python-3.11.toml", runtime_toml("python-3.11", "python", "3.11", "[\"py\"]", "main.py"));
    auto catalog = catalog_of(dir);
    json body = {{"sandbox", "python"}, {"command", "run"}, {"files", {{"lib.py", "x = 1"}, {"", "print(1)"}}}};
    auto request = web::parse_codapi_request(body);
    CHECK(request.command == "run");
    auto run = web::codapi_run_request(request, catalog);
    CHECK(run.runtime == "python-3.11");
    REQUIRE(run.files.size() == 2);
    CHECK(run.files[0].name == "main.py");
    CHECK(run.files[0].content == "print(1)");
    CHECK(web::codapi_id(request, 42) == "python_run_42");

    body["sandbox"] = "cobol";
    auto unknown = web::parse_codapi_request(body);
    CHECK(refusal([&] { web::codapi_run_request(unknown, catalog); }).first == "sandbox");
    body["sandbox"] = "py";
    body["command"] = "test";
    auto command = web::parse_codapi_request(body);
    CHECK(refusal([&] { web::codapi_run_request(command, catalog); }).first == "command");
    CHECK(refusal([&] { web::parse_codapi_request(json{{"files", {{"", "x"}}}}); }).first == "sandbox");
    CHECK(refusal([&] { web::parse_codapi_request(json{{"sandbox", "python"}}); }).first == "files");

    runner::RunResult timeout;
    timeout.ended = true;
    timeout.record.status = store::RunStatus::timeout;
    timeout.record.reason = "run time limit of 10s reached";
    timeout.record.wall_ms = 10'000;
    timeout.output = {"a\n", "b", "a\nb", false};
    auto answer = web::codapi_answer("python_run_1", timeout);
    CHECK(answer["ok"] == false);
    CHECK(answer["duration"] == 10'000);
    CHECK(answer["stderr"] == "b\nrun time limit of 10s reached");
}
