#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "error.hpp"
#include "store/database.hpp"
#include "temp_dir.hpp"

using namespace sbx::store;
using sbx::test::TempDir;

namespace {

const std::vector<Migration> v1 = {{1, "notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"}};
const std::vector<Migration> v2 = {
    v1[0], {2, "tags", "CREATE TABLE tags (note INTEGER NOT NULL REFERENCES notes(id), tag TEXT NOT NULL);"}};

} // namespace

TEST_CASE("a fresh database gets the whole schema and the right pragmas", "[store]")
{
    TempDir dir;
    Database db(dir.path() / "sbx.db");
    CHECK(db.status().schema_version == static_cast<int>(schema_migrations().size()));
    CHECK(db.status().schema_version == db.status().latest_version);
    CHECK(db.status().applied.size() == schema_migrations().size());
    CHECK(db.status().journal_mode == "wal");
    CHECK(db.sql().execAndGet("PRAGMA foreign_keys").getInt() == 1);
    CHECK(db.sql().execAndGet("PRAGMA synchronous").getInt() == 2); // FULL
    CHECK(db.sql().execAndGet("SELECT count(*) FROM instance_meta WHERE key = 'created_at'").getInt() == 1);
}

TEST_CASE("reopening applies nothing twice", "[store]")
{
    TempDir dir;
    {
        Database db(dir.path() / "sbx.db");
    }
    Database again(dir.path() / "sbx.db");
    CHECK(again.status().applied.empty());
}

TEST_CASE("an older database is upgraded in place, keeping its data", "[store]")
{
    TempDir dir;
    auto path = dir.path() / "sbx.db";
    {
        Database db(path, v1);
        db.sql().exec("INSERT INTO notes (body) VALUES ('kept')");
        CHECK(db.status().schema_version == 1);
    }
    Database db(path, v2);
    CHECK(db.status().schema_version == 2);
    CHECK(db.status().applied == std::vector<std::string>{"2 tags"});
    CHECK(db.sql().execAndGet("SELECT body FROM notes").getString() == "kept");
    CHECK_THROWS_AS(db.sql().exec("INSERT INTO tags VALUES (99, 'x')"), SQLite::Exception); // foreign keys on
}

TEST_CASE("a newer database is refused with a clear message", "[store]")
{
    TempDir dir;
    auto path = dir.path() / "sbx.db";
    {
        Database db(path, v2);
    }
    try {
        Database db(path, v1);
        FAIL("expected a refusal");
    } catch (const sbx::Error& e) {
        CHECK(e.kind() == sbx::ErrorKind::data);
        CHECK(std::string(e.what()) == path.string() +
                                           ": database schema version 2 is newer than this sbx understands (1); "
                                           "run a newer sbx, or restore a backup made for this one");
    }
}

TEST_CASE("a failing migration leaves the database as it was", "[store]")
{
    TempDir dir;
    auto path = dir.path() / "sbx.db";
    {
        Database db(path, v1);
    }
    std::vector<Migration> broken = {v1[0], {2, "ok", "CREATE TABLE a (x INT);"}, {3, "bad", "CREATE TABLE ("}};
    CHECK_THROWS_AS(Database(path, broken), sbx::Error);
    Database db(path, v1);
    CHECK(db.status().schema_version == 1);
    CHECK(db.sql().execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'a'").getInt() == 0);
}

TEST_CASE("migrations must be numbered in order", "[store]")
{
    TempDir dir;
    CHECK_THROWS_AS(Database(dir.path() / "x.db", {{2, "skip", ""}}), sbx::Error);
}

TEST_CASE("an unopenable path is reported as unavailable", "[store]")
{
    TempDir dir;
    try {
        Database db(dir.path() / "no/such/dir/sbx.db");
        FAIL("expected an error");
    } catch (const sbx::Error& e) {
        CHECK(e.kind() == sbx::ErrorKind::unavailable);
        CHECK_THAT(e.what(), Catch::Matchers::Contains("cannot open database"));
    }
}
