// Layering: defaults, then sbx.toml, then SBX_* environment, then --set, each value
// parsed by setting_values.cpp against the table in settings_keys.cpp; then the checks
// across settings (limits within caps, an unsandboxed oci_runtime).
#include "config/settings.hpp"

#include <algorithm>
#include <functional>

#include "common/suggest.hpp"
#include "config/diagnostics.hpp"
#include "config/setting_values.hpp"
#include "config/toml_reader.hpp"
#include "config/units.hpp"
#include "engine/engine.hpp"

extern char** environ;

namespace sbx::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::string unknown_setting(std::string_view key, const std::vector<std::string>& candidates)
{
    std::string message = "unknown setting '" + std::string(key) + "'";
    if (auto guess = closest_match(key, candidates))
        message += " (did you mean '" + *guess + "'?)";
    return message;
}

class Layering {
  public:
    Layering(const SettingsRequest& request, Diagnostics& diagnostics) : request_(request), diagnostics_(diagnostics) {}

    LoadedSettings load();

  private:
    void apply(const SettingSpec& spec, const SettingInput& input, Origin origin, const fs::path& relative_base,
               const std::function<void(const std::string&)>& report);
    void apply_defaults();
    void apply_file(const toml::table& table);
    void apply_environment();
    void apply_overrides();
    void resolve_default_paths();
    void check_limits_within_caps();
    void check_oci_runtime();

    const SettingsRequest& request_;
    Settings settings_;
    fs::path config_file_;
    std::map<std::string, Origin> origins_;
    std::map<std::string, std::pair<int, int>> file_positions_; ///< key -> line, column of its value
    Diagnostics& diagnostics_;
};

// Records where a value came from once it has been set.
void Layering::apply(const SettingSpec& spec, const SettingInput& input, Origin origin, const fs::path& relative_base,
                     const std::function<void(const std::string&)>& report)
{
    if (parse_setting(spec, settings_, input, relative_base, report))
        origins_[spec.key] = std::move(origin);
}

void Layering::apply_defaults()
{
    for (const auto& spec : setting_specs())
        apply(spec, std::string(spec.fallback), {Source::default_value, "default"}, {},
              [](const std::string& message) { throw Error(ErrorKind::internal, "bad built-in default: " + message); });
}

void Layering::apply_file(const toml::table& root)
{
    const std::string file = config_file_.string();
    const fs::path base = config_file_.parent_path();
    std::vector<std::string> keys = setting_keys();
    std::vector<std::string> candidates = keys;
    for (const auto& key : keys)
        if (auto dot = key.find('.'); dot != std::string::npos && std::find(candidates.begin(), candidates.end(),
                                                                            key.substr(0, dot)) == candidates.end())
            candidates.push_back(key.substr(0, dot));
    // Walks nested tables so `[limits] memory = ...` and `limits.memory = ...` both work.
    std::function<void(const toml::table&, const std::string&)> walk = [&](const toml::table& table,
                                                                           const std::string& prefix) {
        for (auto&& [k, node] : table) {
            std::string key = prefix + std::string(k.str());
            int line = static_cast<int>(k.source().begin.line);
            int column = static_cast<int>(k.source().begin.column);
            if (const auto* sub = node.as_table(); sub && !find_setting(key)) {
                bool is_section = std::any_of(keys.begin(), keys.end(),
                                              [&](const std::string& s) { return s.starts_with(key + "."); });
                if (is_section) {
                    walk(*sub, key + ".");
                    continue;
                }
            }
            const SettingSpec* spec = find_setting(key);
            if (!spec) {
                diagnostics_.add(file, line, column, unknown_setting(key, candidates));
                continue;
            }
            int value_line = static_cast<int>(node.source().begin.line);
            int value_column = static_cast<int>(node.source().begin.column);
            file_positions_[key] = {value_line, value_column};
            apply(*spec, &node, {Source::file, file + ":" + std::to_string(line)}, base,
                  [&](const std::string& message) { diagnostics_.add(file, value_line, value_column, message); });
        }
    };
    walk(root, "");
}

void Layering::apply_environment()
{
    for (const auto& [name, value] : request_.environment) {
        if (std::find(reserved_environment.begin(), reserved_environment.end(), name) != reserved_environment.end())
            continue;
        const SettingSpec* match = nullptr;
        for (const auto& spec : setting_specs())
            if (environment_name(spec.key) == name)
                match = &spec;
        if (!match) {
            std::vector<std::string> names;
            for (const auto& spec : setting_specs())
                names.push_back(environment_name(spec.key));
            std::string message = name + ": not an sbx setting";
            if (auto guess = closest_match(name, names))
                message += " (did you mean " + *guess + "?)";
            diagnostics_.add("environment", 0, 0, message);
            continue;
        }
        const std::string& variable = name; // clang 14 cannot capture structured bindings
        if (match->file_only) {
            diagnostics_.add("environment", 0, 0,
                             variable + ": " + match->key +
                                 " is honoured only in the config file, not from the environment");
            continue;
        }
        apply(*match, value, {Source::environment, name}, request_.cwd,
              [&](const std::string& message) { diagnostics_.add("environment", 0, 0, variable + ": " + message); });
    }
}

void Layering::apply_overrides()
{
    for (const auto& assignment : request_.overrides) {
        auto equals = assignment.find('=');
        if (equals == std::string::npos || equals == 0) {
            diagnostics_.add("command line", 0, 0, "--set " + assignment + ": expected KEY=VALUE");
            continue;
        }
        std::string key = assignment.substr(0, equals);
        const SettingSpec* spec = find_setting(key);
        if (!spec) {
            diagnostics_.add("command line", 0, 0, "--set " + assignment + ": " + unknown_setting(key, setting_keys()));
            continue;
        }
        if (spec->file_only) {
            diagnostics_.add("command line", 0, 0,
                             "--set " + assignment + ": " + key +
                                 " is honoured only in the config file, not from --set");
            continue;
        }
        apply(*spec, assignment.substr(equals + 1), {Source::flag, "--set " + assignment}, request_.cwd,
              [&](const std::string& message) { diagnostics_.add("command line", 0, 0, "--set " + message); });
    }
}

