#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

using namespace sbx::store;

TEST_CASE("runs recorded before the pool read as not pooled", "[sandbox-store]")
{
    sbx::test::TempDir dir;
    auto path = dir.path() / "sbx.db";
    const auto& all = schema_migrations();
    {
        std::vector<Migration> before(all.begin(), all.begin() + 5);
        REQUIRE(before.back().version == 5);
        Database old(path, before);
        old.sql().exec("INSERT INTO runs (runtime, engine, status, limits, request) "
                       "VALUES ('python-3.11', 'podman', 'succeeded', '{}', '{}')");
    }
    Database db(path);
    CHECK(db.status().applied == std::vector<std::string>{"6 pooled sandboxes"});
    CHECK(db.sql().execAndGet("SELECT pooled FROM runs WHERE id = 1").getInt() == 0);
    CHECK(db.sql().execAndGet("SELECT pool_miss FROM runs WHERE id = 1").getString().empty());
    CHECK_THROWS_AS(db.sql().exec("INSERT INTO sandboxes (name, runtime, spec_key, engine, oci_runtime, state) "
                                  "VALUES ('x', 'r', 'k', 'podman', 'runsc', 'idle')"),
                    SQLite::Exception);
}
