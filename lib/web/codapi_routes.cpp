// codapi's API: POST /v1/exec {sandbox, version?, command, files} answered with
// {id, ok, duration, stdout, stderr}, with codapi's statuses (400 a bad request, 404 an
// unknown sandbox or command, 413 too large, 429 busy), run as compat.codapi.account.
// Browsers on the pages compat.cors_origins lists may call it (codapi's embeddable snippets).
#include "web/api_error.hpp"
#include "web/call.hpp"
#include "web/codapi_request.hpp"
#include "web/compat_account.hpp"

namespace sbx::web {
namespace {

CompatApi codapi(const Call& call)
{
    return {"codapi", call.context.settings.compat.codapi};
}

void exec(Call& call)
{
    allow_listed_origin(call);
    std::string id = "-";
    with_api_errors(
        call, [&](int, const std::string& message) { return codapi_failure(id, message); },
        [&] {
            auto api = codapi(call);
            auto actor = compat_actor(call, api);
            auto request = parse_codapi_request(body_json(call));
            auto run = codapi_run_request(request, call.context.catalog);
            auto result = run_and_wait(call, api, actor, std::move(run));
            id = codapi_id(request, result.record.id);
            if (result.record.status == store::RunStatus::error || result.record.status == store::RunStatus::cancelled)
                throw Error(ErrorKind::internal, "run " + std::to_string(result.record.id) + " ended as " +
                                                     store::status_name(result.record.status) + ": " +
                                                     result.record.reason);
            call.reply(200, codapi_answer(id, result));
        });
}

void preflight(Call& call)
{
    with_api_errors(
        call, [](int, const std::string& message) { return codapi_failure("-", message); },
        [&] { answer_preflight(call, codapi(call)); });
}

} // namespace

void add_codapi_routes(Routes& routes)
{
    routes.add_open("POST", "/v1/exec", exec);
    routes.add_open("OPTIONS", "/v1/exec", preflight);
}

} // namespace sbx::web
