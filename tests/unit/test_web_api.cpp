// The web API driven through web::Api::handle, as sbx-fcgi drives it, against a whole
// instance in a temporary directory; no nginx, no FastCGI.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>
#include <openssl/sha.h>
#include <sqlite3.h>

#include "account/sessions.hpp"
#include "account/totp.hpp"
#include "account/two_factor.hpp"
#include "account/users.hpp"
#include "config/faq.hpp"
#include "error.hpp"
#include "store/run_store.hpp"
#include "store/session_store.hpp"
#include "test_world.hpp"
#include "web/api.hpp"

using namespace sbx;
using account::Actor;
using Catch::Matchers::Contains;
using nlohmann::json;
using std::chrono::seconds;

namespace {

constexpr const char* host = "sbx.example";
constexpr const char* client_addr = "192.0.2.10";

// A running API over a World: what sbx-fcgi has, one request at a time.
struct Site : test::World {
    explicit Site(std::vector<std::string> overrides = {})
        : World(std::move(overrides)), api(web::ApiSetup{settings, catalog, config::load_faq(settings.faq_file), {}})
    {
    }

    web::Response send(const web::Request& request)
    {
        web::Response response;
        api.handle(request, *db, response, stream);
        return response;
    }

    /// Adds a user through lib (sign-up may be off) and logs in over HTTP: the session token.
    std::string user_with_session(const std::string& name, const std::string& password);

    web::Api api;
    web::StreamWriter stream{[](const web::Response&) { return false; }, [](std::string_view) { return false; }};
};

web::Request request(const std::string& method, const std::string& target)
{
    web::Request r;
    r.method = method;
    auto question = target.find('?');
    r.path = target.substr(0, question);
    if (question != std::string::npos)
        r.query = web::parse_query(target.substr(question + 1));
    r.remote_addr = client_addr;
    r.headers["host"] = host;
    return r;
}

web::Request json_request(const std::string& method, const std::string& target, const json& body)
{
    auto r = request(method, target);
    r.body = body.dump();
    r.headers["content-type"] = "application/json";
    return r;
}

web::Request with_session(web::Request r, const std::string& token)
{
    r.headers["cookie"] = "sbx_session=" + token;
    return r;
}

web::Request with_bearer(web::Request r, const std::string& token)
{
    r.headers["authorization"] = "Bearer " + token;
    return r;
}

web::Request from(web::Request r, const std::string& address)
{
    r.remote_addr = address;
    return r;
}

std::optional<std::string> header_of(const web::Response& response, const std::string& name)
{
    for (const auto& [key, value] : response.headers)
        if (key == name)
            return value;
    return std::nullopt;
}

json body_of(const web::Response& response)
{
    INFO(response.body);
    REQUIRE(header_of(response, "Content-Type") == "application/json");
    return json::parse(response.body);
}

std::string error_code(const web::Response& response)
{
    auto body = body_of(response);
    INFO(response.body);
    REQUIRE(body.contains("error"));
    return body["error"]["code"];
}

// The token a Set-Cookie hands out ("sbx_session=TOKEN; Path=/; ...").
std::string session_token(const web::Response& response)
{
    auto cookie = header_of(response, "Set-Cookie");
    REQUIRE(cookie);
    REQUIRE(cookie->starts_with("sbx_session="));
    auto token = cookie->substr(12, cookie->find(';') - 12);
    REQUIRE_FALSE(token.empty());
    return token;
}

std::string Site::user_with_session(const std::string& name, const std::string& password)
{
    account::add_user(*db, Actor::shell(), name, password, false);
    auto response = send(json_request("POST", "/api/v1/session", {{"name", name}, {"password", password}}));
    INFO(response.body);
    REQUIRE(response.status == 200);
    return session_token(response);
}

std::string sha256(const std::string& text)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    return {reinterpret_cast<const char*>(digest), sizeof digest};
}

// Every value of `column` in `table`, as bytes, read with a connection of its own.
std::vector<std::string> column_values(const std::filesystem::path& database, const std::string& table,
                                       const std::string& column)
{
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open_v2(database.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    std::string sql = "SELECT " + column + " FROM " + table + " ORDER BY id";
    REQUIRE(sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    std::vector<std::string> found;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, 0));
        found.emplace_back(bytes ? bytes : "", static_cast<std::size_t>(sqlite3_column_bytes(statement, 0)));
    }
    sqlite3_finalize(statement);
    sqlite3_close(handle);
    return found;
}

std::string file_bytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

TEST_CASE("GET /healthz says how the engine and the queue are", "[web-api]")
{
    Site w;
    auto response = w.send(request("GET", "/healthz"));
    INFO(response.body);
    // Whether the engine answers depends on this machine; the shape does not.
    REQUIRE((response.status == 200 || response.status == 503));
    auto body = body_of(response);
    CHECK(body["engine"] == w.settings.engine);
    CHECK(body["oci_runtime"] == w.settings.oci_runtime);
    CHECK(body["gvisor"] == true);
    CHECK(body["uptime_s"].is_number_integer());
    CHECK(body["uptime_s"] >= 0);
    CHECK(body["runs_active"] == 0);
    CHECK(body["runs_queued"] == 0);
    if (response.status == 200) {
        CHECK(body["status"] == "ok");
        CHECK_FALSE(body.contains("problem"));
    } else {
        CHECK(body["status"] == "unavailable");
        CHECK(body["problem"].is_string());
        CHECK_FALSE(body["problem"].get<std::string>().empty());
    }
    CHECK(w.send(request("HEAD", "/healthz")).status == response.status);
}

TEST_CASE("GET /healthz names the OCI runtime, and says why one that is not gVisor is refused", "[web-api]")
{
    Site w;
    // As a front end that makes its settings without load_settings() might.
    w.settings.oci_runtime = "runc";
    auto response = w.send(request("GET", "/healthz"));
    INFO(response.body);
    CHECK(response.status == 503);
    auto body = body_of(response);
    CHECK(body["status"] == "unavailable");
    CHECK(body["oci_runtime"] == "runc");
    CHECK(body["gvisor"] == false);
    CHECK(body["problem"] == "oci_runtime 'runc' is not gVisor (runsc): user code would run on the host kernel; sbx "
                             "refuses it unless the config file says allow_unsandboxed_runtime = true");
    auto metrics = w.send(request("GET", "/metrics")).body;
    CHECK_THAT(metrics,
               Contains("\nsbx_oci_runtime_info{engine=\"podman\",oci_runtime=\"runc\",gvisor=\"false\"} 1\n"));

    // Allowed (by sbx.toml), it is no longer the problem, and still named for what it is.
    w.settings.allow_unsandboxed_runtime = true;
    response = w.send(request("GET", "/healthz"));
    INFO(response.body);
    body = body_of(response);
    CHECK(body["gvisor"] == false);
    if (body.contains("problem"))
        CHECK_THAT(body["problem"].get<std::string>(), !Contains("allow_unsandboxed_runtime"));

    w.settings.oci_runtime = "/usr/bin/runsc";
    w.settings.allow_unsandboxed_runtime = false;
    body = body_of(w.send(request("GET", "/healthz")));
    CHECK(body["oci_runtime"] == "/usr/bin/runsc");
    CHECK(body["gvisor"] == true);
    if (body.contains("problem"))
        CHECK_THAT(body["problem"].get<std::string>(), !Contains("allow_unsandboxed_runtime"));
}

