#include "account/names.hpp"

#include <string>

#include "error.hpp"

namespace sbx::account {
namespace {

bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}
bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
bool is_letter(char c)
{
    return is_lower(c) || (c >= 'A' && c <= 'Z');
}

// Quotes a name for a message; anything unprintable is shown as '?'.
std::string shown(std::string_view name)
{
    std::string text = "'";
    for (char c : name.substr(0, 80))
        text += (c >= 0x20 && c < 0x7f) ? c : '?';
    return text + (name.size() > 80 ? "...'" : "'");
}

} // namespace

void check_user_name(std::string_view name)
{
    if (name.size() < 2 || name.size() > 32)
        throw Error(ErrorKind::usage, "user name " + shown(name) + " must be 2 to 32 characters long", "name");
    if (!is_lower(name.front()))
        throw Error(ErrorKind::usage, "user name " + shown(name) + " must start with a lowercase letter", "name");
    for (char c : name)
        if (!is_lower(c) && !is_digit(c) && c != '-' && c != '_')
            throw Error(ErrorKind::usage,
                        "user name " + shown(name) + " may contain only lowercase letters, digits, '-' and '_'",
                        "name");
}

void check_project_name(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        throw Error(ErrorKind::usage, "project name " + shown(name) + " must be 1 to 64 characters long", "name");
    if (!is_letter(name.front()) && !is_digit(name.front()))
        throw Error(ErrorKind::usage, "project name " + shown(name) + " must start with a letter or digit", "name");
    for (char c : name)
        if (!is_letter(c) && !is_digit(c) && c != '.' && c != '-' && c != '_')
            throw Error(ErrorKind::usage,
                        "project name " + shown(name) + " may contain only letters, digits, '.', '-' and '_'", "name");
}

} // namespace sbx::account
