#include <catch2/catch.hpp>

#include <functional>

#include <nlohmann/json.hpp>

#include "error.hpp"
#include "web/api_error.hpp"
#include "web/http.hpp"
#include "web/json_input.hpp"
#include "web/rate_limiter.hpp"
#include "web/router.hpp"

using namespace sbx;
using Catch::Matchers::Contains;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// The HttpError `body` throws, or a failure when it throws nothing.
web::HttpError http_error_of(const std::function<void()>& body)
{
    try {
        body();
    } catch (const web::HttpError& e) {
        return e;
    }
    FAIL("no HttpError thrown");
    return web::HttpError(0, "", "");
}

web::Request with_cookie(const std::string& cookie)
{
    web::Request request;
    request.headers["cookie"] = cookie;
    return request;
}

std::vector<std::string> values(const std::multimap<std::string, std::string>& params, const std::string& key)
{
    std::vector<std::string> found;
    auto [begin, end] = params.equal_range(key);
    for (auto it = begin; it != end; ++it)
        found.push_back(it->second);
    return found;
}

} // namespace

TEST_CASE("percent_decode decodes escapes and refuses malformed ones", "[web]")
{
    CHECK(web::percent_decode("plain") == "plain");
    CHECK(web::percent_decode("") == "");
    CHECK(web::percent_decode("a%20b") == "a b");
    CHECK(web::percent_decode("%41%6a%6A") == "Ajj");
    CHECK(web::percent_decode("%e2%82%ac") == "\xe2\x82\xac");
    CHECK(web::percent_decode("%2F%25") == "/%");
    CHECK(web::percent_decode("nul%00byte") == std::string("nul\0byte", 8));

    CHECK_FALSE(web::percent_decode("%zz"));
    CHECK_FALSE(web::percent_decode("%g1"));
    CHECK_FALSE(web::percent_decode("%1g"));
    CHECK_FALSE(web::percent_decode("%4"));
    CHECK_FALSE(web::percent_decode("abc%4"));
    CHECK_FALSE(web::percent_decode("%"));
    CHECK_FALSE(web::percent_decode("ab%"));

    // '+' is a space only in form encoding (queries), never in a path.
    CHECK(web::percent_decode("a+b") == "a+b");
    CHECK(web::percent_decode("a+b", true) == "a b");
    CHECK(web::percent_decode("a%2Bb", true) == "a+b");
}

TEST_CASE("parse_query keeps repeated keys, takes a bare key as empty, skips bad escapes", "[web]")
{
    auto params = web::parse_query("a=1&b=two+words&a=2&a=%33");
    CHECK(values(params, "a") == std::vector<std::string>{"1", "2", "3"});
    CHECK(values(params, "b") == std::vector<std::string>{"two words"});
    CHECK(params.size() == 4);

    params = web::parse_query("flag&x=1&empty=");
    CHECK(values(params, "flag") == std::vector<std::string>{""});
    CHECK(values(params, "empty") == std::vector<std::string>{""});
    CHECK(values(params, "x") == std::vector<std::string>{"1"});

    params = web::parse_query("bad=%zz&ok=1&%zz=2&cut=%4&name%3D=v%3Dw");
    CHECK(params.size() == 2);
    CHECK(values(params, "ok") == std::vector<std::string>{"1"});
    CHECK(values(params, "name=") == std::vector<std::string>{"v=w"});
    CHECK_FALSE(params.contains("bad"));
    CHECK_FALSE(params.contains("cut"));

    params = web::parse_query("&&k=a=b&");
    CHECK(params.size() == 1);
    CHECK(values(params, "k") == std::vector<std::string>{"a=b"});
    CHECK(web::parse_query("").empty());

    web::Request request;
    request.query = web::parse_query("runtime=go-1.19&runtime=c");
    CHECK(request.param("runtime") == "go-1.19");
    CHECK_FALSE(request.param("format"));
}