TEST_CASE("GET /api/v1/runtimes lists the catalog; one runtime hides its source", "[web-api]")
{
    Site w;
    auto response = w.send(request("GET", "/api/v1/runtimes"));
    REQUIRE(response.status == 200);
    auto list = body_of(response);
    REQUIRE(list.is_array());
    CHECK(list.size() == w.catalog.runtimes().size());
    bool python = false;
    for (const auto& r : list) {
        CHECK(r.contains("id"));
        CHECK(r.contains("image"));
        python = python || r["id"] == "python-3.11";
    }
    CHECK(python);

    response = w.send(request("GET", "/api/v1/runtimes/python-3.11"));
    REQUIRE(response.status == 200);
    auto one = body_of(response);
    CHECK(one["id"] == "python-3.11");
    CHECK(one["hello_world"] == w.catalog.get("python-3.11").hello_world);
    CHECK_FALSE(one.contains("source"));

    response = w.send(request("GET", "/api/v1/runtimes/cobol"));
    CHECK(response.status == 404);
    CHECK(error_code(response) == "not-found");

    response = w.send(request("GET", "/api/v1/faq?runtime=python-3.11"));
    CHECK(response.status == 200);
    CHECK(body_of(response).is_array());
}

TEST_CASE("an unknown path is a JSON 404; a known path with the wrong method a 405 with Allow", "[web-api]")
{
    Site w;
    for (const char* path : {"/api/v1/nothing", "/", "/api/v1/runtimes/python-3.11/extra", "/healthz/"}) {
        INFO(path);
        auto response = w.send(request("GET", path));
        CHECK(response.status == 404);
        CHECK(error_code(response) == "not-found");
        CHECK_FALSE(header_of(response, "Allow"));
    }

    auto response = w.send(request("DELETE", "/healthz"));
    CHECK(response.status == 405);
    CHECK(error_code(response) == "method-not-allowed");
    CHECK(header_of(response, "Allow") == "GET");

    response = w.send(request("PUT", "/api/v1/session"));
    CHECK(response.status == 405);
    CHECK(header_of(response, "Allow") == "POST, DELETE");

    response = w.send(request("POST", "/api/v1/projects/12"));
    CHECK(response.status == 405);
    CHECK(header_of(response, "Allow") == "GET, PATCH, DELETE");

    CHECK(w.send(request("HEAD", "/api/v1/runtimes")).status == 200);
}

TEST_CASE("sign-up makes an account and a session cookie: HttpOnly, SameSite=Strict, Secure on https", "[web-api]")
{
    Site w({"web.signup=on"});
    auto response = w.send(json_request("POST", "/api/v1/users", {{"name", "alice"}, {"password", "password-a"}}));
    INFO(response.body);
    REQUIRE(response.status == 201);
    auto body = body_of(response);
    CHECK(body["name"] == "alice");
    CHECK(body["admin"] == false);
    CHECK(response.body.find("password") == std::string::npos);

    auto cookie = header_of(response, "Set-Cookie");
    REQUIRE(cookie);
    CHECK_THAT(*cookie, Contains("; HttpOnly") && Contains("; SameSite=Strict") && Contains("; Path=/") &&
                            Contains("; Max-Age=43200"));
    CHECK_FALSE(Contains("Secure").match(*cookie));
    auto token = session_token(response);
    response = w.send(with_session(request("GET", "/api/v1/me"), token));
    REQUIRE(response.status == 200);
    CHECK(body_of(response)["name"] == "alice");

    auto secure = json_request("POST", "/api/v1/users", {{"name", "bob"}, {"password", "password-b"}});
    secure.https = true;
    response = w.send(secure);
    REQUIRE(response.status == 201);
    CHECK_THAT(*header_of(response, "Set-Cookie"),
               Contains("; HttpOnly") && Contains("; SameSite=Strict") && Contains("; Secure"));

    response = w.send(json_request("POST", "/api/v1/users", {{"name", "alice"}, {"password", "password-x"}}));
    CHECK(response.status == 409);
    CHECK_FALSE(header_of(response, "Set-Cookie"));
    response = w.send(json_request("POST", "/api/v1/users", {{"name", "carol"}, {"password", "short"}}));
    CHECK(response.status == 422);
    response =
        w.send(json_request("POST", "/api/v1/users", {{"name", "carol"}, {"password", "password-c"}, {"admin", true}}));
    CHECK(response.status == 400);
    CHECK(error_code(response) == "unknown-field");
    CHECK(body_of(response)["error"]["field"] == "admin");
    response = w.send(json_request("POST", "/api/v1/users", {{"name", "carol"}}));
    CHECK(response.status == 422);
    CHECK(body_of(response)["error"]["field"] == "password");
    auto form = request("POST", "/api/v1/users");
    form.body = "name=carol&password=password-c";
    form.headers["content-type"] = "application/x-www-form-urlencoded";
    CHECK(w.send(form).status == 415);
}

TEST_CASE("sign-up is refused when web.signup is off", "[web-api]")
{
    Site w;
    auto response = w.send(json_request("POST", "/api/v1/users", {{"name", "alice"}, {"password", "password-a"}}));
    CHECK(response.status == 403);
    CHECK(error_code(response) == "forbidden");
    CHECK_FALSE(header_of(response, "Set-Cookie"));
    CHECK_FALSE(store::UserStore(*w.db).find("alice"));
}

TEST_CASE("log in: a wrong password and an unknown user get the same 401", "[web-api]")
{
    Site w;
    account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);

    auto wrong = w.send(json_request("POST", "/api/v1/session", {{"name", "alice"}, {"password", "password-x"}}));
    auto unknown = w.send(json_request("POST", "/api/v1/session", {{"name", "nobody"}, {"password", "password-a"}}));
    CHECK(wrong.status == 401);
    CHECK(unknown.status == 401);
    CHECK(error_code(wrong) == "unauthenticated");
    CHECK(wrong.body == unknown.body);
    CHECK(wrong.headers == unknown.headers);
    CHECK_FALSE(header_of(wrong, "Set-Cookie"));

    auto response = w.send(json_request("POST", "/api/v1/session", {{"name", "alice"}, {"password", "password-a"}}));
    REQUIRE(response.status == 200);
    auto body = body_of(response);
    CHECK(body["totp_required"] == false);
    CHECK(body["user"]["name"] == "alice");
    auto token = session_token(response);

    response = w.send(with_session(request("GET", "/api/v1/me"), token));
    REQUIRE(response.status == 200);
    CHECK(body_of(response)["name"] == "alice");

    response = w.send(request("GET", "/api/v1/me"));
    CHECK(response.status == 401);
    CHECK(error_code(response) == "unauthenticated");
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), token + "x")).status == 401);
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), "")).status == 401);
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), std::string(5000, 'a'))).status == 401);
}

