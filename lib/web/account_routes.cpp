// Accounts over HTTP: sign up, log in (password, then TOTP when on), log out, oneself,
// TOTP enrolment and API tokens.
#include "account/sessions.hpp"
#include "account/two_factor.hpp"
#include "account/user_json.hpp"
#include "account/users.hpp"
#include "store/user_store.hpp"
#include "web/api_error.hpp"
#include "web/call.hpp"
#include "web/json_input.hpp"

namespace sbx::web {
namespace {

constexpr std::uint32_t totp_guesses_per_minute = 5;

void set_session_cookie(Call& call, const std::string& token)
{
    auto ttl = std::chrono::duration_cast<std::chrono::seconds>(call.context.settings.web.session_ttl).count();
    std::string cookie = "sbx_session=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(ttl);
    if (call.request.https)
        cookie += "; Secure";
    call.response.set_header("Set-Cookie", cookie);
}

void clear_session_cookie(Call& call)
{
    call.response.set_header("Set-Cookie", std::string("sbx_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0") +
                                               (call.request.https ? "; Secure" : ""));
}

nlohmann::json user_body(Call& call, std::int64_t user_id)
{
    return account::user_json(store::UserStore(call.context.db).get(user_id), call.context.settings.quotas);
}

void too_many(Call& call, std::chrono::seconds wait, const std::string& what)
{
    call.response.set_header("Retry-After", std::to_string(wait.count()));
    throw HttpError(ErrorKind::limit, "rate-limited", what + "; try again in " + std::to_string(wait.count()) + " s");
}

// Every check of a secret is limited as login is: per account and per address, reserved
// before the check so that racing guesses cannot all get past it; only failures count.
class CodeGuesses {
  public:
    CodeGuesses(Call& call, const std::string& what, std::int64_t user_id)
        : call_(call), by_account_(what + ":" + std::to_string(user_id)),
          by_address_(what + "-ip:" + call.request.remote_addr)
    {
        if (auto wait = call.limiter.take_all({by_account_, by_address_}, totp_guesses_per_minute))
            too_many(call, *wait, "too many codes tried");
    }
    void succeeded()
    {
        call_.limiter.give_back(by_account_);
        call_.limiter.give_back(by_address_);
    }

