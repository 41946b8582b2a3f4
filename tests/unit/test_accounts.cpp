#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "account/names.hpp"
#include "account/quota.hpp"
#include "account/sessions.hpp"
#include "account/totp.hpp"
#include "account/two_factor.hpp"
#include "account/user_json.hpp"
#include "account/users.hpp"
#include "error.hpp"
#include "error_kind.hpp"
#include "runner/garbage_collector.hpp"
#include "store/session_store.hpp"
#include "store/user_store.hpp"
#include "test_world.hpp"

using namespace sbx;
using account::Actor;
using Catch::Matchers::Contains;

using sbx::test::kind_of;

namespace {

} // namespace

TEST_CASE("user names are validated with a reason", "[accounts]")
{
    CHECK_NOTHROW(account::check_user_name("alice"));
    CHECK_NOTHROW(account::check_user_name("a1_-b"));
    CHECK_THROWS_WITH(account::check_user_name("a"), Contains("2 to 32"));
    CHECK_THROWS_WITH(account::check_user_name(std::string(33, 'a')), Contains("2 to 32"));
    CHECK_THROWS_WITH(account::check_user_name("Alice"), Contains("lowercase letter"));
    CHECK_THROWS_WITH(account::check_user_name("1abc"), Contains("start with"));
    CHECK_THROWS_WITH(account::check_user_name("al ice"), Contains("only lowercase"));
    CHECK_THROWS_WITH(account::check_user_name("al\x01ice"), Contains("'al?ice'"));
    CHECK_THROWS_WITH(account::check_project_name("../x"), Contains("start with a letter"));
    CHECK_THROWS_WITH(account::check_project_name("a/b"), Contains("only letters"));
    CHECK_THROWS_WITH(account::check_project_name(""), Contains("1 to 64"));
}

TEST_CASE("the admin adds users; passwords are checked and never shown", "[accounts]")
{
    test::World w;
    auto& db = *w.db;
    auto alice = account::add_user(db, Actor::shell(), "alice", "correct horse", false);
    CHECK(alice.name == "alice");
    CHECK_FALSE(alice.admin);
    CHECK(kind_of([&] { account::add_user(db, Actor::shell(), "alice", "another one", false); }) ==
          ErrorKind::conflict);
    CHECK(kind_of([&] { account::add_user(db, Actor::shell(), "bob", "short", false); }) == ErrorKind::usage);

    Actor as_alice = account::actor_for(db, "alice");
    CHECK(kind_of([&] { account::add_user(db, as_alice, "carol", "password1", false); }) == ErrorKind::forbidden);
    CHECK(kind_of([&] { account::list_users(db, as_alice); }) == ErrorKind::forbidden);

    CHECK(account::authenticate(db, "alice", "correct horse"));
    CHECK_FALSE(account::authenticate(db, "alice", "wrong horse"));
    CHECK_FALSE(account::authenticate(db, "nobody", "correct horse"));

    auto json = account::user_json(alice, w.settings.quotas).dump();
    CHECK(json.find("argon2") == std::string::npos);
    CHECK(json.find("password") == std::string::npos);
}