TEST_CASE("log out ends the session on the server, not only in the browser", "[web-api]")
{
    Site w;
    auto token = w.user_with_session("alice", "password-a");
    REQUIRE(w.send(with_session(request("GET", "/api/v1/me"), token)).status == 200);

    auto response = w.send(with_session(request("DELETE", "/api/v1/session"), token));
    CHECK(response.status == 204);
    auto cookie = header_of(response, "Set-Cookie");
    REQUIRE(cookie);
    CHECK_THAT(*cookie, Contains("sbx_session=;") && Contains("Max-Age=0"));

    // The same cookie, sent again as a stolen copy would be, no longer works.
    response = w.send(with_session(request("GET", "/api/v1/me"), token));
    CHECK(response.status == 401);
    CHECK(error_code(response) == "unauthenticated");
}

TEST_CASE("logging in again replaces the session the browser had", "[web-api]")
{
    Site w;
    auto first = w.user_with_session("alice", "password-a");
    auto response = w.send(
        with_session(json_request("POST", "/api/v1/session", {{"name", "alice"}, {"password", "password-a"}}), first));
    REQUIRE(response.status == 200);
    auto second = session_token(response);
    CHECK(second != first);
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), first)).status == 401);
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), second)).status == 200);
}

TEST_CASE("a disabled user's session and tokens stop working", "[web-api]")
{
    Site w;
    auto token = w.user_with_session("alice", "password-a");
    auto api_token = account::create_api_token(*w.db, account::actor_for(*w.db, "alice"), "ci").token;
    account::set_disabled(*w.db, Actor::shell(), "alice", true);
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), token)).status == 401);
    CHECK(w.send(with_bearer(request("GET", "/api/v1/me"), api_token)).status == 401);
}

TEST_CASE("with TOTP on, the password gives a partial session good only for the code", "[web-api][totp]")
{
    Site w;
    account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);
    auto alice = account::actor_for(*w.db, "alice");
    auto secret = *account::base32_decode(account::begin_totp(*w.db, alice, "alice", "sbx").secret_base32);
    auto now = std::chrono::system_clock::now();
    auto step = account::totp_step(now);
    account::confirm_totp(*w.db, alice, "alice", account::hotp_code(secret, step - 1), now - seconds(30));

    auto response = w.send(json_request("POST", "/api/v1/session", {{"name", "alice"}, {"password", "password-a"}}));
    REQUIRE(response.status == 200);
    auto body = body_of(response);
    CHECK(body["totp_required"] == true);
    CHECK(body["user"] == json{{"name", "alice"}});
    auto partial = session_token(response);

    CHECK(w.send(with_session(request("GET", "/api/v1/me"), partial)).status == 401);
    CHECK(w.send(with_session(json_request("POST", "/api/v1/me/tokens", {{"name", "ci"}}), partial)).status == 401);
    CHECK(w.send(with_session(request("GET", "/api/v1/projects"), partial)).status == 401);

    std::string wrong = "000000";
    while (wrong == account::hotp_code(secret, step - 1) || wrong == account::hotp_code(secret, step) ||
           wrong == account::hotp_code(secret, step + 1))
        wrong = std::to_string(std::stoi(wrong) + 111111);
    response = w.send(with_session(json_request("POST", "/api/v1/session/totp", {{"code", wrong}}), partial));
    CHECK(response.status == 401);
    CHECK(body_of(response)["error"]["field"] == "code");

    response = w.send(with_session(
        json_request("POST", "/api/v1/session/totp", {{"code", account::hotp_code(secret, step)}}), partial));
    INFO(response.body);
    REQUIRE(response.status == 200);
    CHECK(body_of(response)["user"]["name"] == "alice");
    auto complete = session_token(response);
    CHECK(complete != partial);
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), complete)).status == 200);
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), partial)).status == 401);
}

TEST_CASE("check_session ends a session at its idle time and at its absolute time", "[web-api]")
{
    test::World w;
    auto user = account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);
    const account::SessionPolicy policy{seconds(3600), seconds(600)};
    const auto t0 = std::chrono::system_clock::time_point{} + seconds(1'700'000'000);

    SECTION("idle")
    {
        auto opened = account::open_session(*w.db, user.id, true, t0);
        CHECK(opened.record.created_at == 1'700'000'000);
        auto session = account::check_session(*w.db, opened.token, policy, t0 + seconds(599));
        REQUIRE(session);
        CHECK(session->user_id == user.id);
        CHECK(session->complete);
        CHECK(session->last_seen_at == 1'700'000'599); // used, so touched
        CHECK(account::check_session(*w.db, opened.token, policy, t0 + seconds(599 + 599)));
        CHECK_FALSE(account::check_session(*w.db, opened.token, policy, t0 + seconds(1198 + 600)));
        // Gone for good, even at a time it would have been valid.
        CHECK_FALSE(account::check_session(*w.db, opened.token, policy, t0 + seconds(1198 + 1)));
    }
    SECTION("absolute")
    {
        auto opened = account::open_session(*w.db, user.id, true, t0);
        for (int at = 500; at < 3600; at += 500) {
            INFO(at);
            CHECK(account::check_session(*w.db, opened.token, policy, t0 + seconds(at)));
        }
        CHECK(account::check_session(*w.db, opened.token, policy, t0 + seconds(3599)));
        CHECK_FALSE(account::check_session(*w.db, opened.token, policy, t0 + seconds(3600)));
        CHECK_FALSE(account::check_session(*w.db, opened.token, policy, t0 + seconds(3000)));
    }
    SECTION("unknown, empty and over-long tokens, and partial sessions")
    {
        auto partial = account::open_session(*w.db, user.id, false, t0);
        auto other = account::open_session(*w.db, user.id, true, t0);
        CHECK(partial.token != other.token);
        auto session = account::check_session(*w.db, partial.token, policy, t0 + seconds(1));
        REQUIRE(session);
        CHECK_FALSE(session->complete);
        CHECK_FALSE(account::check_session(*w.db, account::random_token(), policy, t0));
        CHECK_FALSE(account::check_session(*w.db, "", policy, t0));
        CHECK_FALSE(account::check_session(*w.db, partial.token + std::string(100, 'a'), policy, t0));
        account::close_session(*w.db, session->id);
        CHECK_FALSE(account::check_session(*w.db, partial.token, policy, t0 + seconds(2)));
        CHECK(account::check_session(*w.db, other.token, policy, t0 + seconds(2)));
    }
}

TEST_CASE("the API takes session lifetimes from web.session_ttl", "[web-api]")
{
    Site w({"web.session_ttl=2s", "web.idle_timeout=1h"});
    auto token = w.user_with_session("alice", "password-a");
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), token)).status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), token)).status == 401);
}