TEST_CASE("Request::cookie finds one cookie among several", "[web]")
{
    CHECK(with_cookie("a=1; sbx_session=abc; b=2").cookie("sbx_session") == "abc");
    CHECK(with_cookie("a=1;sbx_session=abc").cookie("sbx_session") == "abc");
    CHECK(with_cookie("  sbx_session = abc  ;x=1").cookie("sbx_session") == "abc");
    CHECK(with_cookie("a=1; b=2").cookie("a") == "1");
    CHECK(with_cookie("a=1; b=2").cookie("b") == "2");
    CHECK(with_cookie("t=x=y").cookie("t") == "x=y");
    CHECK(with_cookie("empty=; a=1").cookie("empty") == "");

    CHECK_FALSE(with_cookie("a=1; b=2").cookie("sbx_session"));
    CHECK_FALSE(with_cookie("").cookie("sbx_session"));
    CHECK_FALSE(with_cookie("sbx_session").cookie("sbx_session"));
    CHECK_FALSE(web::Request().cookie("sbx_session"));

    // A name that is a prefix of another, or has another as its prefix, is a different cookie.
    CHECK(with_cookie("sbx_session_old=zzz; sbx_session=abc").cookie("sbx_session") == "abc");
    CHECK(with_cookie("sbx_session=abc; sbx_session_old=zzz").cookie("sbx_session_old") == "zzz");
    CHECK_FALSE(with_cookie("sbx_session_old=zzz").cookie("sbx_session"));
    CHECK_FALSE(with_cookie("sbx_session=abc").cookie("sbx"));
    CHECK_FALSE(with_cookie("xsbx_session=abc").cookie("sbx_session"));
}

TEST_CASE("Request::header is by lower-case name and empty when absent", "[web]")
{
    web::Request request;
    request.headers["content-type"] = "application/json";
    CHECK(request.header("content-type") == "application/json");
    CHECK(request.header("origin").empty());
}

TEST_CASE("Router matches literal routes, {id} segments and {path...} rests", "[web]")
{
    web::Router router;
    CHECK(router.add("GET", "/healthz") == 0);
    CHECK(router.add("GET", "/api/v1/projects") == 1);
    CHECK(router.add("POST", "/api/v1/projects") == 2);
    CHECK(router.add("GET", "/api/v1/projects/{id}") == 3);
    CHECK(router.add("PATCH", "/api/v1/projects/{id}") == 4);
    CHECK(router.add("DELETE", "/api/v1/projects/{id}") == 5);
    CHECK(router.add("GET", "/api/v1/projects/{id}/files/{path...}") == 6);
    CHECK(router.add("PUT", "/api/v1/projects/{id}/files/{path...}") == 7);
    REQUIRE(router.routes().size() == 8);

    auto m = router.match("GET", "/healthz");
    REQUIRE(m.route);
    CHECK(m.route == &router.routes()[0]);
    CHECK(m.route->name == "/healthz");
    CHECK(m.params.empty());

    m = router.match("POST", "/api/v1/projects");
    REQUIRE(m.route);
    CHECK(m.route == &router.routes()[2]);

    m = router.match("GET", "/api/v1/projects/42");
    REQUIRE(m.route);
    CHECK(m.route == &router.routes()[3]);
    CHECK(m.params == web::PathParams{{"id", "42"}});
    CHECK(m.route->name == "/api/v1/projects/{id}"); // the pattern, never the concrete path

    m = router.match("PUT", "/api/v1/projects/7/files/src/main/app.py");
    REQUIRE(m.route);
    CHECK(m.route == &router.routes()[7]);
    CHECK(m.params == web::PathParams{{"id", "7"}, {"path", "src/main/app.py"}});

    m = router.match("GET", "/api/v1/projects/7/files/top.txt");
    REQUIRE(m.route);
    CHECK(m.params.at("path") == "top.txt");
}

TEST_CASE("Router finds nothing for a trailing part, an empty segment or a foreign path", "[web]")
{
    web::Router router;
    router.add("GET", "/healthz");
    router.add("GET", "/api/v1/projects/{id}");
    router.add("GET", "/api/v1/projects/{id}/files/{path...}");

    for (const char* path :
         {"/healthz/", "/healthz/x", "/healthzz", "/api/v1/projects/42/extra", "/api/v1/projects/", "/api/v1/projects",
          "/api/v1/projects//files/a", "/api/v1/projects/7/files", "/api/v1/projects/7/files/", "healthz", "", "/"}) {
        INFO(path);
        auto m = router.match("GET", path);
        CHECK_FALSE(m.route);
        CHECK_FALSE(m.path_known);
        CHECK(router.allowed(path).empty());
    }
}

