#include "common/project_path.hpp"

#include <vector>

#include "error.hpp"

namespace sbx::common {
namespace {

// Length of the well-formed UTF-8 sequence starting at text[i], or 0. Overlong forms,
// surrogates and code points past U+10FFFF are not well-formed (Unicode table 3-7).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i)
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        if (lead == 0xe0)
            low = 0xa0;
        if (lead == 0xed)
            high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        if (lead == 0xf0)
            low = 0x90;
        if (lead == 0xf4)
            high = 0x8f;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    if (byte(i + 1) < low || byte(i + 1) > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf)
            return 0;
    return length;
}

// Valid UTF-8 that a terminal may still act on: C1 controls (U+0080..U+009F) and the
// bidirectional overrides that can make printed text read differently from its bytes.
bool is_invisible_control(std::string_view sequence)
{
    if (sequence.size() == 2)
        return static_cast<unsigned char>(sequence[0]) == 0xc2 && static_cast<unsigned char>(sequence[1]) < 0xa0;
    if (sequence.size() == 3 && sequence.substr(0, 2) == "\xe2\x80")
        return static_cast<unsigned char>(sequence[2]) >= 0xaa && static_cast<unsigned char>(sequence[2]) <= 0xae;
    if (sequence.size() == 3 && sequence.substr(0, 2) == "\xe2\x81")
        return static_cast<unsigned char>(sequence[2]) >= 0xa6 && static_cast<unsigned char>(sequence[2]) <= 0xa9;
    return false;
}

void append_escaped(std::string& out, std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    for (unsigned char c : bytes) {
        out += "\\x";
        out += digits[c >> 4];
        out += digits[c & 0xf];
    }
}

// printable() of at most the first `limit` bytes of text, never splitting a character.
std::string printable_prefix(std::string_view text, std::size_t limit)
{
    std::string out;
    std::size_t i = 0;
    while (i < text.size() && i < limit) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            append_escaped(out, text.substr(i, 1));
            ++i;
        } else if (c == '\\' || c == '\'') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else {
            std::size_t length = utf8_sequence_length(text, i);
            if (length == 0) {
                append_escaped(out, text.substr(i, 1));
                ++i;
                continue;
            }
            std::string_view sequence = text.substr(i, length);
            if (is_invisible_control(sequence))
                append_escaped(out, sequence);
            else
                out += sequence;
            i += length;
        }
    }
    if (i < text.size())
        out += "...";
    return out;
}

[[noreturn]] void refuse(std::string_view path, const std::string& problem)
{
    throw Error(ErrorKind::usage, "path " + quote_path(path) + " " + problem, "path");
}

} // namespace

std::string printable(std::string_view text)
{
    return printable_prefix(text, text.size());
}

std::string quote_path(std::string_view path)
{
    // Enough to recognise the path; an archive entry's name may be megabytes long.
    return "'" + printable_prefix(path, 200) + "'";
}

std::string normalize_path(std::string_view path, const PathLimits& limits)
{
    if (path.empty())
        throw Error(ErrorKind::usage, "a path must not be empty", "path");
    // Checked on the path as given, before any work proportional to its size.
    if (path.size() > limits.max_length)
        refuse(path, "is too long (" + std::to_string(path.size()) + " bytes, at most " +
                         std::to_string(limits.max_length) + ")");
    for (std::size_t i = 0; i < path.size();) {
        unsigned char c = static_cast<unsigned char>(path[i]);
        if (c == 0)
            refuse(path, "contains a NUL byte");
        if (c < 0x20 || c == 0x7f)
            refuse(path, "contains a control character");
        // Whether it separates folders depends on who unpacks the project.
        if (c == '\\')
            refuse(path, "contains a backslash (use '/' between folders)");
        std::size_t length = utf8_sequence_length(path, i);
        if (length == 0)
            refuse(path, "is not valid UTF-8");
        i += length;
    }
    if (path.front() == '/')
        refuse(path, "is absolute (it must be relative to the project)");
    if (path.back() == '/')
        refuse(path, "names a directory, not a file");

    std::vector<std::string_view> segments;
    std::string_view rest = path;
    bool last_was_dot = false;
    while (!rest.empty()) {
        std::size_t slash = rest.find('/');
        std::string_view segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        last_was_dot = segment == ".";
        if (segment.empty() || segment == ".")
            continue;
        if (segment == "..")
            refuse(path, "contains '..'");
        if (segment.size() > limits.max_segment)
            refuse(path, "has a name longer than " + std::to_string(limits.max_segment) + " bytes");
        segments.push_back(segment);
        if (segments.size() > limits.max_depth)
            refuse(path, "is too deep (at most " + std::to_string(limits.max_depth) + " levels)");
    }
    if (last_was_dot || segments.empty())
        refuse(path, "names a directory, not a file");

    std::string normalized;
    for (auto segment : segments) {
        if (!normalized.empty())
            normalized += '/';
        normalized += segment;
    }
    return normalized;
}

} // namespace sbx::common