TEST_CASE("a cookie request from another site may not change anything (CSRF)", "[web-api]")
{
    Site w;
    auto token = w.user_with_session("alice", "password-a");
    const json project = {{"name", "hello"}, {"runtime", "python-3.11"}};

    auto evil = with_session(json_request("POST", "/api/v1/projects", project), token);
    evil.headers["origin"] = "http://evil.example";
    auto response = w.send(evil);
    CHECK(response.status == 403);
    CHECK(error_code(response) == "cross-site");

    auto fetched = with_session(json_request("POST", "/api/v1/projects", project), token);
    fetched.headers["sec-fetch-site"] = "cross-site";
    response = w.send(fetched);
    CHECK(response.status == 403);
    CHECK(error_code(response) == "cross-site");

    auto null_origin = with_session(json_request("POST", "/api/v1/projects", project), token);
    null_origin.headers["origin"] = "null";
    CHECK(w.send(null_origin).status == 403);

    auto logout = with_session(request("DELETE", "/api/v1/session"), token);
    logout.headers["origin"] = "https://evil.example";
    CHECK(w.send(logout).status == 403);

    // Logging the victim into the attacker's account is refused as well.
    auto login = json_request("POST", "/api/v1/session", {{"name", "alice"}, {"password", "password-a"}});
    login.headers["sec-fetch-site"] = "cross-site";
    response = w.send(login);
    CHECK(response.status == 403);
    CHECK_FALSE(header_of(response, "Set-Cookie"));

    // Nothing happened; reading is fine, and the session still works.
    auto read = with_session(request("GET", "/api/v1/projects"), token);
    read.headers["origin"] = "http://evil.example";
    response = w.send(read);
    REQUIRE(response.status == 200);
    CHECK(body_of(response).empty());

    auto same = with_session(json_request("POST", "/api/v1/projects", project), token);
    same.headers["origin"] = std::string("https://") + host;
    same.headers["sec-fetch-site"] = "same-origin";
    same.https = true;
    CHECK(w.send(same).status == 201);
}

TEST_CASE("API tokens: made once, work as Bearer, listed without the secret, revoked", "[web-api]")
{
    Site w;
    auto session = w.user_with_session("alice", "password-a");
    auto bob_session = w.user_with_session("bob", "password-b");

    auto response = w.send(with_session(json_request("POST", "/api/v1/me/tokens", {{"name", "ci"}}), session));
    INFO(response.body);
    REQUIRE(response.status == 201);
    auto made = body_of(response);
    CHECK(made["name"] == "ci");
    std::string token = made["token"];
    CHECK(token.starts_with("sbx_"));
    std::int64_t id = made["id"];

    response = w.send(with_bearer(request("GET", "/api/v1/me"), token));
    REQUIRE(response.status == 200);
    CHECK(body_of(response)["name"] == "alice");

    // A token is not ambient like a cookie: no CSRF check applies to it.
    auto scripted =
        with_bearer(json_request("POST", "/api/v1/projects", {{"name", "p"}, {"runtime", "go-1.19"}}), token);
    scripted.headers["origin"] = "http://elsewhere.example";
    CHECK(w.send(scripted).status == 201);

    response = w.send(with_session(request("GET", "/api/v1/me/tokens"), session));
    REQUIRE(response.status == 200);
    auto list = body_of(response);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["id"] == id);
    CHECK(list[0]["name"] == "ci");
    CHECK(list[0]["last_used_at"].is_string());
    CHECK_FALSE(list[0].contains("token"));
    CHECK(response.body.find(token) == std::string::npos);

    // Bob cannot see or revoke Alice's token.
    response = w.send(with_session(request("GET", "/api/v1/me/tokens"), bob_session));
    CHECK(body_of(response).empty());
    auto target = "/api/v1/me/tokens/" + std::to_string(id);
    CHECK(w.send(with_session(request("DELETE", target), bob_session)).status == 404);
    CHECK(w.send(with_bearer(request("GET", "/api/v1/me"), token)).status == 200);

    CHECK(w.send(with_session(request("DELETE", target), session)).status == 204);
    response = w.send(with_bearer(request("GET", "/api/v1/me"), token));
    CHECK(response.status == 401);
    CHECK(error_code(response) == "unauthenticated");
    CHECK(w.send(with_session(request("DELETE", target), session)).status == 404);

    CHECK(w.send(with_bearer(request("GET", "/api/v1/me"), "nonsense")).status == 401);
    CHECK(w.send(with_bearer(request("GET", "/api/v1/me"), token.substr(4))).status == 401);
    // A bad token is refused even with a good cookie alongside.
    CHECK(w.send(with_bearer(with_session(request("GET", "/api/v1/me"), session), "sbx_nonsense")).status == 401);
}

TEST_CASE("check_api_token wants the sbx_ prefix before it looks anything up", "[web-api]")
{
    test::World w;
    auto user = account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);
    auto made = account::create_api_token(*w.db, account::actor_for(*w.db, "alice"), "ci");
    REQUIRE(made.token.starts_with("sbx_"));
    auto found = account::check_api_token(*w.db, made.token);
    REQUIRE(found);
    CHECK(found->user_id == user.id);
    CHECK_FALSE(account::check_api_token(*w.db, made.token.substr(4)));
    CHECK_FALSE(account::check_api_token(*w.db, "sbx_"));
    CHECK_FALSE(account::check_api_token(*w.db, ""));

    // Even a stored hash of an unprefixed secret does not let that secret in.
    store::SessionStore sessions(*w.db);
    sessions.create_token(user.id, "raw", sha256("plain-secret"));
    CHECK_FALSE(account::check_api_token(*w.db, "plain-secret"));
    sessions.create_token(user.id, "prefixed", sha256("sbx_plain-secret"));
    CHECK(account::check_api_token(*w.db, "sbx_plain-secret"));

    CHECK_THROWS_AS(account::create_api_token(*w.db, Actor::shell(), "ci"), Error);
    CHECK_THROWS_AS(account::create_api_token(*w.db, account::actor_for(*w.db, "alice"), ""), Error);
}

