#include "config/settings.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <regex>
#include <sstream>
#include <variant>

#include "common/suggest.hpp"
#include "config/diagnostics.hpp"
#include "config/toml_reader.hpp"
#include "config/units.hpp"
#include "engine/engine.hpp"

extern char** environ;

namespace sbx::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// A setting's storage; its type decides how text is parsed (uint32 is a count,
// uint64 a byte size, milliseconds or seconds a duration).
// (a list of strings is a TOML array, or words apart by spaces or commas in text).
using Target = std::variant<std::string*, fs::path*, std::uint32_t*, std::uint64_t*, double*, milliseconds*,
                            std::chrono::seconds*, bool*, std::vector<std::string>*>;

// Relative paths given as defaults resolve against the config folder or state_dir.
enum class Base { none, config_dir, state_dir, run_dir };

struct Spec {
    const char* key;
    const char* fallback;
    const char* description;
    std::function<Target(Settings&)> target;
    std::vector<std::string> choices = {};
    double minimum = 0;
    Base base = Base::none;
    const char* pattern = nullptr; ///< a string value must match this (and says so)
    const char* pattern_text = nullptr;
    /// Honoured only from the config file: SBX_* and --set saying it are errors. For what
    /// only the admin who owns the file may decide.
    bool file_only = false;
    /// When above 0, the most a count or a duration (in its field's unit) may be.
    double maximum = 0;
};

#define FIELD(member) [](Settings& s) -> Target { return &s.member; }