TEST_CASE("Router tells a wrong method (405) from an unknown path (404); HEAD is GET", "[web]")
{
    web::Router router;
    router.add("GET", "/healthz");
    router.add("POST", "/api/v1/session");
    router.add("DELETE", "/api/v1/session");
    router.add("GET", "/api/v1/projects/{id}");
    router.add("PATCH", "/api/v1/projects/{id}");
    router.add("DELETE", "/api/v1/projects/{id}");
    router.add("PUT", "/api/v1/projects/{id}/files/{path...}");

    auto m = router.match("POST", "/healthz");
    CHECK_FALSE(m.route);
    CHECK(m.path_known);
    CHECK(router.allowed("/healthz") == "GET");

    m = router.match("GET", "/api/v1/session");
    CHECK_FALSE(m.route);
    CHECK(m.path_known);
    CHECK(router.allowed("/api/v1/session") == "POST, DELETE");

    m = router.match("PUT", "/api/v1/projects/3");
    CHECK_FALSE(m.route);
    CHECK(m.path_known);
    CHECK(router.allowed("/api/v1/projects/3") == "GET, PATCH, DELETE");

    m = router.match("GET", "/api/v1/projects/3/files/a/b");
    CHECK_FALSE(m.route);
    CHECK(m.path_known);
    CHECK(router.allowed("/api/v1/projects/3/files/a/b") == "PUT");

    m = router.match("HEAD", "/healthz");
    REQUIRE(m.route);
    CHECK(m.route->method == "GET");
    m = router.match("HEAD", "/api/v1/projects/9");
    REQUIRE(m.route);
    CHECK(m.params.at("id") == "9");
    m = router.match("HEAD", "/api/v1/session"); // POST and DELETE only: HEAD is not GET here
    CHECK_FALSE(m.route);
    CHECK(m.path_known);

    m = router.match("GET", "/nowhere");
    CHECK_FALSE(m.route);
    CHECK_FALSE(m.path_known);
}

TEST_CASE("JsonInput: not a JSON object is 400 bad-json", "[web]")
{
    for (const char* body :
         {"not json", "", "{", "{\"a\": 1,}", "[1, 2]", "[]", "42", "\"text\"", "null", "true", "{\"a\": \"\xff\"}"}) {
        INFO(body);
        auto e = http_error_of([&] { web::JsonInput in{std::string(body)}; });
        CHECK(e.status() == 400);
        CHECK(e.code() == "bad-json");
    }
    CHECK_NOTHROW(web::JsonInput(std::string("{}")).finish());
}

TEST_CASE("JsonInput: a body from a request must say it is JSON (415)", "[web]")
{
    web::Request request;
    request.body = R"({"name": "x"})";
    auto e = http_error_of([&] { web::JsonInput in(request); });
    CHECK(e.status() == 415);
    CHECK(e.code() == "unsupported-media-type");

    request.headers["content-type"] = "text/plain";
    CHECK(http_error_of([&] { web::JsonInput in(request); }).status() == 415);

    request.headers["content-type"] = "application/json; charset=utf-8";
    web::JsonInput in(request);
    CHECK(in.string("name") == "x");
    CHECK_NOTHROW(in.finish());
}

TEST_CASE("JsonInput: a wrong type is 422 naming the field", "[web]")
{
    web::JsonInput in(std::string(
        R"({"s": 5, "b": "yes", "i": 1.5, "j": "3", "n": true, "ok_s": "x", "ok_b": false, "ok_i": -7, "ok_n": 2})"));

    auto e = http_error_of([&] { in.string("s"); });
    CHECK(e.status() == 422);
    CHECK(e.code() == "invalid");
    CHECK(e.field() == "s");
    CHECK_THAT(e.what(), Contains("'s'") && Contains("string"));

    e = http_error_of([&] { in.boolean("b"); });
    CHECK(e.status() == 422);
    CHECK(e.field() == "b");
    e = http_error_of([&] { in.integer("i"); });
    CHECK(e.status() == 422);
    CHECK(e.field() == "i");
    e = http_error_of([&] { in.integer("j"); });
    CHECK(e.status() == 422);
    CHECK(e.field() == "j");
    e = http_error_of([&] { in.number("n"); });
    CHECK(e.status() == 422);
    CHECK(e.field() == "n");

    CHECK(in.string("ok_s") == "x");
    CHECK(in.boolean("ok_b") == false);
    CHECK(in.integer("ok_i") == -7);
    CHECK(in.number("ok_n") == 2.0);
    CHECK(in.number("ok_i") == -7.0);
    CHECK_FALSE(in.string("absent"));
    CHECK_NOTHROW(in.finish()); // every field was asked for, even those of the wrong type
}

