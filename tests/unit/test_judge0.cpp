#include <catch2/catch.hpp>

#include <csignal>

#include "config/runtime_catalog.hpp"
#include "runner/run_json.hpp"
#include "web/api_error.hpp"
#include "web/judge0_request.hpp"

using namespace sbx;
using store::RunStatus;

namespace {

store::RunRecord ended(RunStatus status, std::string stage = "run", std::optional<int> code = 0,
                       std::optional<int> signal = std::nullopt)
{
    store::RunRecord r;
    r.status = status;
    r.stage = std::move(stage);
    r.exit_code = code;
    r.signal = signal;
    return r;
}

int status_of(const store::RunRecord& r, const std::string& out = "", std::optional<std::string> expected = {})
{
    return web::judge0_status(r, out, expected).id;
}

config::RuntimeCatalog shipped()
{
    config::SettingsRequest request;
    request.config_flag = std::filesystem::path(SBX_SOURCE_DIR) / "etc/sbx.toml";
    return config::RuntimeCatalog::load(config::load_settings(request).settings);
}

config::Limits caps()
{
    config::Limits limits;
    limits.wall_time = std::chrono::seconds(15);
    limits.memory = 512u << 20;
    return limits;
}

} // namespace

TEST_CASE("Judge0 statuses come from the run's outcome", "[judge0]")
{
    CHECK(status_of(ended(RunStatus::queued)) == 1);
    CHECK(status_of(ended(RunStatus::running)) == 2);
    CHECK(status_of(ended(RunStatus::succeeded)) == 3);
    CHECK(status_of(ended(RunStatus::timeout)) == 5);
    CHECK(status_of(ended(RunStatus::failed, "compile", 1)) == 6);
    CHECK(status_of(ended(RunStatus::failed, "run", std::nullopt, SIGSEGV)) == 7);
    CHECK(status_of(ended(RunStatus::failed, "run", 128 + SIGXFSZ)) == 8);
    CHECK(status_of(ended(RunStatus::output_limit)) == 8);
    CHECK(status_of(ended(RunStatus::failed, "run", std::nullopt, SIGFPE)) == 9);
    CHECK(status_of(ended(RunStatus::failed, "run", 128 + SIGABRT)) == 10);
    CHECK(status_of(ended(RunStatus::failed, "run", 3)) == 11);
    CHECK(status_of(ended(RunStatus::failed, "run", std::nullopt, SIGKILL)) == 12);
    CHECK(status_of(ended(RunStatus::error)) == 13);
    CHECK(std::string(web::judge0_status(ended(RunStatus::failed, "run", 1), "", {}).description) ==
          "Runtime Error (NZEC)");
    CHECK(web::judge0_statuses().size() == 14);
    CHECK(web::judge0_statuses()[13] == nlohmann::json{{"id", 14}, {"description", "Exec Format Error"}});
}

TEST_CASE("expected_output is compared as Judge0 does: trailing whitespace does not count", "[judge0]")
{
    auto ok = ended(RunStatus::succeeded);
    CHECK(status_of(ok, "hello\n", "hello") == 3);
    CHECK(status_of(ok, "a  \nb\n\n", "a\nb") == 3);
    CHECK(status_of(ok, "hello\n", "world") == 4);
    CHECK(status_of(ok, " a\n", "a") == 3);     // the whole text is stripped at both ends
    CHECK(status_of(ok, "a\n b", "a\nb") == 4); // a line's leading space counts
}

