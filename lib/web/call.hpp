#pragma once
// What a route handler gets: the request, its path parameters, who is asking, and where
// to answer. Routes live in *_routes.cpp, one file per resource.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "account/actor.hpp"
#include "app/app_context.hpp"
#include "store/session_store.hpp"
#include "web/api.hpp"
#include "web/metrics.hpp"
#include "web/rate_limiter.hpp"
#include "web/router.hpp"

namespace sbx::web {

struct Call {
    const Request& request;
    const PathParams& params;
    Response& response;
    const StreamWriter& stream;
    app::AppContext& context;
    const ApiSetup& setup;
    Metrics& metrics;
    RateLimiter& limiter;
    std::optional<account::Actor> actor;           ///< set when logged in (or a token)
    std::optional<store::SessionRecord> session;   ///< the cookie's session, complete or not
    std::chrono::steady_clock::time_point started; ///< for uptime

    /// The actor, or HttpError(401).
    const account::Actor& user() const;
    /// A path parameter as a positive number, or HttpError(404).
    std::int64_t id(const std::string& name) const;
    /// 200/201 with a JSON body.
    void reply(int status, const nlohmann::json& body) const;
};

using Handler = std::function<void(Call&)>;

/// A route table: routes and their handlers in one place, added by the *_routes.cpp files.
struct Routes {
    Router router;
    std::vector<Handler> handlers;
    /// Routes that a cookie session without its TOTP step may use.
    std::vector<bool> partial_ok;
    /// Routes that answer with a long stream (events) rather than one response.
    std::vector<bool> streaming;
    /// Routes of a compatible API: no sbx login is read and no same-site check made; the
    /// route checks what its API requires (compat_account.hpp).
    std::vector<bool> open;

    void add(const char* method, const char* pattern, Handler handler, bool allow_partial = false);
    void add_stream(const char* method, const char* pattern, Handler handler);
    void add_open(const char* method, const char* pattern, Handler handler);
};

void add_health_routes(Routes& routes);
void add_catalog_routes(Routes& routes, const ApiSetup& setup);
void add_account_routes(Routes& routes);
void add_user_routes(Routes& routes);
void add_project_routes(Routes& routes);
void add_run_routes(Routes& routes);
void add_piston_routes(Routes& routes);
void add_codapi_routes(Routes& routes);
void add_judge0_routes(Routes& routes);

} // namespace sbx::web
