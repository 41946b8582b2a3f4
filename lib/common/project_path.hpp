#pragma once
// The names of files in a project: relative, portable, bounded, printable.
#include <cstddef>
#include <string>
#include <string_view>

namespace sbx::common {

struct PathLimits {
    std::size_t max_length = 255; ///< bytes of the path as given
    std::size_t max_depth = 16;   ///< segments, the file name included
    std::size_t max_segment = 128;
};

/// The canonical relative form of a file's path: repeated slashes collapsed, "."
/// segments dropped ("./a//b" -> "a/b"). Throws Error(usage, field "path") naming the
/// path and the problem when it is empty, absolute, contains "..", a NUL or other
/// control character, a backslash or invalid UTF-8, ends in "/" or "." (a directory),
/// or exceeds `limits`.
std::string normalize_path(std::string_view path, const PathLimits& limits = {});

/// `text` safe to print: control characters, DEL, bytes that are not valid UTF-8,
/// backslash and "'" are escaped (\x01, \\, \'), so it is unambiguous and cannot
/// drive a terminal.
std::string printable(std::string_view text);

/// A path for an error message: printable and in single quotes, long paths shortened
/// with "...".
std::string quote_path(std::string_view path);

} // namespace sbx::common
