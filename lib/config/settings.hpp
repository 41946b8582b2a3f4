#pragma once
// sbx.toml: every setting, its default, and where each effective value came from.
// Precedence: defaults < file < SBX_* environment < --set KEY=VALUE flags.
// The keys, their defaults and ranges are one table, in settings_keys.cpp.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sbx::config {

class Diagnostics;

/// Resource limits of one run; used for defaults, admin caps and runtime overrides.
struct Limits {
    std::uint64_t memory = 0; ///< bytes, swap equal
    double cpus = 0;
    std::uint32_t pids = 0;
    std::chrono::milliseconds wall_time{0};
    std::chrono::milliseconds compile_time{0};
    std::uint64_t output_bytes = 0;
    std::uint64_t disk = 0; ///< size cap of the writable work dir and of /tmp
};

struct Retention {
    std::uint32_t runs_per_project = 0;
    std::chrono::milliseconds max_age{0};
};

/// The most sandboxes a pool may keep for one runtime (pool.size, a runtime's [pool] size).
inline constexpr std::uint32_t max_pool_size = 64;

/// The warm pool: sandboxes started ahead with a runtime's default limits, each claimed by
/// one run with default limits, then destroyed. Idle ones use host memory (~15 MB each)
/// but no max_concurrent_runs slot.
struct PoolSettings {
    std::uint32_t size = 1;             ///< per runtime unless its own [pool] size says otherwise; 0: no pool
    std::chrono::seconds max_age{3600}; ///< an idle pooled sandbox older than this is replaced
};

/// What one user may use; a user's own quota (sbx user quota) overrides each field.
struct Quotas {
    std::uint32_t max_concurrent_runs = 0;
    std::uint64_t max_memory = 0; ///< summed over the user's active runs
    double max_cpus = 0;          ///< summed over the user's active runs
    std::uint64_t max_storage = 0;
    std::uint32_t runs_per_hour = 0;
    std::string when_busy; ///< "queue": a run over the quota waits; "refuse": it is refused
};

/// Sizes of project files and of imported archives.
struct ProjectLimits {
    std::uint64_t max_file_bytes = 0;
    std::uint32_t max_files = 0;
    std::uint64_t max_project_bytes = 0;
    std::uint32_t max_path_length = 0;
    std::uint32_t max_path_depth = 0;
    std::uint32_t import_max_ratio = 0;
};

struct WebSettings {
    std::filesystem::path socket;
    std::string signup; ///< "on": anyone may create an account over the API; "off": the admin adds users
    std::chrono::milliseconds session_ttl{0};
    std::chrono::milliseconds idle_timeout{0};
    std::uint32_t requests_per_minute = 0;
    std::uint32_t runs_per_minute = 0;
    std::uint32_t login_attempts_per_minute = 0;
    std::uint64_t max_request_bytes = 0;
    std::uint64_t inline_output_bytes = 0; ///< cap on stdout and stderr each in an answer to ?wait=
};

/// One compatible API (Piston, codapi): off unless enabled; its requests carry no sbx
/// user, so they run as `account`, with that account's quota.
struct CompatApiSettings {
    bool enabled = false;
    std::string account;
    bool require_token = false;            ///< true: an Authorization header with an API token of `account`
    std::uint32_t requests_per_minute = 0; ///< runs per client address
};

struct CompatSettings {
    std::vector<std::string> cors_origins; ///< pages that may call the compatible APIs from a browser
    CompatApiSettings piston;
    CompatApiSettings codapi;
    CompatApiSettings judge0;
};

struct Settings {
    std::string instance;
    std::filesystem::path state_dir;
    std::filesystem::path database;
    std::filesystem::path run_dir;
    std::filesystem::path catalog_dir;
    std::filesystem::path faq_file;
    std::string engine;
    std::string oci_runtime;
    /// An oci_runtime other than gVisor's runsc runs user code on the host kernel: refused
    /// unless the config file itself (never SBX_* or --set) sets this.
    bool allow_unsandboxed_runtime = false;
    std::uint32_t max_concurrent_runs = 0;
    Limits limits;
    Limits caps;
    PoolSettings pool;
    Retention retention;
    Quotas quotas;
    ProjectLimits projects;
    WebSettings web;
    CompatSettings compat;
};

enum class Source { default_value, file, environment, flag };

/// Where an effective value came from: "default", "/etc/sbx/sbx.toml:12", "SBX_ENGINE", "--set engine=docker".
struct Origin {
    Source source = Source::default_value;
    std::string where;
};

/// One effective setting, as `sbx config show` prints it.
struct SettingValue {
    std::string key;
    std::string value;
    Origin origin;
    std::string description;
};

struct SettingsRequest {
    std::optional<std::filesystem::path> config_flag; ///< --config PATH
    std::map<std::string, std::string> environment;   ///< SBX_* variables
    std::vector<std::string> overrides;               ///< --set KEY=VALUE, in order
    std::filesystem::path cwd;                        ///< for relative paths outside the file
};

struct LoadedSettings {
    Settings settings;
    std::filesystem::path config_file; ///< the file used (may not exist if it is the default)
    bool config_file_found = false;
    std::vector<SettingValue> values; ///< every setting in documented order
};

/// Default location when neither --config nor SBX_CONFIG says otherwise.
inline constexpr const char* default_config_path = "/etc/sbx/sbx.toml";

/// Environment variables that are sbx's but not settings (contrib/images reads the last four).
inline const std::vector<std::string> reserved_environment = {"SBX_CONFIG", "SBX_EXEC_PATH", "SBX_IMAGE_CACHE",
                                                              "SBX_DOCKER", "SBX_MIRROR",    "SBX_FORCE"};

/// Loads and validates settings; throws ConfigError listing every problem, or
/// Error(not_found) when an explicitly named config file does not exist.
LoadedSettings load_settings(const SettingsRequest& request);

/// As above, but problems are added to `diagnostics` instead of thrown; a setting
/// with a problem keeps its default, so validation of what follows can go on.
LoadedSettings load_settings(const SettingsRequest& request, Diagnostics& diagnostics);

/// The SBX_* variables of this process's environment.
std::map<std::string, std::string> sbx_environment();

/// Every setting key, in documented order.
std::vector<std::string> setting_keys();

/// "file", "environment", ... for JSON output.
const char* source_name(Source source) noexcept;

} // namespace sbx::config