TEST_CASE("only hashes of session and API token secrets are stored", "[web-api]")
{
    Site w;
    auto session = w.user_with_session("alice", "password-a");
    auto response = w.send(with_session(json_request("POST", "/api/v1/me/tokens", {{"name", "ci"}}), session));
    REQUIRE(response.status == 201);
    std::string token = body_of(response)["token"];

    auto session_hashes = column_values(w.settings.database, "web_sessions", "token_hash");
    auto token_hashes = column_values(w.settings.database, "api_tokens", "token_hash");
    CHECK(session_hashes == std::vector<std::string>{sha256(session)});
    CHECK(token_hashes == std::vector<std::string>{sha256(token)});

    store::SessionStore sessions(*w.db);
    CHECK(sessions.find_session(sha256(session)));
    CHECK_FALSE(sessions.find_session(session));
    CHECK(sessions.find_token(sha256(token)));
    CHECK_FALSE(sessions.find_token(token));

    // Not in any column, nor anywhere in the files (the WAL included).
    for (const auto& file : {w.settings.database, std::filesystem::path(w.settings.database.string() + "-wal")}) {
        INFO(file);
        auto bytes = file_bytes(file);
        CHECK(bytes.find(session) == std::string::npos);
        CHECK(bytes.find(token) == std::string::npos);
        CHECK(bytes.find(token.substr(4)) == std::string::npos);
    }
}

TEST_CASE("requests past web.requests_per_minute get 429 with Retry-After", "[web-api]")
{
    Site w({"web.requests_per_minute=5"});
    for (int i = 0; i < 5; ++i)
        CHECK(w.send(request("GET", "/api/v1/runtimes")).status == 200);
    auto response = w.send(request("GET", "/api/v1/runtimes"));
    CHECK(response.status == 429);
    CHECK(error_code(response) == "rate-limited");
    auto retry = header_of(response, "Retry-After");
    REQUIRE(retry);
    CHECK(std::stoi(*retry) >= 1);
    CHECK(std::stoi(*retry) <= 60);

    CHECK(w.send(from(request("GET", "/api/v1/runtimes"), "192.0.2.99")).status == 200);
}

TEST_CASE("failed logins past web.login_attempts_per_minute get 429, by account and by address", "[web-api]")
{
    Site w({"web.login_attempts_per_minute=3"});
    account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);
    account::add_user(*w.db, Actor::shell(), "bob", "password-b", false);
    auto login = [&](const std::string& name, const std::string& password, const std::string& address) {
        return w.send(from(json_request("POST", "/api/v1/session", {{"name", name}, {"password", password}}), address));
    };

    for (int i = 0; i < 3; ++i)
        CHECK(login("alice", "guess-" + std::to_string(i), client_addr).status == 401);
    // Now even the right password waits.
    auto response = login("alice", "password-a", client_addr);
    CHECK(response.status == 429);
    CHECK(error_code(response) == "rate-limited");
    auto retry = header_of(response, "Retry-After");
    REQUIRE(retry);
    CHECK(std::stoi(*retry) >= 1);
    CHECK(std::stoi(*retry) <= 60);
    CHECK_FALSE(header_of(response, "Set-Cookie"));

    CHECK(login("alice", "password-a", "198.51.100.7").status == 429); // the account, from elsewhere
    CHECK(login("bob", "password-b", client_addr).status == 429);      // the address, another account
    CHECK(login("bob", "password-b", "198.51.100.7").status == 200);
}

TEST_CASE("projects over HTTP: made by one user, invisible to another", "[web-api]")
{
    Site w;
    auto alice = w.user_with_session("alice", "password-a");
    auto bob = w.user_with_session("bob", "password-b");

    auto response = w.send(
        with_session(json_request("POST", "/api/v1/projects", {{"name", "hello"}, {"runtime", "python-3.11"}}), alice));
    INFO(response.body);
    REQUIRE(response.status == 201);
    auto made = body_of(response);
    CHECK(made["full_name"] == "alice/hello");
    CHECK(made["visibility"] == "private");
    auto path = "/api/v1/projects/" + std::to_string(made["id"].get<std::int64_t>());

    response = w.send(with_session(request("GET", path), alice));
    REQUIRE(response.status == 200);
    CHECK(body_of(response)["name"] == "hello");

    response = w.send(with_session(request("GET", path), bob));
    CHECK(response.status == 404);
    CHECK(error_code(response) == "not-found");
    CHECK(w.send(with_session(request("GET", path + "/files/main.py"), bob)).status == 404);
    CHECK(w.send(with_session(json_request("PUT", path + "/files/x.py", {{"text", "x"}}), bob)).status == 404);
    CHECK(w.send(with_session(request("DELETE", path), bob)).status == 404);
    CHECK(body_of(w.send(with_session(request("GET", "/api/v1/projects"), bob))).empty());
    CHECK(w.send(request("GET", path)).status == 401);

    for (const char* id : {"abc", "0", "-1", "99999", "1e3"}) {
        INFO(id);
        CHECK(w.send(with_session(request("GET", std::string("/api/v1/projects/") + id), alice)).status == 404);
    }

    response = w.send(with_session(
        json_request("POST", "/api/v1/projects", {{"name", "x"}, {"runtime", "python-3.11"}, {"colour", "red"}}),
        alice));
    CHECK(response.status == 400);
    CHECK(error_code(response) == "unknown-field");
    CHECK(body_of(response)["error"]["field"] == "colour");
    response = w.send(with_session(json_request("POST", "/api/v1/projects", {{"name", "x"}}), alice));
    CHECK(response.status == 422);
    CHECK(body_of(response)["error"]["field"] == "runtime");
    response = w.send(
        with_session(json_request("POST", "/api/v1/projects", {{"name", "bob/x"}, {"runtime", "python-3.11"}}), alice));
    CHECK(response.status == 422); // a bad name, as in the CLI: not a way to create bob's project
    CHECK(body_of(response)["error"]["field"] == "name");
    CHECK(body_of(w.send(with_session(request("GET", "/api/v1/projects"), alice))).size() == 1);
}

