#pragma once
// codapi's exec request in sbx's terms (nalgeon/codapi internal/server and its docs): a
// sandbox names a runtime by language or alias, files map names to contents ("" is the
// entry file), and the answer is an Execution {id, ok, duration, stdout, stderr}, errors
// too, with the message in stderr.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/runtime_catalog.hpp"
#include "runner/run_result.hpp"
#include "runner/run_service.hpp"

namespace sbx::web {

struct CodapiRequest {
    std::string sandbox;
    std::string version; ///< "" : the newest
    std::string command; ///< "run" unless given
    std::vector<std::pair<std::string, std::string>> files;
};

/// Throws HttpError(400) naming the field.
CodapiRequest parse_codapi_request(const nlohmann::json& body);

/// The run of `request`: its sandbox is a runtime's language or alias, its version a
/// version range (see version_match.hpp). The file named "" or as the runtime's entry
/// file runs; otherwise the first. Throws HttpError(404) for an unknown sandbox or
/// command, as codapi does.
runner::RunRequest codapi_run_request(const CodapiRequest& request, const config::RuntimeCatalog& catalog);

/// "python_run_42": codapi's id shape, with the sbx run's id.
std::string codapi_id(const CodapiRequest& request, std::int64_t run_id);

/// The Execution of a run that ended; ok only when it succeeded. Why sbx stopped a run
/// (time, memory, output) ends its stderr, as codapi says so there too.
nlohmann::json codapi_answer(const std::string& id, const runner::RunResult& result);

/// The Execution codapi answers an error with.
nlohmann::json codapi_failure(const std::string& id, const std::string& message);

} // namespace sbx::web
