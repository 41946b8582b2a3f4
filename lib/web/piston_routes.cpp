// Piston's v2 API (HTTP): GET /api/v2/runtimes and POST /api/v2/execute, answered as
// Piston answers them, run as compat.piston.account. Errors are {"message": ...}.
#include "web/api_error.hpp"
#include "web/call.hpp"
#include "web/compat_account.hpp"
#include "web/piston_request.hpp"
#include "web/version_match.hpp"

namespace sbx::web {
namespace {

CompatApi piston(const Call& call)
{
    return {"piston", call.context.settings.compat.piston};
}

nlohmann::json piston_error(int, const std::string& message)
{
    return {{"message", message}};
}

void runtimes(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, piston_error, [&] {
        if (!piston(call).settings.enabled)
            throw HttpError(ErrorKind::not_found, "not-found", "no such endpoint");
        auto list = nlohmann::json::array();
        for (const auto& runtime : call.context.catalog.runtimes())
            list.push_back(piston_runtime(runtime));
        call.reply(200, list);
    });
}

void execute(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, piston_error, [&] {
        auto api = piston(call);
        auto actor = compat_actor(call, api);
        auto request = parse_piston_request(body_json(call));
        const auto* runtime = find_runtime(call.context.catalog, request.language, request.version);
        if (!runtime)
            throw HttpError(400, "not-found", request.language + "-" + request.version + " runtime is unknown",
                            "language");
        auto result = run_and_wait(call, api, actor, piston_run_request(request, *runtime, call.context.settings.caps));
        if (result.record.status == store::RunStatus::error || result.record.status == store::RunStatus::cancelled)
            throw Error(ErrorKind::internal, "run " + std::to_string(result.record.id) + " ended as " +
                                                 store::status_name(result.record.status) + ": " +
                                                 result.record.reason);
        call.reply(200, piston_answer(*runtime, result));
    });
}

void preflight(Call& call)
{
    with_api_errors(call, piston_error, [&] { answer_preflight(call, piston(call)); });
}

} // namespace

void add_piston_routes(Routes& routes)
{
    routes.add_open("GET", "/api/v2/runtimes", runtimes);
    routes.add_open("POST", "/api/v2/execute", execute);
    routes.add_open("OPTIONS", "/api/v2/execute", preflight);
    routes.add_open("OPTIONS", "/api/v2/runtimes", preflight);
    // The public instance's path (emkc.org/api/v2/piston/...): clients written for it work too.
    routes.add_open("GET", "/api/v2/piston/runtimes", runtimes);
    routes.add_open("POST", "/api/v2/piston/execute", execute);
    routes.add_open("OPTIONS", "/api/v2/piston/execute", preflight);
}

} // namespace sbx::web
