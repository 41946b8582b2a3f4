#pragma once
// A setting's value: text or a TOML node parsed into its field, and its field printed.
#include <filesystem>
#include <functional>
#include <string>
#include <variant>

#include <toml++/toml.h>

#include "config/setting_spec.hpp"

namespace sbx::config {

/// A value as it arrives: text from a default, SBX_* or --set, or a TOML node from the file.
using SettingInput = std::variant<std::string, const toml::node*>;

/// Parses `input` into the spec's field of `settings`, checking type, choices, pattern and
/// range; a relative path is taken from `relative_base` unless that is empty. On a bad
/// value calls `report` with "KEY: what is wrong", leaves the field as it was and returns false.
bool parse_setting(const SettingSpec& spec, Settings& settings, const SettingInput& input,
                   const std::filesystem::path& relative_base, const std::function<void(const std::string&)>& report);

/// The field's value as `sbx config show` prints it ("256M", "10s", "true").
std::string format_setting(const SettingSpec& spec, Settings& settings);

} // namespace sbx::config
