#include "web/api.hpp"

#include <optional>
#include <string_view>

#include "account/sessions.hpp"
#include "account/users.hpp"
#include "store/user_store.hpp"
#include "web/api_error.hpp"
#include "web/call.hpp"

namespace sbx::web {
namespace {

constexpr const char* session_cookie = "sbx_session";

bool changes_state(const std::string& method)
{
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// A site as browsers compare origins: scheme, lower-case host, port (the scheme's default
// when none is given). Anything else in the text (a path, user info) makes it no site.
struct Site {
    std::string scheme;
    std::string host;
    std::string port;
    bool operator==(const Site&) const = default;
};

std::optional<Site> parse_authority(const std::string& scheme, std::string_view text)
{
    Site site{scheme, {}, scheme == "https" ? "443" : "80"};
    std::string_view port;
    if (text.starts_with('[')) {
        auto close = text.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        site.host = std::string(text.substr(0, close + 1));
        text.remove_prefix(close + 1);
        if (!text.empty()) {
            if (text.front() != ':')
                return std::nullopt;
            port = text.substr(1);
        }
    } else {
        auto colon = text.find(':');
        site.host = std::string(text.substr(0, colon));
        if (colon != std::string_view::npos)
            port = text.substr(colon + 1);
    }
    const char* not_in_host = site.host.starts_with('[') ? "/?#@\\ " : "/?#@\\[] ";
    if (site.host.empty() ||
        site.host.find_first_of(not_in_host, site.host.starts_with('[') ? 1 : 0) != std::string::npos)
        return std::nullopt;
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        site.port = std::string(port);
    }
    for (auto& c : site.host)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return site;
}

std::optional<Site> parse_origin(std::string_view origin)
{
    auto scheme_end = origin.find("://");
    if (scheme_end == std::string_view::npos)
        return std::nullopt;
    std::string scheme(origin.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https")
        return std::nullopt;
    return parse_authority(scheme, origin.substr(scheme_end + 3));
}

// Cross-site requests riding on a cookie are refused; tokens are not sent by browsers on their own.
void check_same_site(const Request& request)
{
    if (request.header("sec-fetch-site") == "cross-site")
        throw HttpError(ErrorKind::forbidden, "cross-site", "cross-site requests may not change anything");
    std::string origin = request.header("origin");
    if (origin.empty())
        return;
    auto from = parse_origin(origin);
    auto here = parse_authority(request.https ? "https" : "http", request.header("host"));
    if (!from || !here || *from != *here)
        throw HttpError(ErrorKind::forbidden, "cross-site",
                        "the request's Origin (" + origin.substr(0, 100) + ") is not this site (" +
                            std::string(request.https ? "https" : "http") + "://" +
                            request.header("host").substr(0, 100) + ")");
}

bool has_header(const Response& response, const std::string& name)
{
    for (const auto& [key, value] : response.headers)
        if (key == name)
            return true;
    return false;
}

account::Actor actor_of(store::Database& db, std::int64_t user_id)
{
    auto user = store::UserStore(db).get(user_id);
    if (user.disabled)
        throw HttpError(401, "unauthenticated", "this account is disabled");
    return {user.id, user.name, user.admin};
}

} // namespace

struct Api::State {
    explicit State(ApiSetup s) : setup(std::move(s)) {}

