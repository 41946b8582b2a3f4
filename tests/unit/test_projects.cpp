#include <catch2/catch.hpp>

#include "account/users.hpp"
#include "error.hpp"
#include "error_kind.hpp"
#include "project/access.hpp"
#include "project/projects.hpp"
#include "store/user_store.hpp"
#include "test_world.hpp"

using namespace sbx;
using account::Actor;
using Catch::Matchers::Contains;
using project::Access;

using sbx::test::kind_of;

namespace {

struct People : test::World {
    explicit People(std::vector<std::string> overrides = {}) : World(std::move(overrides))
    {
        account::add_user(*db, Actor::shell(), "alice", "password-a", false);
        account::add_user(*db, Actor::shell(), "bob", "password-b", false);
        account::add_user(*db, Actor::shell(), "root", "password-r", true);
        alice = account::actor_for(*db, "alice");
        bob = account::actor_for(*db, "bob");
        admin = account::actor_for(*db, "root");
    }
    Actor alice, bob, admin;
};

} // namespace

TEST_CASE("a new project starts from its runtime's hello world, private", "[projects]")
{
    People w;
    auto p = project::create_project(w.context, w.alice, "hello", "python-3.11", false);
    CHECK(p.owner == "alice");
    CHECK_FALSE(p.is_public);
    CHECK(project::get_file(w.context, w.alice, p, "main.py") == w.catalog.get("python-3.11").hello_world);
    CHECK(kind_of([&] { project::create_project(w.context, w.alice, "hello", "go-1.19", false); }) ==
          ErrorKind::conflict);
    CHECK(kind_of([&] { project::create_project(w.context, w.alice, "other", "cobol", false); }) ==
          ErrorKind::not_found);
    CHECK(kind_of([&] { project::create_project(w.context, w.bob, "alice/mine", "python-3.11", false); }) ==
          ErrorKind::forbidden);
    CHECK_THROWS_WITH(project::create_project(w.context, Actor::shell(), "loose", "python-3.11", false),
                      Contains("OWNER/loose"));
    CHECK(project::create_project(w.context, Actor::shell(), "bob/made", "go-1.19", false).owner == "bob");
}