TEST_CASE("JsonInput: a whole number outside 64 bits is 422, not a wrapped value", "[web]")
{
    // 2^64-1 and 2^63 parse as unsigned; read as int64 they would become -1 and INT64_MIN.
    for (const char* body : {R"({"n": 18446744073709551615})", R"({"n": 9223372036854775808})"}) {
        INFO(body);
        web::JsonInput in{std::string(body)};
        std::optional<std::int64_t> got;
        auto e = http_error_of([&] { got = in.integer("n"); });
        CHECK(e.status() == 422);
        CHECK(e.field() == "n");
        CHECK_FALSE(got);
    }
    web::JsonInput in{std::string(R"({"n": 9223372036854775807})")};
    CHECK(in.integer("n") == INT64_MAX);
}

TEST_CASE("JsonInput: a required field missing or null is 422", "[web]")
{
    web::JsonInput in(std::string(R"({"name": null, "other": "x"})"));
    auto e = http_error_of([&] { in.required_string("password"); });
    CHECK(e.status() == 422);
    CHECK(e.code() == "missing");
    CHECK(e.field() == "password");
    CHECK_THAT(e.what(), Contains("'password' is required"));

    e = http_error_of([&] { in.required_string("name"); });
    CHECK(e.status() == 422);
    CHECK(e.field() == "name");
    CHECK(in.required_string("other") == "x");
}

TEST_CASE("JsonInput: finish() names a field nobody read", "[web]")
{
    web::JsonInput in(std::string(R"({"name": "a", "pasword": "typo"})"));
    CHECK(in.string("name") == "a");
    CHECK(in.string("password") == std::nullopt);
    auto e = http_error_of([&] { in.finish(); });
    CHECK(e.status() == 400);
    CHECK(e.code() == "unknown-field");
    CHECK(e.field() == "pasword");
    CHECK_THAT(e.what(), Contains("'pasword'"));

    web::JsonInput nested(std::string(R"({"limits": {"memory": "1G"}})"));
    auto limits = nested.value("limits");
    REQUIRE(limits);
    CHECK((*limits)["memory"] == "1G");
    CHECK_NOTHROW(nested.finish());
}

TEST_CASE("every error kind has its HTTP status", "[web]")
{
    CHECK(web::http_status(ErrorKind::usage) == 422); // a refused value; 400 is only for a request that cannot be read
    CHECK(web::http_status(ErrorKind::data) == 422);
    CHECK(web::http_status(ErrorKind::not_found) == 404);
    CHECK(web::http_status(ErrorKind::unavailable) == 503);
    CHECK(web::http_status(ErrorKind::internal) == 500);
    CHECK(web::http_status(ErrorKind::conflict) == 409);
    CHECK(web::http_status(ErrorKind::limit) == 429);
    CHECK(web::http_status(ErrorKind::too_large) == 413);
    CHECK(web::http_status(ErrorKind::forbidden) == 403);
    CHECK(web::http_status(ErrorKind::config) == 503);
}

TEST_CASE("error_body is {\"error\": {code, message, field?}}", "[web]")
{
    auto body = nlohmann::json::parse(web::error_body("not-found", "no project 3"));
    CHECK(body == nlohmann::json{{"error", {{"code", "not-found"}, {"message", "no project 3"}}}});
    CHECK_FALSE(body["error"].contains("field"));

    body = nlohmann::json::parse(web::error_body("invalid", "'name' must be a string", "name"));
    CHECK(body ==
          nlohmann::json{{"error", {{"code", "invalid"}, {"message", "'name' must be a string"}, {"field", "name"}}}});
}

TEST_CASE("error_body survives invalid UTF-8 from the client", "[web]")
{
    std::string text;
    REQUIRE_NOTHROW(text = web::error_body("not-found", "no file 'a\xff\xfe.txt'", "pa\xc3th"));
    auto body = nlohmann::json::parse(text); // valid JSON, hence valid UTF-8
    CHECK(body["error"]["code"] == "not-found");
    CHECK_THAT(body["error"]["message"].get<std::string>(), Contains("no file 'a") && Contains(".txt'"));
    CHECK_THAT(body["error"]["message"].get<std::string>(), Contains("\xef\xbf\xbd")); // U+FFFD
    CHECK(body["error"].contains("field"));
}