const std::vector<Spec>& specs()
{
    // clang-format off
    static const std::vector<Spec> table = {
        {"instance", "default", "name of this sbx instance; labels its containers", FIELD(instance), {}, 0,
         Base::none, "[a-z0-9][a-z0-9_.-]{0,62}", "1-63 lowercase letters, digits, '_', '.' or '-'"},
        {"state_dir", "/var/lib/sbx", "directory for sbx's state", FIELD(state_dir)},
        {"database", "sbx.db", "SQLite database file", FIELD(database), {}, 0, Base::state_dir},
        {"run_dir", "run", "per-run working directories and slot locks", FIELD(run_dir), {}, 0, Base::state_dir},
        {"catalog_dir", "runtimes.d", "directory of runtime definitions (*.toml)", FIELD(catalog_dir), {}, 0,
         Base::config_dir},
        {"faq_file", "faq.toml", "global FAQ entries", FIELD(faq_file), {}, 0, Base::config_dir},
        {"engine", engine::engine_names().front().c_str(), "container engine", FIELD(engine), engine::engine_names()},
        {"oci_runtime", "runsc", "OCI runtime for user code (gVisor)", FIELD(oci_runtime), {}, 0, Base::none,
         "[A-Za-z0-9_][A-Za-z0-9_.-]*|/[A-Za-z0-9_./-]+",
         "a runtime name or an absolute path (letters, digits, '_', '.', '-'; '/' in a path)"},
        {"allow_unsandboxed_runtime", "false",
         "true: an oci_runtime other than runsc may run user code on the host kernel (in the config file only)",
         FIELD(allow_unsandboxed_runtime), {}, 0, Base::none, nullptr, nullptr, true},
        {"max_concurrent_runs", "2", "runs executing at once on this host", FIELD(max_concurrent_runs), {}, 1},
        {"limits.memory", "256M", "default memory per run (swap equal)", FIELD(limits.memory), {}, 4 << 20},
        {"limits.cpus", "1", "default CPUs per run", FIELD(limits.cpus), {}, 0.01},
        {"limits.pids", "256", "default process/thread limit per run", FIELD(limits.pids), {}, 1},
        {"limits.wall_time", "10s", "default wall-clock limit of the run stage", FIELD(limits.wall_time), {}, 1},
        {"limits.compile_time", "60s", "default wall-clock limit of the compile stage", FIELD(limits.compile_time),
         {}, 1},
        {"limits.output_bytes", "1M", "default cap on stdout+stderr of a run", FIELD(limits.output_bytes), {}, 1},
        {"limits.disk", "64M", "default size of the writable work dir and /tmp", FIELD(limits.disk), {}, 1 << 20},
        {"caps.memory", "2G", "most memory a run may ask for", FIELD(caps.memory), {}, 4 << 20},
        {"caps.cpus", "2", "most CPUs a run may ask for", FIELD(caps.cpus), {}, 0.01},
        {"caps.pids", "1024", "most processes a run may ask for", FIELD(caps.pids), {}, 1},
        {"caps.wall_time", "5m", "longest run stage allowed", FIELD(caps.wall_time), {}, 1},
        {"caps.compile_time", "5m", "longest compile stage allowed", FIELD(caps.compile_time), {}, 1},
        {"caps.output_bytes", "16M", "most output a run may keep", FIELD(caps.output_bytes), {}, 1},
        {"caps.disk", "1G", "largest work dir a run may ask for", FIELD(caps.disk), {}, 1 << 20},
        {"pool.size", "1", "sandboxes started ahead per runtime, for runs with default limits; 0: no pool",
         FIELD(pool.size), {}, 0, Base::none, nullptr, nullptr, false, max_pool_size},
        {"pool.max_age", "1h", "an idle pooled sandbox older than this is replaced", FIELD(pool.max_age), {}, 1,
         Base::none, nullptr, nullptr, false, 7 * 86'400},
        {"retention.runs_per_project", "50", "finished runs kept per project", FIELD(retention.runs_per_project),
         {}, 1},
        {"retention.max_age", "30d", "finished runs older than this are removed", FIELD(retention.max_age), {}, 1},
        {"quotas.max_concurrent_runs", "2", "runs one user may have executing at once",
         FIELD(quotas.max_concurrent_runs), {}, 1},
        {"quotas.max_memory", "1G", "memory of one user's executing runs, summed", FIELD(quotas.max_memory), {},
         4 << 20},
        {"quotas.max_cpus", "2", "CPUs of one user's executing runs, summed", FIELD(quotas.max_cpus), {}, 0.01},
        {"quotas.max_storage", "50M", "bytes of files in one user's projects", FIELD(quotas.max_storage), {}, 1024},
        {"quotas.runs_per_hour", "300", "runs one user may start per hour", FIELD(quotas.runs_per_hour), {}, 1},
        {"quotas.when_busy", "queue", "a run beyond the concurrent quota: queue (waits) or refuse",
         FIELD(quotas.when_busy), {"queue", "refuse"}},
        {"projects.max_file_bytes", "1M", "largest file in a project", FIELD(projects.max_file_bytes), {}, 1},
        {"projects.max_files", "200", "most files in a project", FIELD(projects.max_files), {}, 1},
        {"projects.max_project_bytes", "10M", "most bytes of files in a project", FIELD(projects.max_project_bytes),
         {}, 1},
        {"projects.max_path_length", "255", "longest file path in a project", FIELD(projects.max_path_length), {},
         1},
        {"projects.max_path_depth", "16", "most folders deep a project file may be", FIELD(projects.max_path_depth),
         {}, 1},
        {"projects.import_max_ratio", "100", "an imported archive may expand at most this many times",
         FIELD(projects.import_max_ratio), {}, 1},
        {"web.socket", "fcgi.sock", "FastCGI socket nginx connects to", FIELD(web.socket), {}, 0, Base::run_dir},
        {"web.signup", "off", "on: anyone may sign up over the API; off: the admin adds users (sbx user add)",
         FIELD(web.signup), {"on", "off"}},
        {"web.session_ttl", "12h", "longest a login session lives", FIELD(web.session_ttl), {}, 1},
        {"web.idle_timeout", "30m", "a session idle this long ends", FIELD(web.idle_timeout), {}, 1},
        {"web.requests_per_minute", "600", "API requests per client per minute", FIELD(web.requests_per_minute),
         {}, 1},
        {"web.runs_per_minute", "30", "runs started per user per minute", FIELD(web.runs_per_minute), {}, 1},
        {"web.login_attempts_per_minute", "10", "failed logins per client per minute",
         FIELD(web.login_attempts_per_minute), {}, 1},
        {"web.max_request_bytes", "8M", "largest request body accepted", FIELD(web.max_request_bytes), {}, 1024},
        {"web.inline_output_bytes", "64K", "most stdout and stderr each that an answer to ?wait= carries inline",
         FIELD(web.inline_output_bytes), {}, 1},
        {"compat.cors_origins", "", "origins (https://docs.example.org) whose pages may call the compatible APIs",
         FIELD(compat.cors_origins)},
        {"compat.piston.enabled", "false", "true: answer Piston's v2 API at /api/v2/", FIELD(compat.piston.enabled)},
        {"compat.piston.account", "piston", "the sbx user whose quota Piston requests run under",
         FIELD(compat.piston.account)},
        {"compat.piston.require_token", "false", "true: requests need an sbx API token of that user",
         FIELD(compat.piston.require_token)},
        {"compat.piston.requests_per_minute", "60", "Piston runs per client address per minute",
         FIELD(compat.piston.requests_per_minute), {}, 1},
        {"compat.codapi.enabled", "false", "true: answer codapi's API at /v1/exec", FIELD(compat.codapi.enabled)},
        {"compat.codapi.account", "codapi", "the sbx user whose quota codapi requests run under",
         FIELD(compat.codapi.account)},
        {"compat.codapi.require_token", "false", "true: requests need an sbx API token of that user",
         FIELD(compat.codapi.require_token)},
        {"compat.codapi.requests_per_minute", "60", "codapi runs per client address per minute",
         FIELD(compat.codapi.requests_per_minute), {}, 1},
        {"compat.judge0.enabled", "false", "true: answer Judge0 CE's API at /submissions, /languages, ...",
         FIELD(compat.judge0.enabled)},
        {"compat.judge0.account", "judge0", "the sbx user whose quota Judge0 requests run under",
         FIELD(compat.judge0.account)},
        {"compat.judge0.require_token", "false",
         "true: requests need an sbx API token of that user (X-Auth-Token or Authorization)",
         FIELD(compat.judge0.require_token)},
        {"compat.judge0.requests_per_minute", "60", "Judge0 submissions per client address per minute",
         FIELD(compat.judge0.requests_per_minute), {}, 1},
    };
    // clang-format on
    return table;
}

#undef FIELD

const Spec* find_spec(std::string_view key)
{
    for (const auto& spec : specs())
        if (key == spec.key)
            return &spec;
    return nullptr;
}

std::string environment_name(std::string_view key)
{
    std::string name = "SBX_";
    for (char c : key)
        name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

std::string unknown_setting(std::string_view key, const std::vector<std::string>& candidates)
{
    std::string message = "unknown setting '" + std::string(key) + "'";
    if (auto guess = closest_match(key, candidates))
        message += " (did you mean '" + *guess + "'?)";
    return message;
}

// A value as it arrives: text from env/flags/defaults, or a TOML node from the file.
using Input = std::variant<std::string, const toml::node*>;

class Layering {
  public:
    Layering(const SettingsRequest& request, Diagnostics& diagnostics) : request_(request), diagnostics_(diagnostics) {}

    LoadedSettings load();

  private:
    void apply(const Spec& spec, const Input& input, Origin origin, const fs::path& relative_base,
               const std::function<void(const std::string&)>& report);
    void apply_defaults();
    void apply_file(const toml::table& table);
    void apply_environment();
    void apply_overrides();
    void resolve_default_paths();
    void check_limits_within_caps();
    void check_oci_runtime();
    std::string format(const Spec& spec);

    const SettingsRequest& request_;
    Settings settings_;
    fs::path config_file_;
    std::map<std::string, Origin> origins_;
    std::map<std::string, std::pair<int, int>> file_positions_; ///< key -> line, column of its value
    Diagnostics& diagnostics_;
};

// Parses `input` into the spec's storage; reports through `report` on failure.
void Layering::apply(const Spec& spec, const Input& input, Origin origin, const fs::path& relative_base,
                     const std::function<void(const std::string&)>& report)
{
    const std::string key = spec.key;
    const auto* text = std::get_if<std::string>(&input);
    const toml::node* node = text ? nullptr : std::get<const toml::node*>(input);
    auto as_text = [&]() -> std::optional<std::string> {
        if (text)
            return *text;
        if (const auto* s = node->as_string())
            return s->get();
        return std::nullopt;
    };
    auto as_integer = [&]() -> std::optional<std::int64_t> {
        if (node)
            if (const auto* i = node->as_integer())
                return i->get();
        return std::nullopt;
    };
    auto found = [&] { return node ? ", found " + toml_type_name(*node) : std::string(); };
    Target target = spec.target(settings_);
    bool ok = std::visit(
        [&](auto* field) -> bool {
            using T = std::remove_pointer_t<decltype(field)>;
            if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, fs::path>) {
                auto value = as_text();
                if (!value) {
                    report(key + ": expected a string" + found());
                    return false;
                }
                if (value->empty()) {
                    report(key + ": must not be empty");
                    return false;
                }
                if (!spec.choices.empty() &&
                    std::find(spec.choices.begin(), spec.choices.end(), *value) == spec.choices.end()) {
                    std::string list;
                    for (const auto& c : spec.choices)
                        list += (list.empty() ? "" : ", ") + c;
                    report(key + ": '" + *value + "' is not one of: " + list);
                    return false;
                }
                if (spec.pattern && !std::regex_match(*value, std::regex(spec.pattern))) {
                    report(key + ": '" + *value + "' must be " + spec.pattern_text);
                    return false;
                }
                if constexpr (std::is_same_v<T, fs::path>)
                    *field = relative_base.empty() ? fs::path(*value) : (relative_base / *value).lexically_normal();
                else
                    *field = *value;
                return true;
            } else if constexpr (std::is_same_v<T, std::uint32_t>) {
                std::optional<std::int64_t> value = as_integer();
                if (text) {
                    std::int64_t parsed = 0;
                    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), parsed);
                    if (ec == std::errc{} && end == text->data() + text->size())
                        value = parsed;
                }
                if (!value || *value < 0 || *value > std::numeric_limits<std::uint32_t>::max()) {
                    report(key + ": expected a whole number" + found());
                    return false;
                }
                if (static_cast<double>(*value) < spec.minimum) {
                    report(key + ": must be at least " + format_number(spec.minimum));
                    return false;
                }
                if (spec.maximum > 0 && static_cast<double>(*value) > spec.maximum) {
                    report(key + ": must be at most " + format_number(spec.maximum));
                    return false;
                }
                *field = static_cast<std::uint32_t>(*value);
                return true;
            } else if constexpr (std::is_same_v<T, std::uint64_t>) {
                std::optional<std::uint64_t> value;
                if (auto i = as_integer(); i && *i >= 0)
                    value = static_cast<std::uint64_t>(*i);
                else if (auto t = as_text())
                    value = parse_bytes(*t);
                if (!value) {
                    auto t = as_text();
                    report(key + (t ? ": '" + *t + "' is not a size such as 256M or 1G"
                                    : ": expected a size such as 256M or 1G" + found()));
                    return false;
                }
                if (static_cast<double>(*value) < spec.minimum) {
                    report(key + ": must be at least " + format_bytes(static_cast<std::uint64_t>(spec.minimum)));
                    return false;
                }
                *field = *value;
                return true;
            } else if constexpr (std::is_same_v<T, double>) {
                std::optional<double> value;
                if (node && node->is_number())
                    value = node->is_integer() ? static_cast<double>(node->as_integer()->get())
                                               : node->as_floating_point()->get();
                if (text) {
                    double parsed = 0;
                    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), parsed);
                    if (ec == std::errc{} && end == text->data() + text->size())
                        value = parsed;
                }
                if (!value || !(*value >= spec.minimum) || *value > 1024) {
                    report(key + ": expected a number from " + format_number(spec.minimum) + " to 1024" + found());
                    return false;
                }
                *field = *value;
                return true;
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                std::vector<std::string> words;
                if (const auto* array = node ? node->as_array() : nullptr) {
                    for (const auto& item : *array) {
                        if (!item.is_string() || item.as_string()->get().empty()) {
                            report(key + ": expected an array of non-empty strings");
                            return false;
                        }
                        words.push_back(item.as_string()->get());
                    }
                } else if (text) {
                    std::string word;
                    for (char c : *text + " ")
                        if (c == ' ' || c == ',') {
                            if (!word.empty())
                                words.push_back(std::move(word));
                            word.clear();
                        } else {
                            word += c;
                        }
                } else {
                    report(key + ": expected an array of strings" + found());
                    return false;
                }
                *field = std::move(words);
                return true;
            } else if constexpr (std::is_same_v<T, bool>) {
                std::optional<bool> value;
                if (node && node->is_boolean())
                    value = node->as_boolean()->get();
                if (text && (*text == "true" || *text == "false"))
                    value = *text == "true";
                if (!value) {
                    report(key + ": expected true or false" + found());
                    return false;
                }
                *field = *value;
                return true;
            } else {
                std::optional<milliseconds> value;
                if (auto i = as_integer(); i && *i >= 0)
                    value = milliseconds(*i * 1000);
                else if (auto t = as_text())
                    value = parse_duration(*t);
                if (!value) {
                    auto t = as_text();
                    report(key + (t ? ": '" + *t + "' is not a duration such as 10s, 5m or 30d"
                                    : ": expected a duration such as 10s, 5m or 30d" + found()));
                    return false;
                }
                if constexpr (std::is_same_v<T, std::chrono::seconds>)
                    if (value->count() % 1000 != 0) {
                        report(key + ": '" + as_text().value_or(format_duration(*value)) +
                               "' is not a whole number of seconds");
                        return false;
                    }
                T duration = std::chrono::duration_cast<T>(*value);
                if (duration.count() < spec.minimum) {
                    report(key + ": must be longer than 0");
                    return false;
                }
                if (spec.maximum > 0 && static_cast<double>(duration.count()) > spec.maximum) {
                    report(key + ": must be at most " + format_duration(T(static_cast<typename T::rep>(spec.maximum))));
                    return false;
                }
                *field = duration;
                return true;
            }
        },
        target);
    if (ok)
        origins_[key] = std::move(origin);
}

