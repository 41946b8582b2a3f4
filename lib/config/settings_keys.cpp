// The settings table: every key of sbx.toml (and so of SBX_* and --set), its default,
// documentation, field and range. settings_layers.cpp reads it; setting_values.cpp
// parses and prints its values.
#include <cctype>

#include "config/setting_spec.hpp"
#include "engine/engine.hpp"

namespace sbx::config {

// To add a setting: add its field to a struct in settings.hpp, then one line to the
// table below (key, default, description, FIELD(member), then choices, minimum, path
// base, pattern, pattern text, file_only, maximum as it needs). Loading from the file,
// SBX_*, --set, validation, `sbx config show` and setting_keys() all follow from it.
#define FIELD(member) [](Settings& s) -> SettingTarget { return &s.member; }

const std::vector<SettingSpec>& setting_specs()
{
    // clang-format off
    static const std::vector<SettingSpec> table = {
        {"instance", "default", "name of this sbx instance; labels its containers", FIELD(instance), {}, 0,
         PathBase::none, "[a-z0-9][a-z0-9_.-]{0,62}", "1-63 lowercase letters, digits, '_', '.' or '-'"},
        {"state_dir", "/var/lib/sbx", "directory for sbx's state", FIELD(state_dir)},
        {"database", "sbx.db", "SQLite database file", FIELD(database), {}, 0, PathBase::state_dir},
        {"run_dir", "run", "per-run working directories and slot locks", FIELD(run_dir), {}, 0, PathBase::state_dir},
        {"catalog_dir", "runtimes.d", "directory of runtime definitions (*.toml)", FIELD(catalog_dir), {}, 0,
         PathBase::config_dir},
        {"faq_file", "faq.toml", "global FAQ entries", FIELD(faq_file), {}, 0, PathBase::config_dir},
        {"engine", engine::engine_names().front().c_str(), "container engine", FIELD(engine), engine::engine_names()},
        {"oci_runtime", "runsc", "OCI runtime for user code (gVisor)", FIELD(oci_runtime), {}, 0, PathBase::none,
         "[A-Za-z0-9_][A-Za-z0-9_.-]*|/[A-Za-z0-9_./-]+",
         "a runtime name or an absolute path (letters, digits, '_', '.', '-'; '/' in a path)"},
        {"allow_unsandboxed_runtime", "false",
         "true: an oci_runtime other than runsc may run user code on the host kernel (in the config file only)",
         FIELD(allow_unsandboxed_runtime), {}, 0, PathBase::none, nullptr, nullptr, true},
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
         FIELD(pool.size), {}, 0, PathBase::none, nullptr, nullptr, false, max_pool_size},
        {"pool.max_age", "1h", "an idle pooled sandbox older than this is replaced", FIELD(pool.max_age), {}, 1,
         PathBase::none, nullptr, nullptr, false, 7 * 86'400},
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
        {"web.socket", "fcgi.sock", "FastCGI socket nginx connects to", FIELD(web.socket), {}, 0, PathBase::run_dir},
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

const SettingSpec* find_setting(std::string_view key)
{
    for (const auto& spec : setting_specs())
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

std::vector<std::string> setting_keys()
{
    std::vector<std::string> keys;
    for (const auto& spec : setting_specs())
        keys.emplace_back(spec.key);
    return keys;
}

} // namespace sbx::config
