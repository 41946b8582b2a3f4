#include "web/compat_account.hpp"

#include <algorithm>

#include "account/sessions.hpp"
#include "project/project_runs.hpp"
#include "store/user_store.hpp"
#include "web/api_error.hpp"

namespace sbx::web {
namespace {

// Beyond the run's own limits: time to be admitted, to start a sandbox and to end it.
constexpr std::chrono::seconds wait_margin{30};
// Below nginx's fastcgi_read_timeout (120 s): an answer later than that reaches nobody.
constexpr std::chrono::seconds longest_wait{110};

std::string token_of(const std::string& authorization)
{
    if (authorization.starts_with("Bearer "))
        return authorization.substr(7);
    return authorization;
}

} // namespace

account::Actor compat_caller(Call& call, const CompatApi& api)
{
    if (!api.settings.enabled)
        throw HttpError(ErrorKind::not_found, "not-found", "no such endpoint");
    auto user = store::UserStore(call.context.db).find(api.settings.account);
    if (!user || user->disabled)
        throw Error(ErrorKind::config, "compat." + api.via + ".account: no enabled sbx user '" + api.settings.account +
                                           "' (sbx user add " + api.settings.account + ")");
    if (api.settings.require_token) {
        auto authorization = call.request.header("authorization");
        if (authorization.empty() && !api.token_header.empty())
            authorization = call.request.header(api.token_header);
        auto token =
            authorization.empty() ? std::nullopt : account::check_api_token(call.context.db, token_of(authorization));
        if (!token || token->user_id != user->id)
            throw HttpError(401, "unauthenticated",
                            "an Authorization header with an API token of '" + api.settings.account + "' is required",
                            "Authorization");
    }
    return {user->id, user->name, user->admin};
}

account::Actor compat_actor(Call& call, const CompatApi& api)
{
    auto actor = compat_caller(call, api);
    auto per_minute = api.settings.requests_per_minute;
    if (auto wait = call.limiter.take("compat:" + api.via + ":" + call.request.remote_addr, per_minute)) {
        call.response.set_header("Retry-After", std::to_string(wait->count()));
        throw HttpError(ErrorKind::limit, "rate-limited",
                        "at most " + std::to_string(per_minute) + " runs a minute from one address (compat." + api.via +
                            ".requests_per_minute)");
    }
    return actor;
}

std::int64_t start_run(Call& call, const CompatApi& api, const account::Actor& actor, runner::RunRequest request)
{
    request.via = api.via;
    auto id = project::submit_run(call.context, actor, std::move(request));
    runner::supervise_detached(call.context, id);
    return id;
}

runner::RunResult run_and_wait(Call& call, const CompatApi& api, const account::Actor& actor,
                               runner::RunRequest request)
{
    const auto& settings = call.context.settings;
    auto compile = request.limits.compile_time.value_or(settings.caps.compile_time);
    auto wall = request.limits.wall_time.value_or(settings.caps.wall_time);
    auto wait = std::min<std::chrono::milliseconds>(compile + wall + wait_margin, longest_wait);
    auto id = start_run(call, api, actor, std::move(request));
    auto cap = static_cast<std::size_t>(settings.caps.output_bytes);
    auto result = runner::wait_for_result(call.context.db, id, wait, cap);
    if (!result.ended) {
        runner::cancel(call.context, id, "no end within the " + api.via + " request's wait");
        throw Error(ErrorKind::unavailable, "run " + std::to_string(id) + " did not end in time; it was cancelled");
    }
    return result;
}

void allow_listed_origin(Call& call)
{
    auto origin = call.request.header("origin");
    const auto& listed = call.context.settings.compat.cors_origins;
    call.response.set_header("Vary", "Origin");
    if (!origin.empty() && std::find(listed.begin(), listed.end(), origin) != listed.end())
        call.response.set_header("Access-Control-Allow-Origin", origin);
}

void answer_preflight(Call& call, const CompatApi& api)
{
    if (!api.settings.enabled)
        throw HttpError(ErrorKind::not_found, "not-found", "no such endpoint");
    auto origin = call.request.header("origin");
    const auto& listed = call.context.settings.compat.cors_origins;
    if (std::find(listed.begin(), listed.end(), origin) == listed.end())
        throw HttpError(ErrorKind::forbidden, "cross-site",
                        "origin '" + origin.substr(0, 100) + "' is not in compat.cors_origins", "Origin");
    allow_listed_origin(call);
    call.response.set_header("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    call.response.set_header("Access-Control-Allow-Headers", api.token_header.empty()
                                                                 ? "authorization, content-type"
                                                                 : "authorization, content-type, " + api.token_header);
    call.response.set_header("Access-Control-Max-Age", "3600");
    call.response.status = 204;
}

void with_api_errors(Call& call, const ErrorFormat& format, const std::function<void()>& handler)
{
    auto answer = [&](int status, const std::string& message) {
        // Headers already set stay (Retry-After, CORS); a half-built body does not.
        call.response.json(status,
                           format(status, message).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    };
    try {
        handler();
    } catch (const HttpError& e) {
        answer(e.status(), e.what());
    } catch (const Error& e) {
        auto& headers = call.response.headers;
        if (e.kind() == ErrorKind::limit &&
            std::none_of(headers.begin(), headers.end(), [](const auto& h) { return h.first == "Retry-After"; }))
            call.response.set_header("Retry-After", "60");
        answer(http_status(e.kind()), e.what());
    }
}

nlohmann::json body_json(const Call& call)
{
    auto json = nlohmann::json::parse(call.request.body, nullptr, false);
    if (json.is_discarded())
        throw HttpError(400, "invalid", "the body is not JSON", "body");
    return json;
}

} // namespace sbx::web