    ApiSetup setup;
    Routes routes;
    Metrics metrics;
    RateLimiter limiter;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

const account::Actor& Call::user() const
{
    if (!actor)
        throw HttpError(401, "unauthenticated", "log in first");
    return *actor;
}

std::int64_t Call::id(const std::string& name) const
{
    const std::string& text = params.at(name);
    std::int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || value > 1'000'000'000'000)
            throw HttpError(ErrorKind::not_found, "not-found", "no " + name + " '" + text.substr(0, 40) + "'", name);
        value = value * 10 + (c - '0');
    }
    if (value == 0)
        throw HttpError(ErrorKind::not_found, "not-found", "no " + name + " '" + text.substr(0, 40) + "'", name);
    return value;
}

void Call::reply(int status, const nlohmann::json& body) const
{
    response.json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Routes::add(const char* method, const char* pattern, Handler handler, bool allow_partial)
{
    router.add(method, pattern);
    handlers.push_back(std::move(handler));
    partial_ok.push_back(allow_partial);
    streaming.push_back(false);
    open.push_back(false);
}

void Routes::add_stream(const char* method, const char* pattern, Handler handler)
{
    add(method, pattern, std::move(handler));
    streaming.back() = true;
}

void Routes::add_open(const char* method, const char* pattern, Handler handler)
{
    add(method, pattern, std::move(handler));
    open.back() = true;
}

Api::Api(ApiSetup setup) : state_(std::make_unique<State>(std::move(setup)))
{
    add_health_routes(state_->routes);
    add_catalog_routes(state_->routes, state_->setup);
    add_account_routes(state_->routes);
    add_user_routes(state_->routes);
    add_project_routes(state_->routes);
    add_run_routes(state_->routes);
    add_piston_routes(state_->routes);
    add_codapi_routes(state_->routes);
    add_judge0_routes(state_->routes);
}

Api::~Api() = default;

bool Api::streams(const Request& request) const
{
    const auto& routes = state_->routes;
    RouteMatch match = routes.router.match(request.method, request.path);
    return match.route && routes.streaming[static_cast<std::size_t>(match.route - routes.router.routes().data())];
}

void Api::handle(const Request& request, store::Database& db, Response& response, const StreamWriter& stream)
{
    auto& s = *state_;
    std::string route_name = "(none)";
    try {
        RouteMatch match = s.routes.router.match(request.method, request.path);
        if (!match.route) {
            if (match.path_known) {
                set_error(response, 405, "method-not-allowed", request.method + " is not allowed here");
                response.set_header("Allow", s.routes.router.allowed(request.path));
            } else {
                set_error(response, http_status(ErrorKind::not_found), "not-found", "no such endpoint");
            }
            s.metrics.count_request(route_name, response.status);
            return;
        }
        route_name = match.route->name;
        auto index = static_cast<std::size_t>(match.route - s.routes.router.routes().data());
        app::AppContext context{s.setup.settings, s.setup.catalog, db, s.setup.supervisor_command};
        Call call{request,   match.params, response,     stream,       context,  s.setup,
                  s.metrics, s.limiter,    std::nullopt, std::nullopt, s.started};

        if (auto wait = s.limiter.take("ip:" + request.remote_addr, s.setup.settings.web.requests_per_minute)) {
            set_error(response, http_status(ErrorKind::limit), "rate-limited",
                      "too many requests from this address; slow down");
            response.set_header("Retry-After", std::to_string(wait->count()));
            s.metrics.count_request(route_name, 429);
            return;
        }

        // A compatible API's client has no sbx login, and its browser pages are other sites.
        if (!s.routes.open[index]) {
            std::string authorization = request.header("authorization");
            if (authorization.starts_with("Bearer ")) {
                auto token = account::check_api_token(db, authorization.substr(7));
                if (!token)
                    throw HttpError(401, "unauthenticated", "that API token is not valid");
                call.actor = actor_of(db, token->user_id);
            } else if (auto cookie = request.cookie(session_cookie)) {
                const auto& web = s.setup.settings.web;
                account::SessionPolicy policy{std::chrono::duration_cast<std::chrono::seconds>(web.session_ttl),
                                              std::chrono::duration_cast<std::chrono::seconds>(web.idle_timeout)};
                call.session = account::check_session(db, *cookie, policy, std::chrono::system_clock::now());
                if (call.session && (call.session->complete || s.routes.partial_ok[index]))
                    call.actor = actor_of(db, call.session->user_id);
            }
            // Without a token, a browser may be carrying the request for another site: a
            // cookie, or a login into the attacker's account. Tokens are never sent implicitly.
            if (!authorization.starts_with("Bearer ") && changes_state(request.method))
                check_same_site(request);
        }
        s.routes.handlers[index](call);
    } catch (const HttpError& e) {
        set_error(response, e.status(), e.code(), e.what(), e.field());
    } catch (const Error& e) {
        set_error(response, http_status(e.kind()), kind_name(e.kind()), e.what(), e.field());
        if (e.kind() == ErrorKind::limit && !has_header(response, "Retry-After"))
            response.set_header("Retry-After", "60");
    } catch (const std::exception& e) {
        set_error(response, 500, "internal", std::string("internal error: ") + e.what());
    }
    s.metrics.count_request(route_name, response.status);
}

} // namespace sbx::web
