#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "account/qr_text.hpp"
#include "error.hpp"

using namespace sbx::account;

namespace {

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    REQUIRE(start == text.size()); // every line ends in '\n'
    return lines;
}

// Splits a line into its UTF-8 characters.
std::vector<std::string> characters(const std::string& line)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < line.size();) {
        auto lead = static_cast<unsigned char>(line[i]);
        std::size_t size = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        out.push_back(line.substr(i, size));
        i += size;
    }
    return out;
}

const std::string uri = "otpauth://totp/sbx:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=sbx&algorithm=SHA1"
                        "&digits=6&period=30";

} // namespace

TEST_CASE("a QR code is a square of half blocks", "[qr]")
{
    auto text = qr_text(uri);
    auto lines = lines_of(text);
    CHECK(lines.size() > 20);
    const std::set<std::string> allowed = {" ", "\u2580", "\u2584", "\u2588"};
    auto width = characters(lines.front()).size();
    CHECK(width > 20);
    // Two module rows per line, over an odd number of rows.
    CHECK(lines.size() == (width + 1) / 2);
    for (const auto& line : lines) {
        auto chars = characters(line);
        CHECK(chars.size() == width);
        for (const auto& c : chars)
            CHECK(allowed.count(c) == 1);
    }
    // The quiet zone is light all round: full blocks on the first line, light tops on the last.
    for (const auto& c : characters(lines.front()))
        CHECK(c == "\u2588");
    for (const auto& c : characters(lines.back()))
        CHECK(c == "\u2580");
}

TEST_CASE("different texts give different codes", "[qr]")
{
    CHECK(qr_text(uri) != qr_text(uri + "x"));
    CHECK(qr_text("a") != qr_text("b"));
    CHECK(qr_text(uri) == qr_text(uri));
}

TEST_CASE("empty or oversized text is refused", "[qr]")
{
    CHECK_THROWS_AS(qr_text(""), sbx::Error);
    CHECK_THROWS_AS(qr_text(std::string(3000, 'a')), sbx::Error);
    CHECK_NOTHROW(qr_text(std::string(2331, 'a')));
}
