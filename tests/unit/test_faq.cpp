#include <catch2/catch.hpp>

#include "config/diagnostics.hpp"
#include "config/faq.hpp"
#include "temp_dir.hpp"

using namespace sbx::config;

TEST_CASE("runtime FAQ entries follow the global ones, replacing by id", "[faq]")
{
    std::vector<FaqEntry> global = {{"limits", "Limits?", "10 s"}, {"", "Network?", "No"}};
    std::vector<FaqEntry> own = {{"packages", "pip?", "No"}, {"limits", "Limits?", "60 s for Java"}};
    auto merged = merge_faq(global, own);
    REQUIRE(merged.size() == 3);
    CHECK(merged[0].answer == "60 s for Java");
    CHECK(merged[1].question == "Network?");
    CHECK(merged[2].id == "packages");
    CHECK(merge_faq(global, {}).size() == 2);
}

TEST_CASE("entries without ids never replace each other", "[faq]")
{
    auto merged = merge_faq({{"", "Q", "global"}}, {{"", "Q", "own"}});
    CHECK(merged.size() == 2);
}

TEST_CASE("the FAQ file is loaded and validated", "[faq]")
{
    sbx::test::TempDir dir;
    CHECK(load_faq(dir.path() / "missing.toml").empty());
    auto good = dir.write("faq.toml", "[[faq]]\nid = \"a\"\nquestion = \"Q\"\nanswer = \"A\"\n");
    CHECK(load_faq(good).size() == 1);
    auto dup = dir.write("dup.toml", "[[faq]]\nid = \"a\"\nquestion = \"Q\"\nanswer = \"A\"\n"
                                     "[[faq]]\nid = \"a\"\nquestion = \"Q2\"\nanswer = \"A2\"\n");
    CHECK_THROWS_WITH(load_faq(dup), dup.string() + ":6:1: duplicate FAQ id 'a'");
    auto extra = dir.write("extra.toml", "[[faq]]\nquestion = \"Q\"\nanswer = \"A\"\nlink = \"x\"\n");
    CHECK_THROWS_WITH(load_faq(extra), extra.string() + ":4:1: unknown key 'faq[1].link'");
    auto top = dir.write("top.toml", "title = \"FAQ\"\n");
    CHECK_THROWS_WITH(load_faq(top), top.string() + ":1:1: unknown key 'title'");
}

TEST_CASE("the shipped FAQ is valid", "[faq]")
{
    CHECK(load_faq(std::filesystem::path(SBX_SOURCE_DIR) / "etc/faq.toml").size() >= 3);
}