TEST_CASE("users see and change only themselves; disabled users cannot log in or act", "[accounts]")
{
    test::World w;
    auto& db = *w.db;
    account::add_user(db, Actor::shell(), "alice", "password-a", false);
    account::add_user(db, Actor::shell(), "bob", "password-b", false);
    Actor alice = account::actor_for(db, "alice");
    CHECK(account::show_user(db, alice, "alice").name == "alice");
    CHECK(kind_of([&] { account::show_user(db, alice, "bob"); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { account::change_password(db, alice, "bob", "new-password"); }) == ErrorKind::not_found);
    account::change_password(db, alice, "alice", "new-password");
    CHECK(account::authenticate(db, "alice", "new-password"));
    CHECK_FALSE(account::authenticate(db, "alice", "password-a"));

    CHECK(kind_of([&] { account::set_disabled(db, alice, "bob", true); }) == ErrorKind::forbidden);
    account::set_disabled(db, Actor::shell(), "bob", true);
    CHECK_FALSE(account::authenticate(db, "bob", "password-b"));
    CHECK(kind_of([&] { account::actor_for(db, "bob"); }) == ErrorKind::forbidden);
    account::set_disabled(db, Actor::shell(), "bob", false);
    CHECK(account::authenticate(db, "bob", "password-b"));
}

TEST_CASE("a user's own quota overrides the defaults field by field", "[accounts]")
{
    test::World w;
    auto& db = *w.db;
    account::add_user(db, Actor::shell(), "alice", "password-a", false);
    store::QuotaOverrides own;
    own.max_concurrent_runs = 5;
    own.max_memory = std::uint64_t{512} << 20;
    auto user = account::set_quota(db, Actor::shell(), "alice", own, false);
    auto q = account::effective_quota(w.settings.quotas, user.quota);
    CHECK(q.max_concurrent_runs == 5);
    CHECK(q.max_memory == std::uint64_t{512} << 20);
    CHECK(q.max_cpus == w.settings.quotas.max_cpus);
    CHECK(q.runs_per_hour == w.settings.quotas.runs_per_hour);

    store::QuotaOverrides cpus;
    cpus.max_cpus = 0.5;
    user = account::set_quota(db, Actor::shell(), "alice", cpus, true);
    CHECK_FALSE(user.quota.max_concurrent_runs);
    CHECK(*user.quota.max_cpus == 0.5);

    store::QuotaOverrides zero;
    zero.max_concurrent_runs = 0;
    CHECK(kind_of([&] { account::set_quota(db, Actor::shell(), "alice", zero, false); }) == ErrorKind::usage);
    CHECK(kind_of([&] { account::set_quota(db, account::actor_for(db, "alice"), "alice", cpus, false); }) ==
          ErrorKind::forbidden);
}

TEST_CASE("TOTP: enrol, confirm, verify once, replay refused, disable", "[accounts][totp]")
{
    test::World w;
    auto& db = *w.db;
    account::add_user(db, Actor::shell(), "alice", "password-a", false);
    Actor alice = account::actor_for(db, "alice");
    auto enrolment = account::begin_totp(db, alice, "alice", "sbx");
    CHECK(enrolment.uri.starts_with("otpauth://totp/sbx:alice?secret=" + enrolment.secret_base32));
    auto secret = *account::base32_decode(enrolment.secret_base32);

    auto now = std::chrono::system_clock::now();
    auto step = account::totp_step(now);
    CHECK_FALSE(store::UserStore(db).get("alice").totp_enabled);
    CHECK_FALSE(account::verify_totp(db, *alice.user_id, account::hotp_code(secret, step), now));
    CHECK(kind_of([&] { account::confirm_totp(db, alice, "alice", "000000", now - std::chrono::hours(1)); }) ==
          ErrorKind::usage);
    account::confirm_totp(db, alice, "alice", account::hotp_code(secret, step), now);
    CHECK(store::UserStore(db).get("alice").totp_enabled);

    // The confirming code is spent; the next step's code works once.
    CHECK_FALSE(account::verify_totp(db, *alice.user_id, account::hotp_code(secret, step), now));
    auto later = now + std::chrono::seconds(30);
    auto next = account::hotp_code(secret, step + 1);
    CHECK(account::verify_totp(db, *alice.user_id, next, later));
    CHECK_FALSE(account::verify_totp(db, *alice.user_id, next, later));
    CHECK(kind_of([&] { account::begin_totp(db, alice, "alice", "sbx"); }) == ErrorKind::conflict);

    // Nothing an account call returns carries the secret.
    auto json = account::user_json(store::UserStore(db).get("alice"), w.settings.quotas).dump();
    CHECK(json.find(enrolment.secret_base32) == std::string::npos);

    account::disable_totp(db, alice, "alice");
    CHECK_FALSE(account::verify_totp(db, *alice.user_id, account::hotp_code(secret, step + 2), later));
    CHECK(store::UserStore(db).credentials(*alice.user_id).totp_secret.empty());
}

TEST_CASE("TOTP: of racing verifications of one code exactly one succeeds", "[accounts][totp]")
{
    test::World w;
    account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);
    Actor alice = account::actor_for(*w.db, "alice");
    auto enrolment = account::begin_totp(*w.db, alice, "alice", "sbx");
    auto secret = *account::base32_decode(enrolment.secret_base32);
    auto now = std::chrono::system_clock::now();
    auto step = account::totp_step(now);
    account::confirm_totp(*w.db, alice, "alice", account::hotp_code(secret, step - 1), now);

    for (int round = 0; round < 3; ++round) {
        auto code = account::hotp_code(secret, step + round);
        auto at = now + std::chrono::seconds(30 * round);
        std::atomic<int> accepted{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i)
            threads.emplace_back([&] {
                store::Database db(w.settings.database); // a connection per thread, as per process
                if (account::verify_totp(db, *alice.user_id, code, at))
                    ++accepted;
            });
        for (auto& t : threads)
            t.join();
        CHECK(accepted == 1);
    }
}

TEST_CASE("gc removes sessions past their time, keeps live ones", "[accounts][gc]")
{
    test::World w;
    auto alice = account::add_user(*w.db, Actor::shell(), "alice", "password-a", false);
    auto now = std::chrono::system_clock::now();
    auto old = account::open_session(*w.db, alice.id, true, now - std::chrono::hours(48));
    auto live = account::open_session(*w.db, alice.id, true, now);
    account::SessionPolicy policy{std::chrono::hours(12), std::chrono::minutes(30)};

    auto report = runner::collect_garbage(w.context, true);
    CHECK(std::any_of(report.actions.begin(), report.actions.end(),
                      [](const auto& a) { return a.action == "expire-sessions" && a.target == "1 sessions"; }));
    runner::collect_garbage(w.context, false);
    CHECK_FALSE(account::check_session(*w.db, old.token, {std::chrono::hours(100), std::chrono::hours(100)}, now));
    CHECK(account::check_session(*w.db, live.token, policy, now));
}
