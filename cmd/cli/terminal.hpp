#pragma once
// Asking the person at the terminal: passwords without echo, and lines from stdin.
#include <optional>
#include <string>

namespace sbx::cli {

/// One line of stdin without its newline; nullopt at end of input.
std::optional<std::string> read_stdin_line();

/// A new password: the first line of stdin when `from_stdin`, else typed twice on the
/// terminal without echo. Throws Error(usage) when there is no terminal or they differ.
std::string read_new_password(bool from_stdin);

} // namespace sbx::cli
