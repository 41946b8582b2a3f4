#pragma once
// Judge0 CE's API in sbx's terms: a submission read and checked with Judge0's messages,
// turned into a run request, and a run's state written as Judge0's submission. Judge0's
// words and ids are its source's (judge0/judge0 app/models/{submission,status}.rb); its
// clients match on them.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/runtime_catalog.hpp"
#include "runner/run_result.hpp"
#include "runner/run_service.hpp"

namespace sbx::web {

struct Judge0Input {
    int language_id = 0;
    std::string source_code; ///< decoded
    std::optional<std::string> stdin_data;
    std::optional<std::string> expected_output;
    std::optional<double> cpu_time_limit;     ///< seconds
    std::optional<double> wall_time_limit;    ///< seconds
    std::optional<std::int64_t> memory_limit; ///< KB
    std::vector<std::string> args;
    bool redirect_stderr = false;
};

/// A submission, or Judge0's validation errors: {"field": ["message", ...]} (a 422).
struct Judge0Parse {
    std::optional<Judge0Input> input;
    const config::Runtime* runtime = nullptr;
    nlohmann::json errors = nlohmann::json::object();
};

/// Reads a submission; with `base64`, source_code, stdin and expected_output are base64.
/// Limits above the admin's caps are refused, as Judge0 refuses those above its maxima.
Judge0Parse parse_judge0_submission(const nlohmann::json& body, bool base64, const config::RuntimeCatalog& catalog,
                                    const config::Limits& caps);

/// The run of a submission on its runtime: the source is the runtime's entry file; the
/// stricter of the time limits given bounds the run.
runner::RunRequest judge0_run_request(const Judge0Input& input, const config::Runtime& runtime);

struct Judge0Status {
    int id;
    const char* description;
};

/// Judge0's status of a run as it stands: 1-2 until it ends, then 3-14 from its outcome
/// and, when it succeeded, from its stdout against `expected_output`.
Judge0Status judge0_status(const store::RunRecord& record, const std::string& stdout_text,
                           const std::optional<std::string>& expected_output);

/// Every Judge0 status, {id, description}, by id.
nlohmann::json judge0_statuses();

/// Judge0's comparison: each line's trailing whitespace and the text's surrounding
/// whitespace do not count.
bool judge0_same_output(const std::string& expected, const std::string& actual);

/// What a submission's answer is made from.
struct Judge0Submission {
    std::string token;
    int language_id = 0;
    std::optional<std::string> expected_output;
    bool redirect_stderr = false;
};

/// Every field sbx knows of a submission; outputs are base64 with `base64`. Without it,
/// an output that is not UTF-8 makes Judge0's 400 (HttpError field "base64_encoded").
nlohmann::json judge0_view(const Judge0Submission& submission, const runner::RunResult& result, bool base64);

/// Judge0's fields a GET answers when ?fields= is not given.
const std::vector<std::string>& judge0_default_fields();

/// The `fields` of `view` ("*": all of them). Throws HttpError(400) naming unknown ones.
nlohmann::json judge0_select(const nlohmann::json& view, const std::optional<std::string>& fields);

} // namespace sbx::web
