#include "cli/terminal.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "error.hpp"
#include "process/fd.hpp"

namespace sbx::cli {
namespace {

// Reads a line from the terminal with echo off, restoring the terminal's state after.
std::string read_hidden(int tty, const std::string& prompt)
{
    termios saved{};
    bool restore = tcgetattr(tty, &saved) == 0;
    if (restore) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    (void)!::write(tty, prompt.data(), prompt.size());
    std::string line;
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n')
        line += c;
    if (restore)
        tcsetattr(tty, TCSAFLUSH, &saved);
    (void)!::write(tty, "\n", 1);
    return line;
}

} // namespace

std::optional<std::string> read_stdin_line()
{
    std::string line;
    if (!std::getline(std::cin, line))
        return std::nullopt;
    if (line.ends_with('\r'))
        line.pop_back();
    return line;
}

std::string read_new_password(bool from_stdin)
{
    if (from_stdin) {
        auto line = read_stdin_line();
        if (!line)
            throw Error(ErrorKind::usage, "--password-stdin: no password on stdin", "password");
        return *line;
    }
    process::UniqueFd tty(::open("/dev/tty", O_RDWR | O_CLOEXEC));
    if (!tty)
        throw Error(ErrorKind::usage, "no terminal to read a password from; use --password-stdin", "password");
    std::string first = read_hidden(tty.get(), "New password: ");
    std::string second = read_hidden(tty.get(), "Repeat it: ");
    if (first != second)
        throw Error(ErrorKind::usage, "the two passwords differ", "password");
    return first;
}

} // namespace sbx::cli
