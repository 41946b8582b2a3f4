#include <catch2/catch.hpp>

#include "common/project_path.hpp"
#include "error.hpp"

using namespace sbx::common;

namespace {

// The message of the usage error normalize_path throws, or "" if it accepts `path`.
std::string refusal(std::string_view path, const PathLimits& limits = {})
{
    try {
        normalize_path(path, limits);
    } catch (const sbx::Error& error) {
        CHECK(error.kind() == sbx::ErrorKind::usage);
        CHECK(error.field() == "path");
        return error.what();
    }
    return "";
}

} // namespace

TEST_CASE("normalize_path gives the canonical relative form", "[project-path]")
{
    CHECK(normalize_path("main.c") == "main.c");
    CHECK(normalize_path("src/main.c") == "src/main.c");
    CHECK(normalize_path("./src//lib///x.c") == "src/lib/x.c");
    CHECK(normalize_path("a/./b/././c") == "a/b/c");
    CHECK(normalize_path("...") == "...");
    CHECK(normalize_path("a/..b/c..") == "a/..b/c..");
    CHECK(normalize_path(".hidden/.x") == ".hidden/.x");
    CHECK(normalize_path("d\xc3\xa9j\xc3\xa0/\xe6\x97\xa5\xe6\x9c\xac.txt") ==
          "d\xc3\xa9j\xc3\xa0/\xe6\x97\xa5\xe6\x9c\xac.txt");
    CHECK(normalize_path("emoji-\xf0\x9f\x98\x80") == "emoji-\xf0\x9f\x98\x80");
    CHECK(normalize_path("with space/and'quote") == "with space/and'quote");
}

TEST_CASE("normalize_path refuses unsafe paths and says why", "[project-path]")
{
    CHECK(refusal("") == "a path must not be empty");
    CHECK(refusal("/etc/passwd") == "path '/etc/passwd' is absolute (it must be relative to the project)");
    CHECK(refusal("//x") == "path '//x' is absolute (it must be relative to the project)");
    CHECK(refusal("a/../b") == "path 'a/../b' contains '..'");
    CHECK(refusal("..") == "path '..' contains '..'");
    CHECK(refusal("../x") == "path '../x' contains '..'");
    CHECK(refusal("a/..") == "path 'a/..' contains '..'");
    CHECK(refusal("src/") == "path 'src/' names a directory, not a file");
    CHECK(refusal(".") == "path '.' names a directory, not a file");
    CHECK(refusal("a/.") == "path 'a/.' names a directory, not a file");
    CHECK(refusal("./") == "path './' names a directory, not a file");
    CHECK(refusal("a\\b") == "path 'a\\\\b' contains a backslash (use '/' between folders)");
}

TEST_CASE("normalize_path refuses control characters and escapes them in the message", "[project-path]")
{
    using namespace std::string_literals;
    CHECK(refusal("a\0b"s) == "path 'a\\x00b' contains a NUL byte");
    CHECK(refusal("a\x01z") == "path 'a\\x01z' contains a control character");
    CHECK(refusal("tab\there") == "path 'tab\\x09here' contains a control character");
    CHECK(refusal("new\nline") == "path 'new\\x0aline' contains a control character");
    CHECK(refusal("esc\x1b[31m") == "path 'esc\\x1b[31m' contains a control character");
    CHECK(refusal("del\x7f") == "path 'del\\x7f' contains a control character");
}

TEST_CASE("normalize_path refuses invalid UTF-8", "[project-path]")
{
    CHECK(refusal("latin1-\xe9") == "path 'latin1-\\xe9' is not valid UTF-8");
    CHECK(refusal("\xc0\xaf") == "path '\\xc0\\xaf' is not valid UTF-8");          // overlong '/'
    CHECK(refusal("\xe0\x80\xaf") == "path '\\xe0\\x80\\xaf' is not valid UTF-8"); // overlong '/'
    CHECK_FALSE(refusal("\xed\xa0\x80").empty());                                  // surrogate
    CHECK_FALSE(refusal("\xf4\x90\x80\x80").empty());                              // past U+10FFFF
    CHECK_FALSE(refusal("\xe6\x97").empty());                                      // truncated
    CHECK_FALSE(refusal("\x80").empty());                                          // lone continuation
    CHECK_FALSE(refusal("\xff").empty());
}

TEST_CASE("normalize_path enforces its limits", "[project-path]")
{
    CHECK(normalize_path(std::string(255, 'a'), {.max_segment = 255}) == std::string(255, 'a'));
    CHECK(refusal(std::string(256, 'a')) ==
          "path '" + std::string(200, 'a') + "...' is too long (256 bytes, at most 255)");

    std::string deep;
    for (int i = 0; i < 16; ++i)
        deep += "d/";
    CHECK_NOTHROW(normalize_path(deep + "f", {.max_depth = 17}));
    CHECK(refusal(deep + "f") == "path '" + deep + "f' is too deep (at most 16 levels)");
    CHECK_NOTHROW(normalize_path(deep.substr(2) + "f"));

    CHECK_NOTHROW(normalize_path(std::string(128, 'x')));
    CHECK(refusal("src/" + std::string(129, 'x')) ==
          "path 'src/" + std::string(129, 'x') + "' has a name longer than 128 bytes");
    CHECK(refusal("abc", {.max_length = 2}) == "path 'abc' is too long (3 bytes, at most 2)");
}

TEST_CASE("printable escapes what could confuse a reader or a terminal", "[project-path]")
{
    CHECK(printable("plain/ascii.txt") == "plain/ascii.txt");
    CHECK(printable("d\xc3\xa9j\xc3\xa0") == "d\xc3\xa9j\xc3\xa0");
    CHECK(printable("it's a\\b") == "it\\'s a\\\\b");
    CHECK(printable("\x1b]0;title\x07") == "\\x1b]0;title\\x07");
    CHECK(printable("c1-\xc2\x9b") == "c1-\\xc2\\x9b");                    // CSI as a C1 control
    CHECK(printable("rtl-\xe2\x80\xae-txt") == "rtl-\\xe2\\x80\\xae-txt"); // right-to-left override
    CHECK(printable("bad-\xe9-utf8") == "bad-\\xe9-utf8");
    CHECK(quote_path("x") == "'x'");
    CHECK(quote_path(std::string(300, 'y')) == "'" + std::string(200, 'y') + "...'");
    // Shortening never splits a character.
    std::string wide;
    for (int i = 0; i < 100; ++i)
        wide += "\xe6\x97\xa5";
    auto quoted = quote_path(wide);
    CHECK(quoted.size() == 2 + 201 + 3);
    CHECK(quoted.ends_with("\xe6\x97\xa5...'"));
}