TEST_CASE("authorization: owner all, others read public only, private answers not found", "[projects][access]")
{
    People w;
    auto priv = project::create_project(w.context, w.alice, "secret", "python-3.11", false);
    auto pub = project::create_project(w.context, w.alice, "shared", "python-3.11", true);
    auto& ctx = w.context;

    // Reading.
    CHECK(kind_of([&] { project::find_project(*w.db, w.bob, "alice/secret", Access::read); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { project::find_project(*w.db, w.bob, priv.id, Access::read); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { project::get_file(ctx, w.bob, priv, "main.py"); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { project::list_files(ctx, w.bob, priv); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { project::fork_project(ctx, w.bob, priv, std::nullopt); }) == ErrorKind::not_found);
    CHECK(project::find_project(*w.db, w.bob, "alice/shared", Access::read).id == pub.id);
    CHECK_FALSE(project::get_file(ctx, w.bob, pub, "main.py").empty());
    CHECK(project::find_project(*w.db, w.admin, "alice/secret", Access::write).id == priv.id);

    // Writing someone else's public project: forbidden, named; private: still not found.
    for (const auto& target : {pub, priv}) {
        ErrorKind expected = target.is_public ? ErrorKind::forbidden : ErrorKind::not_found;
        CHECK(kind_of([&] { project::put_file(ctx, w.bob, target, "x.py", "x"); }) == expected);
        CHECK(kind_of([&] { project::remove_file(ctx, w.bob, target, "main.py"); }) == expected);
        CHECK(kind_of([&] { project::move_file(ctx, w.bob, target, "main.py", "m.py"); }) == expected);
        CHECK(kind_of([&] { project::rename_project(ctx, w.bob, target, "mine"); }) == expected);
        CHECK(kind_of([&] { project::set_visibility(ctx, w.bob, target, true); }) == expected);
        CHECK(kind_of([&] { project::set_runtime(ctx, w.bob, target, "go-1.19"); }) == expected);
        CHECK(kind_of([&] { project::delete_project(ctx, w.bob, target); }) == expected);
        CHECK(kind_of([&] { project::list_env(ctx, w.bob, target); }) == expected);
        CHECK(kind_of([&] { project::set_env(ctx, w.bob, target, "K", "v"); }) == expected);
    }
    // The admin may do all of it.
    CHECK(project::put_file(ctx, w.admin, priv, "x.py", "x"));

    // The gallery lists public projects only; own lists are own.
    auto gallery = project::gallery(ctx);
    REQUIRE(gallery.size() == 1);
    CHECK(gallery[0].id == pub.id);
    CHECK(project::list_projects(ctx, w.bob).empty());
    CHECK(project::list_projects(ctx, w.alice).size() == 2);
}

TEST_CASE("files: normalised paths, move, remove, byte-exact content", "[projects]")
{
    People w;
    auto p = project::create_project(w.context, w.alice, "files", "python-3.11", false);
    std::string binary("a\0b\xff\n", 5);
    CHECK(project::put_file(w.context, w.alice, p, "./lib//util.py", binary));
    CHECK(project::get_file(w.context, w.alice, p, "lib/util.py") == binary);
    CHECK_FALSE(project::put_file(w.context, w.alice, p, "lib/util.py", "v2"));
    for (const char* bad : {"/etc/passwd", "../x", "a/../../x", "a\\b", "a\x01", ""})
        CHECK(kind_of([&] { project::put_file(w.context, w.alice, p, bad, "x"); }) == ErrorKind::usage);
    CHECK(kind_of([&] { project::move_file(w.context, w.alice, p, "lib/util.py", "main.py"); }) == ErrorKind::conflict);
    project::move_file(w.context, w.alice, p, "lib/util.py", "util.py");
    CHECK(kind_of([&] { project::get_file(w.context, w.alice, p, "lib/util.py"); }) == ErrorKind::not_found);
    project::remove_file(w.context, w.alice, p, "util.py");
    CHECK(kind_of([&] { project::remove_file(w.context, w.alice, p, "util.py"); }) == ErrorKind::not_found);
    CHECK(project::list_files(w.context, w.alice, p).size() == 1);
}

TEST_CASE("limits per file, per project and per user name the limit", "[projects][limits]")
{
    People w({"projects.max_file_bytes=1K", "projects.max_files=3", "projects.max_project_bytes=1536"});
    auto p = project::create_project(w.context, w.alice, "small", "python-3.11", false);
    CHECK_THROWS_WITH(project::put_file(w.context, w.alice, p, "big.txt", std::string(1025, 'x')),
                      Contains("largest file allowed is 1K"));
    project::put_file(w.context, w.alice, p, "a.txt", std::string(900, 'x'));
    CHECK_THROWS_WITH(project::put_file(w.context, w.alice, p, "b.txt", std::string(1000, 'x')),
                      Contains("a project may hold 1536"));
    project::put_file(w.context, w.alice, p, "b.txt", "b");
    CHECK_THROWS_WITH(project::put_file(w.context, w.alice, p, "c.txt", "c"), Contains("at most 3 files"));
    CHECK(project::list_files(w.context, w.alice, p).size() == 3); // the refused writes left nothing

    store::QuotaOverrides quota;
    quota.max_storage = 1400;
    account::set_quota(*w.db, Actor::shell(), "bob", quota, false);
    auto q = project::create_project(w.context, w.bob, "one", "python-3.11", false);
    auto r = project::create_project(w.context, w.bob, "two", "python-3.11", false);
    project::put_file(w.context, w.bob, q, "a.txt", std::string(700, 'x'));
    CHECK_THROWS_WITH(project::put_file(w.context, w.bob, r, "a.txt", std::string(700, 'x')),
                      Contains("storage quota is 1400"));
}

TEST_CASE("env: names checked, secrets kept from others, fork copies files not env", "[projects]")
{
    People w;
    auto p = project::create_project(w.context, w.alice, "app", "python-3.11", true);
    project::set_env(w.context, w.alice, p, "TOKEN", "s3cret");
    CHECK(kind_of([&] { project::set_env(w.context, w.alice, p, "1BAD", "x"); }) == ErrorKind::usage);
    CHECK(kind_of([&] { project::set_env(w.context, w.alice, p, "OK", std::string("a\0b", 3)); }) == ErrorKind::usage);
    CHECK(project::list_env(w.context, w.alice, p).at("TOKEN") == "s3cret");
    project::put_file(w.context, w.alice, p, "lib.py", "X = 1\n");

    auto fork = project::fork_project(w.context, w.bob, p, std::nullopt);
    CHECK(fork.owner == "bob");
    CHECK(fork.name == "app");
    CHECK_FALSE(fork.is_public);
    CHECK(fork.forked_from == p.id);
    CHECK(fork.runtime == "python-3.11");
    CHECK(project::list_files(w.context, w.bob, fork).size() == 2);
    CHECK(project::list_env(w.context, w.bob, fork).empty());
    project::unset_env(w.context, w.alice, p, "TOKEN");
    CHECK(kind_of([&] { project::unset_env(w.context, w.alice, p, "TOKEN"); }) == ErrorKind::not_found);
}

TEST_CASE("import and export round-trip; a bad archive imports nothing", "[projects][archive]")
{
    People w;
    auto p = project::create_project(w.context, w.alice, "src", "python-3.11", false);
    project::put_file(w.context, w.alice, p, "pkg/mod.py", "Y = 2\n");
    for (auto format : {project::ArchiveFormat::tar_gz, project::ArchiveFormat::zip, project::ArchiveFormat::tar}) {
        std::string archive = project::export_project(w.context, w.alice, p, format);
        std::string name = std::string("copy-") + (format == project::ArchiveFormat::zip ? "zip" : "tar") +
                           std::to_string(static_cast<int>(format));
        auto copy = project::import_project(w.context, w.bob, name, archive, std::nullopt, false);
        CHECK(copy.runtime == "python-3.11"); // guessed from main.py
        CHECK(project::get_file(w.context, w.bob, copy, "pkg/mod.py") == "Y = 2\n");
        CHECK(copy.file_count == 2);
    }
    // Files no runtime claims need -r.
    std::string other = project::write_archive({{"notes.txt", "hi"}}, project::ArchiveFormat::zip);
    CHECK_THROWS_WITH(project::import_project(w.context, w.bob, "notes", other, std::nullopt, false),
                      Contains("give --runtime"));
    CHECK(project::import_project(w.context, w.bob, "notes", other, std::string("bash-5.2"), false).runtime ==
          "bash-5.2");

    // Over the storage quota at the last file: the project does not exist afterwards.
    store::QuotaOverrides quota;
    quota.max_storage = 2000;
    account::set_quota(*w.db, Actor::shell(), "alice", quota, false);
    std::string big = project::write_archive(
        {{"main.py", "print(1)\n"}, {"a.txt", std::string(1000, 'a')}, {"b.txt", std::string(1000, 'b')}},
        project::ArchiveFormat::tar_gz);
    CHECK(kind_of([&] { project::import_project(w.context, w.alice, "big", big, std::nullopt, false); }) ==
          ErrorKind::too_large);
    CHECK_FALSE(store::ProjectStore(*w.db).find(*w.alice.user_id, "big"));
    CHECK(kind_of([&] {
              project::import_project(w.context, w.alice, "junk", "not an archive", std::nullopt, false);
          }) == ErrorKind::data);
}

TEST_CASE("a path cannot be both a file and a folder", "[projects]")
{
    People w;
    auto p = project::create_project(w.context, w.alice, "tree", "python-3.11", false);
    project::put_file(w.context, w.alice, p, "a/b.py", "x");
    CHECK_THROWS_WITH(project::put_file(w.context, w.alice, p, "a", "x"), Contains("one would be a folder"));
    CHECK_THROWS_WITH(project::put_file(w.context, w.alice, p, "a/b.py/c", "x"), Contains("one would be a folder"));
    CHECK_THROWS_WITH(project::move_file(w.context, w.alice, p, "main.py", "a"), Contains("one would be a folder"));
    CHECK(project::put_file(w.context, w.alice, p, "a.py", "x")); // a sibling, not a folder
    CHECK(project::put_file(w.context, w.alice, p, "ab/c.py", "x"));
}

TEST_CASE("over a lowered storage quota, files may still shrink", "[projects][limits]")
{
    People w;
    auto p = project::create_project(w.context, w.alice, "grown", "python-3.11", false);
    project::put_file(w.context, w.alice, p, "data.txt", std::string(3000, 'x'));
    store::QuotaOverrides quota;
    quota.max_storage = 1024;
    account::set_quota(*w.db, Actor::shell(), "alice", quota, false);
    CHECK(kind_of([&] { project::put_file(w.context, w.alice, p, "more.txt", "y"); }) == ErrorKind::too_large);
    CHECK_NOTHROW(project::put_file(w.context, w.alice, p, "data.txt", std::string(2000, 'x')));
}

TEST_CASE("an archive of one folder imports its contents; disabled owners leave the gallery", "[projects][archive]")
{
    People w;
    std::string archive = project::write_archive({{"proj/main.py", "print(1)\n"}, {"proj/lib/x.py", "X = 1\n"}},
                                                 project::ArchiveFormat::tar_gz);
    auto p = project::import_project(w.context, w.alice, "tarred", archive, std::nullopt, true);
    CHECK(p.runtime == "python-3.11");
    CHECK(project::get_file(w.context, w.alice, p, "lib/x.py") == "X = 1\n");
    CHECK(project::gallery(w.context).size() == 1);
    account::set_disabled(*w.db, Actor::shell(), "alice", true);
    CHECK(project::gallery(w.context).empty());
}
