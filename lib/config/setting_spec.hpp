#pragma once
// The settings table as the loader sees it; lib/config's own, not for callers (they use
// settings.hpp). The table itself is in settings_keys.cpp.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/settings.hpp"

namespace sbx::config {

/// A setting's storage; its type decides how text is parsed (uint32 is a count,
/// uint64 a byte size, milliseconds or seconds a duration, a list of strings a TOML array
/// or words apart by spaces or commas in text).
using SettingTarget = std::variant<std::string*, std::filesystem::path*, std::uint32_t*, std::uint64_t*, double*,
                                   std::chrono::milliseconds*, std::chrono::seconds*, bool*, std::vector<std::string>*>;

/// What a relative default path resolves against.
enum class PathBase { none, config_dir, state_dir, run_dir };

/// One setting: its key, default (as text), documentation, field and the rules on its value.
struct SettingSpec {
    const char* key;
    const char* fallback;
    const char* description;
    std::function<SettingTarget(Settings&)> target;
    std::vector<std::string> choices = {};
    double minimum = 0;
    PathBase base = PathBase::none;
    const char* pattern = nullptr; ///< a string value must match this (and says so)
    const char* pattern_text = nullptr;
    /// Honoured only from the config file: SBX_* and --set saying it are errors. For what
    /// only the admin who owns the file may decide.
    bool file_only = false;
    /// When above 0, the most a count or a duration (in its field's unit) may be.
    double maximum = 0;
};

/// Every setting, in documented order.
const std::vector<SettingSpec>& setting_specs();
/// nullptr when `key` is no setting.
const SettingSpec* find_setting(std::string_view key);
/// "limits.memory" -> "SBX_LIMITS_MEMORY".
std::string environment_name(std::string_view key);

} // namespace sbx::config
