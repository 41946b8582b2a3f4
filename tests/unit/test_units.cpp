#include <catch2/catch.hpp>

#include "common/suggest.hpp"
#include "config/units.hpp"

using namespace sbx::config;
using std::chrono::milliseconds;

TEST_CASE("byte sizes parse with binary suffixes", "[units]")
{
    CHECK(parse_bytes("100") == 100u);
    CHECK(parse_bytes("64K") == 64u * 1024);
    CHECK(parse_bytes("256M") == 256u << 20);
    CHECK(parse_bytes("256MiB") == 256u << 20);
    CHECK(parse_bytes("1.5G") == 3u << 29);
    CHECK(parse_bytes("2t") == 2ull << 40);
    CHECK_FALSE(parse_bytes(""));
    CHECK_FALSE(parse_bytes("M"));
    CHECK_FALSE(parse_bytes("-1M"));
    CHECK_FALSE(parse_bytes("12X"));
    CHECK_FALSE(parse_bytes("0.5")); // half a byte
    CHECK_FALSE(parse_bytes("1 M"));
    CHECK_FALSE(parse_bytes("99999999999T"));
    CHECK_FALSE(parse_bytes("64iB"));
    CHECK(parse_bytes("64B") == 64u);
    CHECK_FALSE(parse_bytes("1e3"));
    CHECK_FALSE(parse_duration("1e3s"));
}

TEST_CASE("durations parse with units, plain numbers are seconds", "[units]")
{
    CHECK(parse_duration("10") == milliseconds(10'000));
    CHECK(parse_duration("500ms") == milliseconds(500));
    CHECK(parse_duration("1.5m") == milliseconds(90'000));
    CHECK(parse_duration("12h") == milliseconds(12 * 3'600'000));
    CHECK(parse_duration("30d") == milliseconds(30LL * 86'400'000));
    CHECK_FALSE(parse_duration("10 s"));
    CHECK_FALSE(parse_duration("-5s"));
    CHECK_FALSE(parse_duration("5y"));
    CHECK_FALSE(parse_duration("s"));
}

TEST_CASE("plain numbers and booleans parse whole or not at all", "[units]")
{
    CHECK(parse_integer("42") == 42);
    CHECK(parse_integer("-1") == -1); // the caller says what range it takes
    CHECK_FALSE(parse_integer("4x"));
    CHECK_FALSE(parse_integer(""));
    CHECK_FALSE(parse_integer("99999999999999999999"));
    CHECK(parse_decimal("0.5") == 0.5);
    CHECK(parse_decimal("1e3") == 1000.0);
    CHECK_FALSE(parse_decimal("1.5 "));
    CHECK(parse_boolean("true") == true);
    CHECK(parse_boolean("false") == false);
    CHECK_FALSE(parse_boolean("yes"));
    CHECK_FALSE(parse_boolean("True"));
}

TEST_CASE("formatting picks the largest exact unit", "[units]")
{
    CHECK(format_bytes(256u << 20) == "256M");
    CHECK(format_bytes(1536 * 1024) == "1536K");
    CHECK(format_bytes(100) == "100");
    CHECK(format_bytes(0) == "0");
    CHECK(format_duration(milliseconds(10'000)) == "10s");
    CHECK(format_duration(milliseconds(1'500)) == "1500ms");
    CHECK(format_duration(milliseconds(30LL * 86'400'000)) == "30d");
    CHECK(format_duration(milliseconds(0)) == "0s");
    for (auto text : {"256M", "1G", "64K", "3"})
        CHECK(format_bytes(*parse_bytes(text)) == text);
}

TEST_CASE("closest_match suggests plausible typos only", "[suggest]")
{
    std::vector<std::string> verbs = {"config", "runtime", "run", "logs", "gc"};
    CHECK(sbx::closest_match("rnu", verbs) == "run");
    CHECK(sbx::closest_match("runtim", verbs) == "runtime");
    CHECK(sbx::closest_match("confg", verbs) == "config");
    CHECK(sbx::closest_match("conf", verbs) == "config"); // unambiguous abbreviation
    CHECK_FALSE(sbx::closest_match("zzzzzz", verbs));
    CHECK_FALSE(sbx::closest_match("runt", {"runtime", "runtimes"})); // ambiguous
    CHECK(sbx::edit_distance("ab", "ba") == 1);
}