  private:
    Call& call_;
    std::string by_account_;
    std::string by_address_;
};

void sign_up(Call& call)
{
    if (call.context.settings.web.signup != "on")
        throw HttpError(ErrorKind::forbidden, "forbidden", "sign-up is off here: ask the admin for an account");
    JsonInput in(call.request);
    auto name = in.required_string("name");
    auto password = in.required_string("password");
    in.finish();
    if (auto wait = call.limiter.take("signup:" + call.request.remote_addr, 10))
        too_many(call, *wait, "too many sign-ups from this address");
    auto user = account::sign_up(call.context.db, name, password);
    auto opened = account::open_session(call.context.db, user.id, true, std::chrono::system_clock::now());
    set_session_cookie(call, opened.token);
    call.reply(201, account::user_json(user, call.context.settings.quotas));
}

void log_in(Call& call)
{
    JsonInput in(call.request);
    auto name = in.required_string("name");
    auto password = in.required_string("password");
    in.finish();
    auto per_minute = call.context.settings.web.login_attempts_per_minute;
    const std::string by_account = "login:" + name.substr(0, 64);
    const std::string by_address = "login-ip:" + call.request.remote_addr;
    if (auto wait = call.limiter.take_all({by_account, by_address}, per_minute))
        too_many(call, *wait, "too many failed logins");
    auto user = account::authenticate(call.context.db, name, password);
    if (!user) {
        call.metrics.count_login_failure();
        throw HttpError(401, "unauthenticated", "wrong name or password");
    }
    // Only failures count: the attempt reserved above is returned.
    call.limiter.clear(by_account);
    call.limiter.give_back(by_address);
    auto opened =
        account::open_session(call.context.db, user->id, !user->totp_enabled, std::chrono::system_clock::now(),
                              call.session ? std::optional(call.session->id) : std::nullopt);
    set_session_cookie(call, opened.token);
    // Before the second step, the answer says only who is logging in.
    nlohmann::json who = user->totp_enabled ? nlohmann::json{{"name", user->name}}
                                            : account::user_json(*user, call.context.settings.quotas);
    call.reply(200, {{"user", who}, {"totp_required", user->totp_enabled}});
}

void totp_step(Call& call)
{
    if (!call.session)
        throw HttpError(401, "unauthenticated", "log in with name and password first");
    JsonInput in(call.request);
    auto code = in.required_string("code");
    in.finish();
    const auto user_id = call.session->user_id;
    if (call.session->complete)
        throw HttpError(ErrorKind::conflict, "conflict", "this session has already passed two-factor login");
    CodeGuesses guesses(call, "totp", user_id);
    if (!account::verify_totp(call.context.db, user_id, code, std::chrono::system_clock::now())) {
        call.metrics.count_login_failure();
        throw HttpError(401, "unauthenticated", "that code is not valid", "code");
    }
    guesses.succeeded();
    auto opened =
        account::open_session(call.context.db, user_id, true, std::chrono::system_clock::now(), call.session->id);
    set_session_cookie(call, opened.token);
    call.reply(200, {{"user", user_body(call, user_id)}, {"totp_required", false}});
}

void log_out(Call& call)
{
    if (call.session)
        account::close_session(call.context.db, call.session->id);
    clear_session_cookie(call);
    call.response.status = 204;
}

void me(Call& call)
{
    call.reply(200, user_body(call, *call.user().user_id));
}

void totp_enrol(Call& call)
{
    const auto& actor = call.user();
    auto enrolment = account::begin_totp(call.context.db, actor, actor.name, "sbx");
    call.reply(200, {{"uri", enrolment.uri}, {"secret", enrolment.secret_base32}});
}

void totp_confirm(Call& call)
{
    const auto& actor = call.user();
    JsonInput in(call.request);
    auto code = in.required_string("code");
    in.finish();
    CodeGuesses guesses(call, "totp-confirm", *actor.user_id);
    account::confirm_totp(call.context.db, actor, actor.name, code, std::chrono::system_clock::now());
    guesses.succeeded();
    call.reply(200, user_body(call, *actor.user_id));
}

void totp_disable(Call& call)
{
    const auto& actor = call.user();
    account::disable_totp(call.context.db, actor, actor.name);
    call.response.status = 204;
}

nlohmann::json token_json(const store::TokenRecord& t)
{
    return {{"id", t.id},
            {"name", t.name},
            {"created_at", t.created_at},
            {"last_used_at", t.last_used_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.last_used_at)}};
}

void list_tokens(Call& call)
{
    auto json = nlohmann::json::array();
    for (const auto& t : account::list_api_tokens(call.context.db, call.user()))
        json.push_back(token_json(t));
    call.reply(200, json);
}

void create_token(Call& call)
{
    JsonInput in(call.request);
    auto name = in.required_string("name");
    in.finish();
    auto made = account::create_api_token(call.context.db, call.user(), name);
    auto json = token_json(made.record);
    json["token"] = made.token;
    call.reply(201, json);
}

void revoke_token(Call& call)
{
    account::revoke_api_token(call.context.db, call.user(), call.id("id"));
    call.response.status = 204;
}

} // namespace

void add_account_routes(Routes& routes)
{
    routes.add("POST", "/api/v1/users", sign_up);
    routes.add("POST", "/api/v1/session", log_in, true);
    routes.add("POST", "/api/v1/session/totp", totp_step, true);
    routes.add("DELETE", "/api/v1/session", log_out, true);
    routes.add("GET", "/api/v1/me", me);
    routes.add("POST", "/api/v1/me/totp", totp_enrol);
    routes.add("POST", "/api/v1/me/totp/confirm", totp_confirm);
    routes.add("DELETE", "/api/v1/me/totp", totp_disable);
    routes.add("GET", "/api/v1/me/tokens", list_tokens);
    routes.add("POST", "/api/v1/me/tokens", create_token);
    routes.add("DELETE", "/api/v1/me/tokens/{id}", revoke_token);
}

} // namespace sbx::web