TEST_CASE("project files over HTTP: PUT as JSON text or raw bytes, GET raw", "[web-api]")
{
    Site w;
    auto alice = w.user_with_session("alice", "password-a");
    auto response = w.send(
        with_session(json_request("POST", "/api/v1/projects", {{"name", "hello"}, {"runtime", "python-3.11"}}), alice));
    REQUIRE(response.status == 201);
    auto files = "/api/v1/projects/" + std::to_string(body_of(response)["id"].get<std::int64_t>()) + "/files/";

    const std::string text = "def f():\n    return 1\n";
    response = w.send(with_session(json_request("PUT", files + "src/util.py", {{"text", text}}), alice));
    INFO(response.body);
    CHECK(response.status == 201);
    CHECK(body_of(response) == json{{"path", "src/util.py"}, {"created", true}});
    response = w.send(with_session(json_request("PUT", files + "src/util.py", {{"text", text}}), alice));
    CHECK(response.status == 200);
    CHECK(body_of(response)["created"] == false);

    const std::string binary("\x00\x01\xff\xfe{\"text\": 1}\n", 16);
    auto raw = with_session(request("PUT", files + "data/blob.bin"), alice);
    raw.body = binary;
    raw.headers["content-type"] = "application/octet-stream";
    CHECK(w.send(raw).status == 201);

    response = w.send(with_session(request("GET", files + "data/blob.bin"), alice));
    REQUIRE(response.status == 200);
    CHECK(response.body == binary);
    CHECK(header_of(response, "Content-Type") == "application/octet-stream");
    CHECK(header_of(response, "X-Content-Type-Options") == "nosniff");
    CHECK(w.send(with_session(request("GET", files + "src/util.py"), alice)).body == text);
    CHECK(w.send(with_session(request("GET", files + "main.py"), alice)).body ==
          w.catalog.get("python-3.11").hello_world);

    CHECK(w.send(with_session(json_request("PUT", files + "hi.txt", {{"base64", "aGk="}}), alice)).status == 201);
    CHECK(w.send(with_session(request("GET", files + "hi.txt"), alice)).body == "hi");

    response =
        w.send(with_session(json_request("PUT", files + "src/util.py", {{"text", "x"}, {"mode", "644"}}), alice));
    CHECK(response.status == 400);
    CHECK(error_code(response) == "unknown-field");
    CHECK(body_of(response)["error"]["field"] == "mode");
    CHECK(w.send(with_session(request("GET", files + "src/util.py"), alice)).body == text);
    response = w.send(with_session(json_request("PUT", files + "src/util.py", json::object()), alice));
    CHECK(response.status == 422);
    auto not_json = with_session(request("PUT", files + "src/util.py"), alice);
    not_json.body = "{oops";
    not_json.headers["content-type"] = "application/json";
    response = w.send(not_json);
    CHECK(response.status == 400);
    CHECK(error_code(response) == "bad-json");

    // The path is decoded before routing: "%2e%2e" arrives as "..", and is refused all the same.
    for (const char* escape : {"../escape.txt", "src/../../escape.txt", "/etc/passwd"}) {
        INFO(escape);
        auto put = with_session(request("PUT", files + escape), alice);
        put.body = "x";
        response = w.send(put);
        CHECK(response.status == 422);
        CHECK(body_of(response)["error"]["field"] == "path");
        CHECK(w.send(with_session(request("GET", files + escape), alice)).status == 422);
    }
    CHECK_FALSE(std::filesystem::exists(w.dir.path() / "escape.txt"));

    response = w.send(with_session(request("GET", files + "missing.txt"), alice));
    CHECK(response.status == 404);
    CHECK(error_code(response) == "not-found");

    response = w.send(with_session(request("GET", files.substr(0, files.size() - 1)), alice));
    REQUIRE(response.status == 200);
    std::vector<std::string> paths;
    for (const auto& f : body_of(response))
        paths.push_back(f["path"]);
    CHECK_THAT(paths, Catch::Matchers::VectorContains(std::string("src/util.py")) &&
                          Catch::Matchers::VectorContains(std::string("data/blob.bin")) &&
                          Catch::Matchers::VectorContains(std::string("main.py")));
}

TEST_CASE("/metrics counts requests by route pattern, not by concrete path", "[web-api]")
{
    Site w;
    w.send(request("GET", "/api/v1/runtimes/python-3.11"));
    w.send(request("GET", "/api/v1/runtimes/cobol"));
    w.send(request("GET", "/no/such/thing"));
    auto response = w.send(request("GET", "/metrics"));
    REQUIRE(response.status == 200);
    CHECK_THAT(*header_of(response, "Content-Type"), Contains("text/plain"));
    CHECK_THAT(response.body, Contains("sbx_http_requests_total{route=\"/api/v1/runtimes/{id}\",status=\"200\"} 1"));
    CHECK_THAT(response.body, Contains("sbx_http_requests_total{route=\"/api/v1/runtimes/{id}\",status=\"404\"} 1"));
    CHECK_THAT(response.body, Contains("sbx_http_requests_total{route=\"(none)\",status=\"404\"} 1"));
    CHECK(response.body.find("cobol") == std::string::npos);
    CHECK(response.body.find("/no/such") == std::string::npos);
}

TEST_CASE("/metrics names the OCI runtime configured and the one each run was made for", "[web-api]")
{
    Site w;
    store::NewRun run{std::nullopt, "python-3.11", "podman", "{}", "{}"};
    run.oci_runtime = "/usr/bin/runsc";
    store::RunStore(*w.db).create(run);
    run.via = "piston";
    store::RunStore(*w.db).create(run);
    auto body = w.send(request("GET", "/metrics")).body;
    CHECK_THAT(body, Contains("\nsbx_oci_runtime_info{engine=\"podman\",oci_runtime=\"runsc\",gvisor=\"true\"} 1\n"));
    CHECK_THAT(body, Contains("\nsbx_runs{runtime=\"python-3.11\",engine=\"podman\",oci_runtime=\"/usr/bin/runsc\","
                              "status=\"queued\",via=\"api\"} 1\n"));
    CHECK_THAT(body, Contains("\nsbx_runs{runtime=\"python-3.11\",engine=\"podman\",oci_runtime=\"/usr/bin/runsc\","
                              "status=\"queued\",via=\"piston\"} 1\n"));
}

TEST_CASE("a session in use stays alive under an idle timeout shorter than a minute", "[web-api]")
{
    // web.idle_timeout accepts "30s"; a user active every 20 s has never been idle for 30.
    test::World w;
    auto user = account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);
    const account::SessionPolicy policy{seconds(3600), seconds(30)};
    const auto t0 = std::chrono::system_clock::time_point{} + seconds(1'700'000'000);
    auto opened = account::open_session(*w.db, user.id, true, t0);
    for (int at = 20; at <= 100; at += 20) {
        INFO("used at t0 + " << at << " s");
        REQUIRE(account::check_session(*w.db, opened.token, policy, t0 + seconds(at)));
    }
    CHECK_FALSE(account::check_session(*w.db, opened.token, policy, t0 + seconds(100 + 30)));
}

TEST_CASE("concurrent failed logins do not get past web.login_attempts_per_minute", "[web-api]")
{
    Site w({"web.login_attempts_per_minute=2"});
    account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);
    constexpr int attempts = 8;
    std::atomic<int> ready{0};
    std::atomic<int> checked{0};
    std::atomic<int> limited{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < attempts; ++i)
        threads.emplace_back([&, i] {
            store::Database db(w.settings.database); // a connection per worker thread, as in sbx-fcgi
            auto guess = json_request("POST", "/api/v1/session",
                                      {{"name", "alice"}, {"password", "guess-" + std::to_string(i)}});
            ++ready;
            while (ready < attempts)
                std::this_thread::yield();
            web::Response response;
            w.api.handle(guess, db, response, w.stream);
            if (response.status == 401)
                ++checked;
            else if (response.status == 429)
                ++limited;
        });
    for (auto& t : threads)
        t.join();
    CHECK(checked + limited == attempts);
    CHECK(checked <= 2); // each guess checked is a password tried
}

