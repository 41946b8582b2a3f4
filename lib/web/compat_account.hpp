#pragma once
// What every compatible API (Piston, codapi, ...) shares: it carries no sbx login, so its
// requests run as the account sbx.toml names, after the checks sbx.toml asks for; its
// runs are submitted and waited for like the native API's ?wait=; browsers on the origins
// sbx.toml lists may call it. An adapter is one file of parsing and formatting over this.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/settings.hpp"
#include "runner/run_result.hpp"
#include "runner/run_service.hpp"
#include "web/call.hpp"

namespace sbx::web {

/// One compatible API as its routes see it.
struct CompatApi {
    std::string via; ///< "piston", "codapi": the label its runs carry
    const config::CompatApiSettings& settings;
    std::string token_header = {}; ///< another header the API's clients send a token in ("x-auth-token")
};

/// The account `api`'s requests run as, once they pass: the API is enabled (else 404, as
/// if it were not there), the Authorization header (or the API's own token header) holds an API token of that account
/// when one is required (else 401), and the client address is within the API's rate
/// (else 429 with Retry-After). Throws Error(config) when the account does not exist or
/// is disabled.
account::Actor compat_actor(Call& call, const CompatApi& api);

/// As compat_actor without the rate: for reads that start nothing (a Judge0 client
/// polling its submission).
account::Actor compat_caller(Call& call, const CompatApi& api);

/// Submits `request` as `actor`, labelled with the API, and hands it to a supervisor
/// without waiting: the run's id. Throws what project::submit_run throws.
std::int64_t start_run(Call& call, const CompatApi& api, const account::Actor& actor, runner::RunRequest request);

/// Submits `request` as `actor`, labelled with the API, hands it to a supervisor and
/// waits for its end (at most as long as the request's limits allow, plus a margin), then
/// collects its output capped at the run's output cap. A run that outlives the wait is
/// cancelled and Error(unavailable) thrown: the answer was promised with its output.
runner::RunResult run_and_wait(Call& call, const CompatApi& api, const account::Actor& actor,
                               runner::RunRequest request);

/// Sets Access-Control-Allow-Origin (and Vary) when the request's Origin is one of
/// compat.cors_origins; browsers keep any other origin's page from reading the answer.
void allow_listed_origin(Call& call);

/// An OPTIONS preflight: 204 with the methods and headers allowed for a listed origin;
/// 403 for any other; 404 when the API is off.
void answer_preflight(Call& call, const CompatApi& api);

/// How an API words an error: its body for a status and a message.
using ErrorFormat = std::function<nlohmann::json(int status, const std::string& message)>;

/// Runs `handler`, answering what it throws in the API's own words; the status comes from
/// the one table (http_status) or the HttpError, as for the native API.
void with_api_errors(Call& call, const ErrorFormat& format, const std::function<void()>& handler);

/// The request body as JSON, whatever its Content-Type says: clients of these APIs often
/// send JSON as text/plain or form data. Throws HttpError(400, field "body").
nlohmann::json body_json(const Call& call);

} // namespace sbx::web
