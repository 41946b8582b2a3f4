#pragma once
// The names people choose: of users and of projects.
#include <string_view>

namespace sbx::account {

/// 2 to 32 characters: lowercase letters, digits, '-' and '_', starting with a letter.
/// Throws Error(usage, field "name") saying what is wrong.
void check_user_name(std::string_view name);

/// 1 to 64 characters: letters, digits, '.', '-' and '_', starting with a letter or digit.
/// Throws Error(usage, field "name").
void check_project_name(std::string_view name);

} // namespace sbx::account