TEST_CASE("users over HTTP: the admin lists, disables and sets quotas; others get 403 or 404", "[web-api]")
{
    Site w;
    account::add_user(*w.db, Actor::shell(), "root", "password-r", true);
    auto login = w.send(json_request("POST", "/api/v1/session", {{"name", "root"}, {"password", "password-r"}}));
    REQUIRE(login.status == 200);
    const auto admin = session_token(login);
    const auto alice = w.user_with_session("alice", "password-a");
    w.user_with_session("bob", "password-b");

    auto listed = w.send(with_session(request("GET", "/api/v1/users"), admin));
    REQUIRE(listed.status == 200);
    CHECK(body_of(listed).size() == 3);
    CHECK(w.send(with_session(request("GET", "/api/v1/users"), alice)).status == 403);
    CHECK(w.send(request("GET", "/api/v1/users")).status == 401);
    CHECK(w.send(with_session(request("GET", "/api/v1/users/alice"), alice)).status == 200); // oneself
    CHECK(w.send(with_session(request("GET", "/api/v1/users/bob"), alice)).status == 404);

    auto patch = [&](const std::string& token, const std::string& name, const json& body) {
        return w.send(with_session(json_request("PATCH", "/api/v1/users/" + name, body), token));
    };
    auto set =
        patch(admin, "bob", {{"quota", {{"max_memory", "512M"}, {"max_concurrent_runs", 3}, {"max_cpus", 1.5}}}});
    REQUIRE(set.status == 200);
    auto quota = body_of(set)["quota"];
    CHECK(quota["max_memory"] == 512U << 20);
    CHECK(quota["max_concurrent_runs"] == 3);
    CHECK(quota["max_cpus"] == 1.5);
    CHECK(quota["own"] == json::array({"max_concurrent_runs", "max_memory", "max_cpus"}));
    CHECK(body_of(patch(admin, "bob", {{"quota", {{"max_storage", 1 << 20}}}}))["quota"]["own"].size() == 4);
    auto reset = patch(admin, "bob", {{"reset_quota", true}, {"quota", {{"runs_per_hour", 7}}}});
    CHECK(body_of(reset)["quota"]["own"] == json::array({"runs_per_hour"}));

    // Each bad value names its member inside 'quota'.
    for (const auto& [bad, field] :
         std::vector<std::pair<json, std::string>>{{{{"max_memory", "lots"}}, "quota.max_memory"},
                                                   {{{"max_memory", "1K"}}, "quota.max_memory"},
                                                   {{{"max_concurrent_runs", -1}}, "quota.max_concurrent_runs"},
                                                   {{{"max_concurrent_runs", 0}}, "quota.max_concurrent_runs"},
                                                   {{{"max_cpus", "two"}}, "quota.max_cpus"}}) {
        auto answer = patch(admin, "bob", {{"quota", bad}});
        INFO(answer.body);
        CHECK(answer.status == 422);
        CHECK(body_of(answer)["error"]["field"] == field);
    }
    auto unknown = patch(admin, "bob", {{"quota", {{"colour", 1}}}});
    CHECK(unknown.status == 400);
    CHECK(body_of(unknown)["error"]["field"] == "quota.colour");
    CHECK(body_of(w.send(with_session(request("GET", "/api/v1/users/bob"), admin)))["quota"]["own"] ==
          json::array({"runs_per_hour"})); // nothing refused was kept

    CHECK(patch(alice, "alice", {{"quota", {{"max_memory", "8G"}}}}).status == 403);
    CHECK(patch(alice, "bob", {{"disabled", true}}).status == 404);
    CHECK(patch(admin, "root", {{"disabled", true}}).status == 409); // not oneself
    CHECK(body_of(patch(admin, "bob", {{"disabled", true}}))["disabled"] == true);
    CHECK(w.send(json_request("POST", "/api/v1/session", {{"name", "bob"}, {"password", "password-b"}})).status == 401);
    CHECK(body_of(patch(admin, "bob", {{"disabled", false}}))["disabled"] == false);
    CHECK(patch(admin, "nobody", {{"disabled", true}}).status == 404);
}

TEST_CASE("the runtime list has each runtime's description, for a picker", "[web-api]")
{
    Site w;
    auto runtimes = body_of(w.send(request("GET", "/api/v1/runtimes")));
    REQUIRE(!runtimes.empty());
    for (const auto& runtime : runtimes)
        CHECK(!runtime["description"].get<std::string>().empty());
}

TEST_CASE("the CSRF check compares the Origin's scheme, host and port exactly", "[web-api][csrf]")
{
    Site w;
    auto token = w.user_with_session("alice", "password-a");
    auto post = [&](const std::string& origin, const std::string& host_header, bool https) {
        auto r = with_session(json_request("POST", "/api/v1/me/tokens", {{"name", "t"}}), token);
        r.headers["origin"] = origin;
        r.headers["host"] = host_header;
        r.https = https;
        return w.send(r);
    };
    // A port cut at the last ':' once made these look like the site itself.
    CHECK(post("http://127.0.0.1:8080.evil.example", "127.0.0.1:8080", false).status == 403);
    CHECK(post("http://127.0.0.1:8080.evil.example:8080", "127.0.0.1:8080", false).status == 403);
    CHECK(post("http://127.0.0.1:8081", "127.0.0.1:8080", false).status == 403);
    CHECK(post("https://127.0.0.1:8080", "127.0.0.1:8080", false).status == 403);
    CHECK(post("http://sbx.example", "sbx.example", true).status == 403);
    CHECK(post("http://sbx.example@evil.example", "sbx.example", false).status == 403);
    CHECK(post("http://[::1]:8080", "[::1]:8081", false).status == 403);
    CHECK(post("http://sbx.example/", "sbx.example", false).status == 403);
    auto refused = post("http://127.0.0.1:8080.evil.example", "127.0.0.1:8080", false);
    CHECK(error_code(refused) == "cross-site");

    CHECK(post("http://127.0.0.1:8080", "127.0.0.1:8080", false).status == 201);
    CHECK(post("http://SBX.example", "sbx.example:80", false).status == 201);
    CHECK(post("https://sbx.example:443", "sbx.example", true).status == 201);
    CHECK(post("http://[::1]:8080", "[::1]:8080", false).status == 201);
}

