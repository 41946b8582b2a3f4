#pragma once
// The runtime catalog: one TOML file per runtime in catalog_dir (runtimes.d/*.toml).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/faq.hpp"
#include "config/settings.hpp"

namespace sbx::config {

/// Limits a runtime sets for itself; unset ones fall back to the defaults.
struct LimitOverrides {
    std::optional<std::uint64_t> memory;
    std::optional<double> cpus;
    std::optional<std::uint32_t> pids;
    std::optional<std::chrono::milliseconds> wall_time;
    std::optional<std::chrono::milliseconds> compile_time;
    std::optional<std::uint64_t> output_bytes;
    std::optional<std::uint64_t> disk;
};

/// Placeholders a command may contain: {file} (the entry file's path, "./main.py") and
/// {stem} (its name without extension, "Main").
inline const std::vector<std::string> command_placeholders = {"{file}", "{stem}"};

struct Runtime {
    std::string id;   ///< e.g. "go-1.19"
    std::string name; ///< e.g. "Go 1.19"
    std::string language;
    std::string version;
    /// Other names of the language, as clients of compatible APIs say it ("py", "cpp").
    std::vector<std::string> aliases;
    /// Judge0's language ids this runtime answers (clients hard-code them: 71 is Python).
    std::vector<int> judge0_ids;
    std::string description;
    std::string os;
    std::string arch;
    std::string image;
    std::string file;                 ///< default entry file name, e.g. "main.go"
    std::string hello_world;          ///< template a new project starts from
    std::vector<std::string> compile; ///< argv; empty when the runtime has no compile step
    std::vector<std::string> run;     ///< argv
    std::vector<std::string> check;   ///< argv of an optional check/lint step; may be empty
    std::map<std::string, std::string> env;
    LimitOverrides overrides;
    Limits limits;                          ///< effective: defaults with the overrides applied
    std::optional<std::uint32_t> pool_size; ///< [pool] size, 0..max_pool_size; unset: settings.pool.size
    /// [pool] warmup: argv run once in each fresh pooled sandbox so that the first real
    /// run finds the interpreter warm; empty: none.
    std::vector<std::string> pool_warmup;
    std::vector<FaqEntry> faq;
    std::string source; ///< the file it came from
};

class RuntimeCatalog {
  public:
    /// Reads every *.toml in `settings.catalog_dir`; throws ConfigError listing every problem.
    static RuntimeCatalog load(const Settings& settings);
    /// As above, but problems are added to `diagnostics`; only valid runtimes are kept.
    static RuntimeCatalog load(const Settings& settings, Diagnostics& diagnostics);

    /// Sorted by id.
    const std::vector<Runtime>& runtimes() const noexcept { return runtimes_; }
    const Runtime* find(std::string_view id) const;
    /// Throws Error(not_found) naming the closest id when there is one.
    const Runtime& get(std::string_view id) const;
    /// The runtime mapped to Judge0's language `id`; null when none is.
    const Runtime* find_judge0(int id) const;

  private:
    std::vector<Runtime> runtimes_;
};

/// Pooled sandboxes to keep for `runtime`: its own [pool] size, else settings.pool.size.
std::uint32_t pool_size(const Runtime& runtime, const Settings& settings);

/// Expands {file} (as "./" + entry_file, so that no name is read as an option) and {stem}
/// in each argument of a command; "${file}" is left for a shell. Throws Error(usage, field
/// "entry") when a {stem} that begins an argument would begin with '-', '+' or '@'.
std::vector<std::string> expand_command(const std::vector<std::string>& argv, const std::string& entry_file);

} // namespace sbx::config