TEST_CASE("set_error keeps headers already set and replaces the body", "[web]")
{
    web::Response response;
    response.body = "half";
    response.set_header("Retry-After", "30");
    web::set_error(response, 429, "rate-limited", "slow down");
    CHECK(response.status == 429);
    CHECK(nlohmann::json::parse(response.body)["error"]["code"] == "rate-limited");
    CHECK(response.headers == std::vector<std::pair<std::string, std::string>>{{"Retry-After", "30"},
                                                                               {"Content-Type", "application/json"}});
}

TEST_CASE("RateLimiter allows N a minute, then says how long to wait", "[web]")
{
    web::RateLimiter limiter;
    const auto t0 = web::RateLimiter::Clock::time_point{} + std::chrono::hours(1);
    CHECK_FALSE(limiter.take("k", 3, t0));
    CHECK_FALSE(limiter.take("k", 3, t0 + seconds(1)));
    CHECK_FALSE(limiter.take("k", 3, t0 + seconds(2)));

    auto wait = limiter.take("k", 3, t0 + seconds(3));
    REQUIRE(wait);
    CHECK(*wait == seconds(57)); // until the first event leaves the window
    CHECK(*wait <= seconds(60));
    CHECK(*wait >= seconds(1));

    // A refused request is not recorded: the wait does not grow.
    wait = limiter.take("k", 3, t0 + seconds(30));
    REQUIRE(wait);
    CHECK(*wait == seconds(30));
    wait = limiter.take("k", 3, t0 + milliseconds(59'500));
    REQUIRE(wait);
    CHECK(*wait == seconds(1)); // rounded up, never 0

    // Other keys are independent.
    CHECK_FALSE(limiter.take("other", 3, t0 + seconds(4)));

    // The first event has left the window a minute later; the second still counts.
    CHECK_FALSE(limiter.take("k", 3, t0 + seconds(60)));
    wait = limiter.take("k", 3, t0 + seconds(60));
    REQUIRE(wait);
    CHECK(*wait == seconds(1));
    CHECK_FALSE(limiter.take("k", 3, t0 + seconds(62)));

    // A full minute later the window is empty again.
    const auto t1 = t0 + seconds(200);
    for (int i = 0; i < 3; ++i)
        CHECK_FALSE(limiter.take("k", 3, t1));
    wait = limiter.take("k", 3, t1);
    REQUIRE(wait);
    CHECK(*wait == seconds(60));
}

TEST_CASE("RateLimiter: take_all() records in every key or in none; give_back() and clear() forget", "[web]")
{
    web::RateLimiter limiter;
    const auto t0 = web::RateLimiter::Clock::time_point{} + std::chrono::hours(1);
    CHECK_FALSE(limiter.take_all({"login:bob", "ip:a"}, 2, t0));
    CHECK_FALSE(limiter.take("ip:a", 2, t0 + seconds(1)));
    // ip:a is full, so login:bob records nothing either.
    auto wait = limiter.take_all({"login:bob", "ip:a"}, 2, t0 + seconds(2));
    REQUIRE(wait);
    CHECK(*wait == seconds(58));
    CHECK_FALSE(limiter.take("login:bob", 2, t0 + seconds(3)));
    CHECK(limiter.take("login:bob", 2, t0 + seconds(3)) == seconds(57));

    limiter.give_back("ip:a");
    CHECK_FALSE(limiter.take_all({"ip:a"}, 2, t0 + seconds(4)));
    limiter.clear("login:bob");
    CHECK_FALSE(limiter.take("login:bob", 2, t0 + seconds(4)));
    limiter.give_back("never-seen");
    limiter.clear("never-seen");
}

TEST_CASE("RateLimiter forgets idle keys without losing live ones", "[web]")
{
    web::RateLimiter limiter;
    const auto t0 = web::RateLimiter::Clock::time_point{} + std::chrono::hours(1);
    CHECK_FALSE(limiter.take("idle", 1, t0));
    CHECK_FALSE(limiter.take("live", 2, t0 + seconds(30)));
    CHECK_FALSE(limiter.take("live", 2, t0 + seconds(50)));
    // More than a minute since the last sweep: "idle" goes, "live" keeps both its events.
    auto wait = limiter.take("live", 2, t0 + seconds(61));
    REQUIRE(wait);
    CHECK(*wait == seconds(29));
    CHECK_FALSE(limiter.take("idle", 1, t0 + seconds(61)));
    CHECK(limiter.take("idle", 1, t0 + seconds(62)) == seconds(59));
}