TEST_CASE("confirming TOTP enrolment is rate-limited like the login code", "[web-api][totp]")
{
    Site w;
    auto token = w.user_with_session("alice", "password-a");
    auto enrol = w.send(with_session(request("POST", "/api/v1/me/totp"), token));
    REQUIRE(enrol.status == 200);
    auto secret = *account::base32_decode(body_of(enrol)["secret"].get<std::string>());
    auto step = account::totp_step(std::chrono::system_clock::now());
    std::string wrong = "000000";
    while (wrong == account::hotp_code(secret, step - 1) || wrong == account::hotp_code(secret, step) ||
           wrong == account::hotp_code(secret, step + 1))
        wrong = std::to_string(std::stoi(wrong) + 111111);
    std::vector<int> statuses;
    for (int i = 0; i < 8; ++i)
        statuses.push_back(
            w.send(with_session(json_request("POST", "/api/v1/me/totp/confirm", {{"code", wrong}}), token)).status);
    CAPTURE(statuses);
    CHECK(std::count(statuses.begin(), statuses.end(), 429) >= 3);
    // Even the right code waits now: guessing cannot go on.
    auto right = w.send(with_session(
        json_request("POST", "/api/v1/me/totp/confirm", {{"code", account::hotp_code(secret, step)}}), token));
    CHECK(right.status == 429);
    CHECK(header_of(right, "Retry-After"));
}

TEST_CASE("a login that fails because the disk is full leaves the existing session alone", "[web-api][disk-full]")
{
    Site w;
    auto old_token = w.user_with_session("alice", "password-a");
    auto filler = account::add_user(*w.db, Actor::shell(), "filler", "password-f", false);
    auto now = std::chrono::system_clock::now();
    for (int i = 0; i < 2000; ++i)
        account::open_session(*w.db, filler.id, true, now);
    // The database file may not grow any more: a real SQLITE_FULL, as on a full disk.
    auto& sql = w.db->sql();
    auto pages = sql.execAndGet("PRAGMA page_count").getInt64();
    sql.exec("PRAGMA max_page_count = " + std::to_string(pages));
    int refused_in_a_row = 0;
    while (refused_in_a_row < 50) {
        try {
            account::open_session(*w.db, filler.id, true, now);
            refused_in_a_row = 0;
        } catch (const Error&) {
            ++refused_in_a_row;
        }
    }

    auto again = w.send(with_session(
        json_request("POST", "/api/v1/session", {{"name", "alice"}, {"password", "password-a"}}), old_token));
    INFO(again.body);
    CHECK(again.status >= 500);
    CHECK_FALSE(header_of(again, "Set-Cookie"));
    CHECK(w.send(with_session(request("GET", "/api/v1/me"), old_token)).status == 200);
}

TEST_CASE("GET /runs/{id}/logs is runner::read_page: ended on an exactly full last page, ?stream=", "[web-api][logs]")
{
    Site w;
    auto token = w.user_with_session("alice", "password-a");
    auto alice = account::actor_for(*w.db, "alice");
    store::RunStore runs(*w.db);
    auto id =
        runs.create({.runtime = "python-3.11", .engine = "podman", .user_id = alice.user_id, .oci_runtime = "runsc"})
            .id;
    runs.append_output(id,
                       {{1, store::Stream::out, "a", true},
                        {2, store::Stream::err, "b", true},
                        {3, store::Stream::out, "c", true},
                        {4, store::Stream::out, "d", true}},
                       8);
    REQUIRE(runs.finish(id, {.status = store::RunStatus::succeeded}));
    auto path = "/api/v1/runs/" + std::to_string(id) + "/logs";

    auto page = w.send(with_session(request("GET", path + "?from=3&size=2"), token));
    REQUIRE(page.status == 200);
    CHECK(body_of(page)["done"] == true);
    CHECK(body_of(page)["next"] == 5);

    page = w.send(with_session(request("GET", path + "?from=1&size=2"), token));
    CHECK(body_of(page)["done"] == false);

    page = w.send(with_session(request("GET", path + "?stream=stdout&size=3"), token));
    REQUIRE(page.status == 200);
    auto lines = body_of(page)["lines"];
    REQUIRE(lines.size() == 3);
    CHECK(lines[0]["text"] == "a");
    CHECK(lines[1]["text"] == "c");
    CHECK(lines[2]["text"] == "d");
    CHECK(body_of(page)["done"] == true);

    page = w.send(with_session(request("GET", path + "?stream=nope"), token));
    CHECK(page.status == 422);
    CHECK(body_of(page)["error"]["field"] == "stream");
}

TEST_CASE("a refused value is 422 whoever refuses it, the route or lib; an unreadable request 400", "[web-api][errors]")
{
    Site w;
    auto token = w.user_with_session("alice", "password-a");
    auto make_token = [&](const json& body) {
        return w.send(with_session(json_request("POST", "/api/v1/me/tokens", body), token));
    };
    auto by_route = make_token({{"name", 5}}); // the wrong type: the route's JSON reading
    auto by_lib = make_token({{"name", ""}});  // the rules for a name: lib
    CHECK(by_route.status == 422);
    CHECK(by_lib.status == 422);
    CHECK(body_of(by_route)["error"]["field"] == "name");
    CHECK(body_of(by_lib)["error"]["field"] == "name");
    CHECK(make_token({{"name", "t"}, {"colour", "red"}}).status == 400);
    auto not_json = with_session(request("POST", "/api/v1/me/tokens"), token);
    not_json.headers["content-type"] = "application/json";
    not_json.body = "{";
    CHECK(w.send(not_json).status == 400);
}

TEST_CASE("a compatible API with require_token wants an API token of its account", "[web-api][compat]")
{
    Site w({"compat.piston.enabled=true", "compat.piston.require_token=true"});
    auto execute = [&](std::optional<std::string> token) {
        auto r = json_request("POST", "/api/v2/execute", json::object());
        if (token)
            r = with_bearer(r, *token);
        return w.send(r);
    };
    // No such account yet: the admin's mistake, said as such.
    auto response = execute(std::nullopt);
    CHECK(response.status == 503);
    CHECK_THAT(json::parse(response.body)["message"].get<std::string>(), Contains("compat.piston.account"));

    account::add_user(*w.db, Actor::shell(), "piston", "password-p", false);
    account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);
    auto own = account::create_api_token(*w.db, account::actor_for(*w.db, "piston"), "bot").token;
    auto other = account::create_api_token(*w.db, account::actor_for(*w.db, "alice"), "ci").token;
    response = execute(std::nullopt);
    CHECK(response.status == 401);
    CHECK(json::parse(response.body).contains("message"));
    CHECK(execute("sbx_not-a-token").status == 401);
    CHECK(execute(other).status == 401);
    // Past the token, the request itself is read: Piston's 400.
    response = execute(own);
    CHECK(response.status == 400);
    CHECK(json::parse(response.body)["message"] == "language is required as a string");
    // The cookie-based same-site check is not this API's: another origin's page gets through.
    auto cross = with_bearer(json_request("POST", "/api/v2/execute", json::object()), own);
    cross.headers["origin"] = "https://elsewhere.example";
    CHECK(w.send(cross).status == 400);
}