// Defaults that are relative paths hang off the config folder or another setting,
// resolved last so that `state_dir = "/srv/sbx"` moves the database with it.
void Layering::resolve_default_paths()
{
    for (PathBase base : {PathBase::config_dir, PathBase::state_dir, PathBase::run_dir})
        for (const auto& spec : setting_specs()) {
            if (spec.base != base || origins_[spec.key].source != Source::default_value)
                continue;
            auto* path = std::get<fs::path*>(spec.target(settings_));
            fs::path root = base == PathBase::config_dir  ? config_file_.parent_path()
                            : base == PathBase::state_dir ? settings_.state_dir
                                                          : settings_.run_dir;
            *path = (root / *path).lexically_normal();
        }
}

void Layering::check_limits_within_caps()
{
    for (const auto& spec : setting_specs()) {
        std::string key = spec.key;
        if (!key.starts_with("limits."))
            continue;
        const std::string cap_key = "caps." + key.substr(7);
        const SettingSpec* cap = find_setting(cap_key);
        Settings& s = settings_;
        bool above = std::visit(
            [&](auto* limit) {
                using T = std::remove_pointer_t<decltype(limit)>;
                if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, milliseconds>)
                    return *limit > *std::get<T*>(cap->target(s));
                else
                    return false;
            },
            spec.target(s));
        if (above) {
            const Origin& origin = origins_[key];
            diagnostics_.add(origin.source == Source::default_value ? config_file_.string() : origin.where, 0, 0,
                             key + " (" + format_setting(spec, settings_) + ") exceeds " + cap_key + " (" +
                                 format_setting(*cap, settings_) + ")");
        }
    }
}

// Said where oci_runtime was set, for that is what to change (or allow in the file).
// A refused runtime falls back to the default, as a malformed setting does.
void Layering::check_oci_runtime()
{
    engine::EngineConfig config;
    config.engine = settings_.engine;
    config.oci_runtime = settings_.oci_runtime;
    config.allow_unsandboxed_runtime = settings_.allow_unsandboxed_runtime;
    auto refusal = engine::runtime_refusal(config);
    if (!refusal)
        return;
    const Origin& origin = origins_["oci_runtime"];
    switch (origin.source) {
    case Source::file: {
        auto [line, column] = file_positions_["oci_runtime"];
        diagnostics_.add(config_file_.string(), line, column, *refusal);
        break;
    }
    case Source::environment: diagnostics_.add("environment", 0, 0, origin.where + ": " + *refusal); break;
    case Source::flag: diagnostics_.add("command line", 0, 0, origin.where + ": " + *refusal); break;
    case Source::default_value: diagnostics_.add(config_file_.string(), 0, 0, *refusal); break;
    }
    const SettingSpec* spec = find_setting("oci_runtime");
    apply(*spec, std::string(spec->fallback), {Source::default_value, "default"}, {},
          [](const std::string& message) { throw Error(ErrorKind::internal, "bad built-in default: " + message); });
}

LoadedSettings Layering::load()
{
    apply_defaults();

    LoadedSettings loaded;
    bool named = false;
    if (request_.config_flag) {
        config_file_ = *request_.config_flag;
        named = true;
    } else if (auto it = request_.environment.find("SBX_CONFIG"); it != request_.environment.end()) {
        config_file_ = it->second;
        named = true;
    } else {
        config_file_ = default_config_path;
    }
    if (config_file_.is_relative())
        config_file_ = (request_.cwd / config_file_).lexically_normal();

    std::error_code ec;
    loaded.config_file_found = fs::is_regular_file(config_file_, ec);
    if (!loaded.config_file_found && named)
        throw Error(ErrorKind::not_found, config_file_.string() + ": config file not found" +
                                              (request_.config_flag ? " (from --config)" : " (from SBX_CONFIG)"));
    if (loaded.config_file_found)
        if (auto table = parse_toml_file(config_file_, diagnostics_))
            apply_file(*table);

    apply_environment();
    apply_overrides();
    resolve_default_paths();
    check_limits_within_caps();
    check_oci_runtime();

    loaded.settings = settings_;
    loaded.config_file = config_file_;
    for (const auto& spec : setting_specs())
        loaded.values.push_back({spec.key, format_setting(spec, settings_), origins_[spec.key], spec.description});
    return loaded;
}

} // namespace

LoadedSettings load_settings(const SettingsRequest& request, Diagnostics& diagnostics)
{
    return Layering(request, diagnostics).load();
}

LoadedSettings load_settings(const SettingsRequest& request)
{
    Diagnostics diagnostics;
    auto loaded = load_settings(request, diagnostics);
    diagnostics.throw_if_any();
    return loaded;
}

std::map<std::string, std::string> sbx_environment()
{
    std::map<std::string, std::string> out;
    for (char** entry = environ; entry && *entry; ++entry) {
        std::string_view text(*entry);
        auto equals = text.find('=');
        if (text.starts_with("SBX_") && equals != std::string_view::npos)
            out.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
    }
    return out;
}

const char* source_name(Source source) noexcept
{
    switch (source) {
    case Source::default_value: return "default";
    case Source::file: return "file";
    case Source::environment: return "environment";
    case Source::flag: return "flag";
    }
    return "default";
}

} // namespace sbx::config