TEST_CASE("a Judge0 submission is read with Judge0's validation messages", "[judge0]")
{
    auto catalog = shipped();
    auto parse = web::parse_judge0_submission(nlohmann::json::object(), false, catalog, caps());
    CHECK_FALSE(parse.input);
    CHECK(parse.errors == nlohmann::json{{"source_code", {"can't be blank"}}, {"language_id", {"can't be blank"}}});

    parse = web::parse_judge0_submission({{"source_code", "x"}, {"language_id", 9999}}, false, catalog, caps());
    CHECK(parse.errors == nlohmann::json{{"language_id", {"language with id 9999 doesn't exist"}}});

    parse = web::parse_judge0_submission({{"source_code", "x"}, {"language_id", 71}, {"cpu_time_limit", 99}}, false,
                                         catalog, caps());
    CHECK(parse.errors == nlohmann::json{{"cpu_time_limit", {"must be less than or equal to 15"}}});
    parse = web::parse_judge0_submission({{"source_code", "x"}, {"language_id", 71}, {"memory_limit", "lots"}}, false,
                                         catalog, caps());
    CHECK(parse.errors == nlohmann::json{{"memory_limit", {"is not a number"}}});

    parse = web::parse_judge0_submission({{"source_code", "cHJpbnQoMSk=\n"},
                                          {"language_id", "71"},
                                          {"stdin", "eA=="},
                                          {"cpu_time_limit", 2},
                                          {"wall_time_limit", 5},
                                          {"memory_limit", 65536},
                                          {"command_line_arguments", "a  b"}},
                                         true, catalog, caps());
    REQUIRE(parse.input);
    CHECK(parse.runtime->id == "python-3.11");
    CHECK(parse.input->source_code == "print(1)");
    CHECK(parse.input->stdin_data == "x");
    auto run = web::judge0_run_request(*parse.input, *parse.runtime);
    CHECK(run.files.at(0).name == "main.py");
    CHECK(run.limits.wall_time == std::chrono::seconds(2));
    CHECK(run.limits.memory == 64u << 20);
    CHECK(run.args == std::vector<std::string>{"a", "b"});

    parse = web::parse_judge0_submission({{"source_code", "!!"}, {"language_id", 71}}, true, catalog, caps());
    CHECK(parse.errors == nlohmann::json{{"source_code", {"is not valid base64"}}});
}

TEST_CASE("a Judge0 answer: fields, base64 and output that is not UTF-8", "[judge0]")
{
    runner::RunResult result{ended(RunStatus::succeeded), true, {}};
    result.record.cpu_ms = 12;
    result.record.wall_ms = 40;
    result.record.peak_memory_bytes = 3 << 20;
    result.output.stdout_text = "hi\n";
    web::Judge0Submission submission{"tok", 71, "hi", false};
    auto view = web::judge0_view(submission, result, false);
    CHECK(view["stdout"] == "hi\n");
    CHECK(view["stderr"] == nullptr);
    CHECK(view["time"] == "0.012");
    CHECK(view["wall_time"] == "0.040");
    CHECK(view["memory"] == 3072);
    CHECK(view["status"] == nlohmann::json{{"id", 3}, {"description", "Accepted"}});

    auto chosen = web::judge0_select(view, std::nullopt);
    CHECK(chosen.size() == web::judge0_default_fields().size());
    CHECK_FALSE(chosen.contains("exit_code"));
    CHECK(web::judge0_select(view, "status_id,stdout") == nlohmann::json{{"status_id", 3}, {"stdout", "hi\n"}});
    CHECK(web::judge0_select(view, "*").contains("exit_code"));
    CHECK_THROWS_WITH(web::judge0_select(view, "stdout,bogus"), "invalid fields: [bogus]");

    CHECK(web::judge0_view(submission, result, true)["stdout"] == runner::base64("hi\n"));
    result.output.stdout_text = "\xff\xfe";
    CHECK_THROWS_AS(web::judge0_view(submission, result, false), web::HttpError);
    CHECK(web::judge0_view(submission, result, true)["stdout"] == runner::base64("\xff\xfe"));

    runner::RunResult compile{ended(RunStatus::failed, "compile", 1), true, {}};
    compile.output.output = "main.c:1: error\n";
    auto failed = web::judge0_view({"t", 50, std::nullopt, false}, compile, false);
    CHECK(failed["status"]["id"] == 6);
    CHECK(failed["compile_output"] == "main.c:1: error\n");
    CHECK(failed["stdout"] == nullptr);
}