void Layering::apply_defaults()
{
    for (const auto& spec : specs())
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
            if (const auto* sub = node.as_table(); sub && !find_spec(key)) {
                bool is_section = std::any_of(keys.begin(), keys.end(),
                                              [&](const std::string& s) { return s.starts_with(key + "."); });
                if (is_section) {
                    walk(*sub, key + ".");
                    continue;
                }
            }
            const Spec* spec = find_spec(key);
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
        const Spec* match = nullptr;
        for (const auto& spec : specs())
            if (environment_name(spec.key) == name)
                match = &spec;
        if (!match) {
            std::vector<std::string> names;
            for (const auto& spec : specs())
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
        const Spec* spec = find_spec(key);
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
    for (Base base : {Base::config_dir, Base::state_dir, Base::run_dir})
        for (const auto& spec : specs()) {
            if (spec.base != base || origins_[spec.key].source != Source::default_value)
                continue;
            auto* path = std::get<fs::path*>(spec.target(settings_));
            fs::path root = base == Base::config_dir  ? config_file_.parent_path()
                            : base == Base::state_dir ? settings_.state_dir
                                                      : settings_.run_dir;
            *path = (root / *path).lexically_normal();
        }
}

void Layering::check_limits_within_caps()
{
    for (const auto& spec : specs()) {
        std::string key = spec.key;
        if (!key.starts_with("limits."))
            continue;
        const std::string cap_key = "caps." + key.substr(7);
        const Spec* cap = find_spec(cap_key);
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
                             key + " (" + format(spec) + ") exceeds " + cap_key + " (" + format(*cap) + ")");
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
    const Spec* spec = find_spec("oci_runtime");
    apply(*spec, std::string(spec->fallback), {Source::default_value, "default"}, {},
          [](const std::string& message) { throw Error(ErrorKind::internal, "bad built-in default: " + message); });
}

std::string Layering::format(const Spec& spec)
{
    return std::visit(
        [](auto* field) -> std::string {
            using T = std::remove_pointer_t<decltype(field)>;
            if constexpr (std::is_same_v<T, std::string>)
                return *field;
            else if constexpr (std::is_same_v<T, fs::path>)
                return field->string();
            else if constexpr (std::is_same_v<T, std::uint32_t>)
                return std::to_string(*field);
            else if constexpr (std::is_same_v<T, std::uint64_t>)
                return format_bytes(*field);
            else if constexpr (std::is_same_v<T, double>)
                return format_number(*field);
            else if constexpr (std::is_same_v<T, bool>)
                return *field ? "true" : "false";
            else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                std::string text;
                for (const auto& word : *field)
                    text += (text.empty() ? "" : " ") + word;
                return text;
            } else
                return format_duration(*field);
        },
        spec.target(settings_));
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
    for (const auto& spec : specs())
        loaded.values.push_back({spec.key, format(spec), origins_[spec.key], spec.description});
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

std::vector<std::string> setting_keys()
{
    std::vector<std::string> keys;
    for (const auto& spec : specs())
        keys.emplace_back(spec.key);
    return keys;
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
