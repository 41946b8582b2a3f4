#include "config/runtime_catalog.hpp"

#include <algorithm>
#include <regex>

#include <nlohmann/json.hpp>

#include "common/suggest.hpp"
#include "config/toml_reader.hpp"
#include "config/units.hpp"

namespace sbx::config {
namespace {

namespace fs = std::filesystem;

bool valid_id(const std::string& id)
{
    static const std::regex pattern("[a-z0-9][a-z0-9._+-]{0,63}");
    return std::regex_match(id, pattern);
}

// Image references as engines accept them; whitespace or a leading '-' could be
// taken for another argument or flag.
std::optional<std::string> image_problem(const std::string& image)
{
    if (image.empty())
        return "image: must not be empty";
    if (image.front() == '-')
        return "image: '" + image + "' must not start with '-'";
    static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9._/:@-]*");
    if (!std::regex_match(image, pattern))
        return "image: '" + image + "' is not a valid image reference (letters, digits and . _ / : @ - only)";
    return std::nullopt;
}

bool valid_env_name(const std::string& name)
{
    static const std::regex pattern("[A-Za-z_][A-Za-z0-9_]*");
    return std::regex_match(name, pattern);
}

std::optional<std::string> file_problem(const std::string& file)
{
    if (file.empty())
        return "file: must not be empty";
    if (file.front() == '/' || file.front() == '-' || file.find('\0') != std::string::npos)
        return "file: '" + file + "' must be a relative file name";
    for (const auto& part : fs::path(file))
        if (part == ".." || part == ".")
            return "file: '" + file + "' must not contain '.' or '..'";
    return std::nullopt;
}

// A command must be a non-empty argv; unknown {placeholders} are likely typos.
void check_command(TableReader& reader, const std::string& key, const std::vector<std::string>& argv)
{
    if (argv.empty()) {
        reader.error_at_key(key, key + ": must name a program (an empty argv runs nothing)");
        return;
    }
    if (argv.front().empty())
        reader.error_at_key(key, key + "[0]: the program name must not be empty");
    static const std::regex placeholder(R"((^|[^$])(\{[a-z_]+\}))");
    for (const auto& arg : argv)
        for (std::sregex_iterator it(arg.begin(), arg.end(), placeholder), end; it != end; ++it) {
            std::string name = (*it)[2];
            if (std::find(command_placeholders.begin(), command_placeholders.end(), name) == command_placeholders.end())
                reader.error_at_key(key, key + ": unknown placeholder " + name + " (known: {file}, {stem})");
        }
}

// Reads [limits]; each override must stay within the admin's caps.
void read_limits(TableReader& parent, const Settings& settings, Runtime& r)
{
    r.limits = settings.limits;
    const auto* table = parent.table("limits");
    if (!table)
        return;
    TableReader reader(*table, parent.file(), parent.diagnostics(), "limits.");
    const Limits& cap = settings.caps;
    auto apply = [&](const char* key, auto value, auto& override_slot, auto& limit, auto cap_value, auto text) {
        if (!value)
            return;
        override_slot = *value;
        limit = *value;
        if (!(limit > std::remove_reference_t<decltype(limit)>{}))
            reader.error_at_key(key, std::string("limits.") + key + ": must be greater than 0");
        else if (*value > cap_value)
            reader.error_at_key(key, std::string("limits.") + key + " (" + text(*value) +
                                         ") exceeds the admin cap caps." + key + " (" + text(cap_value) + ")");
    };
    auto bytes = [](std::uint64_t v) { return format_bytes(v); };
    auto duration = [](std::chrono::milliseconds v) { return format_duration(v); };
    auto plain = [](auto v) { return nlohmann::json(v).dump(); };
    LimitOverrides& o = r.overrides;
    Limits& l = r.limits;
    apply("memory", reader.bytes("memory"), o.memory, l.memory, cap.memory, bytes);
    apply("cpus", reader.number("cpus"), o.cpus, l.cpus, cap.cpus, plain);
    auto pids = reader.integer("pids");
    if (pids && (*pids < 1 || *pids > 1'000'000)) {
        reader.error_at_key("pids", "limits.pids: must be from 1 to 1000000");
        pids.reset();
    }
    apply("pids", pids ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*pids)) : std::nullopt, o.pids, l.pids,
          cap.pids, plain);
    apply("wall_time", reader.duration("wall_time"), o.wall_time, l.wall_time, cap.wall_time, duration);
    apply("compile_time", reader.duration("compile_time"), o.compile_time, l.compile_time, cap.compile_time, duration);
    apply("output_bytes", reader.bytes("output_bytes"), o.output_bytes, l.output_bytes, cap.output_bytes, bytes);
    apply("disk", reader.bytes("disk"), o.disk, l.disk, cap.disk, bytes);
    reader.finish();
}

// Reads [pool]. The warmup runs before any project's files are there, so a placeholder
// in it would name nothing.
void read_pool(TableReader& parent, Runtime& r)
{
    const auto* table = parent.table("pool");
    if (!table)
        return;
    TableReader reader(*table, parent.file(), parent.diagnostics(), "pool.");
    if (auto size = reader.integer("size")) {
        if (*size < 0 || *size > max_pool_size)
            reader.error_at_key("size", "pool.size: must be from 0 to " + std::to_string(max_pool_size));
        else
            r.pool_size = static_cast<std::uint32_t>(*size);
    }
    if (auto warmup = reader.string_array("warmup")) {
        r.pool_warmup = *warmup;
        if (!warmup->empty() && warmup->front().empty())
            reader.error_at_key("warmup", "pool.warmup[0]: the program name must not be empty");
        static const std::regex placeholder(R"((^|[^$])(\{[a-z_]+\}))");
        for (const auto& arg : *warmup)
            if (std::smatch match; std::regex_search(arg, match, placeholder))
                reader.error_at_key("warmup", "pool.warmup: " + match[2].str() +
                                                  " cannot be used: the warmup runs before any project file is there");
    }
    reader.finish();
}

struct ReadResult {
    Runtime runtime;
    bool valid = false;
    int id_line = 0;
    int id_column = 0;
    int judge0_line = 0; ///< where judge0_ids is, for an id mapped twice
};

// judge0_ids = [71, 70]: each a positive integer, as Judge0's ids are.
void read_judge0_ids(TableReader& reader, ReadResult& result)
{
    const auto* node = reader.node("judge0_ids");
    if (!node)
        return;
    result.judge0_line = static_cast<int>(node->source().begin.line);
    const auto* array = node->as_array();
    if (!array) {
        reader.error_at_key("judge0_ids", "judge0_ids: must be an array of Judge0 language ids, such as [71]");
        return;
    }
    for (const auto& item : *array) {
        auto value = item.value<std::int64_t>();
        if (!item.is_integer() || !value || *value < 1 || *value > 1'000'000) {
            reader.error(item, "judge0_ids: each must be a language id from 1 to 1000000");
            continue;
        }
        result.runtime.judge0_ids.push_back(static_cast<int>(*value));
    }
}

std::optional<ReadResult> read_runtime(const fs::path& path, const Settings& settings, Diagnostics& diagnostics)
{
    auto table = parse_toml_file(path, diagnostics);
    if (!table)
        return std::nullopt;
    std::size_t before = diagnostics.items().size();
    TableReader reader(*table, path.string(), diagnostics);
    ReadResult result;
    Runtime& r = result.runtime;
    for (auto&& [key, value] : *table)
        if (key.str() == "id") {
            result.id_line = static_cast<int>(key.source().begin.line);
            result.id_column = static_cast<int>(key.source().begin.column);
        }
    r.source = path.string();
    r.id = reader.string("id", true).value_or("");
    if (reader.node("id") && reader.node("id")->is_string() && !valid_id(r.id))
        reader.error_at_key("id", "id: '" + r.id +
                                      "' must be 1-64 lowercase letters, digits, '.', '_', '+' or '-', "
                                      "starting with a letter or digit");
    r.name = reader.string("name", true).value_or("");
    r.language = reader.string("language", true).value_or("");
    r.version = reader.string("version", true).value_or("");
    if (auto aliases = reader.string_array("aliases"))
        r.aliases = *aliases;
    read_judge0_ids(reader, result);
    r.description = reader.string("description").value_or("");
    r.os = reader.string("os").value_or("linux");
    r.arch = reader.string("arch").value_or("amd64");
    if (auto image = reader.string("image", true)) {
        r.image = *image;
        if (auto problem = image_problem(r.image))
            reader.error(*reader.node("image"), *problem);
    }
    if (auto file = reader.string("file", true)) {
        r.file = *file;
        if (auto problem = file_problem(r.file))
            reader.error(*reader.node("file"), *problem);
    }
    r.hello_world = reader.string("hello_world", true).value_or("");
    if (auto run = reader.string_array("run", true)) {
        r.run = *run;
        check_command(reader, "run", r.run);
    }
    for (auto [key, target] : {std::pair{"compile", &r.compile}, std::pair{"check", &r.check}})
        if (auto argv = reader.string_array(key)) {
            *target = *argv;
            check_command(reader, key, *target);
        }
    if (const auto* env = reader.table("env")) {
        TableReader env_reader(*env, reader.file(), diagnostics, "env.");
        for (auto&& [key, value] : *env) {
            std::string name(key.str());
            auto text = env_reader.string(name);
            if (!valid_env_name(name))
                env_reader.error_at_key(name, "env: '" + name + "' is not a valid variable name");
            else if (text)
                r.env[name] = *text;
        }
    }
    read_limits(reader, settings, r);
    read_pool(reader, r);
    r.faq = read_faq_entries(reader);
    reader.finish();
    result.valid = diagnostics.items().size() == before;
    return result;
}

} // namespace

RuntimeCatalog RuntimeCatalog::load(const Settings& settings)
{
    Diagnostics diagnostics;
    auto catalog = load(settings, diagnostics);
    diagnostics.throw_if_any();
    return catalog;
}

RuntimeCatalog RuntimeCatalog::load(const Settings& settings, Diagnostics& diagnostics)
{
    RuntimeCatalog catalog;
    const fs::path& dir = settings.catalog_dir;
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".toml" && !it->path().filename().string().starts_with("."))
            files.push_back(it->path());
    if (ec) {
        diagnostics.add(dir.string(), 0, 0, "cannot read runtime catalog: " + ec.message());
        return catalog;
    }
    if (files.empty())
        diagnostics.add(dir.string(), 0, 0, "no runtime definitions (*.toml) found");
    std::sort(files.begin(), files.end());

    std::map<std::string, std::string> first_seen;
    std::map<int, std::string> judge0_seen; // id -> the file that mapped it first
    for (const auto& file : files) {
        auto result = read_runtime(file, settings, diagnostics);
        if (!result || result->runtime.id.empty())
            continue;
        const std::string& id = result->runtime.id;
        auto [it, inserted] = first_seen.emplace(id, file.string());
        if (!inserted)
            diagnostics.add(file.string(), result->id_line, result->id_column,
                            "duplicate runtime id '" + id + "' (already defined in " + it->second + ")");
        else if (result->valid) {
            bool clash = false;
            for (int judge0_id : result->runtime.judge0_ids)
                if (auto [at, fresh] = judge0_seen.emplace(judge0_id, file.string()); !fresh) {
                    diagnostics.add(file.string(), result->judge0_line, 1,
                                    "judge0_ids: " + std::to_string(judge0_id) + " is already mapped in " + at->second);
                    clash = true;
                }
            if (!clash)
                catalog.runtimes_.push_back(std::move(result->runtime));
        }
    }
    std::sort(catalog.runtimes_.begin(), catalog.runtimes_.end(),
              [](const Runtime& a, const Runtime& b) { return a.id < b.id; });
    return catalog;
}

const Runtime* RuntimeCatalog::find(std::string_view id) const
{
    for (const auto& runtime : runtimes_)
        if (runtime.id == id)
            return &runtime;
    return nullptr;
}

const Runtime& RuntimeCatalog::get(std::string_view id) const
{
    if (const auto* runtime = find(id))
        return *runtime;
    std::vector<std::string> ids;
    for (const auto& runtime : runtimes_)
        ids.push_back(runtime.id);
    std::string message = "no runtime '" + std::string(id) + "'";
    if (auto guess = closest_match(id, ids))
        message += " (did you mean '" + *guess + "'?)";
    throw Error(ErrorKind::not_found, message + "; `sbx runtime list` shows them all", "runtime");
}

const Runtime* RuntimeCatalog::find_judge0(int id) const
{
    for (const auto& runtime : runtimes_)
        if (std::find(runtime.judge0_ids.begin(), runtime.judge0_ids.end(), id) != runtime.judge0_ids.end())
            return &runtime;
    return nullptr;
}

std::uint32_t pool_size(const Runtime& runtime, const Settings& settings)
{
    return runtime.pool_size.value_or(settings.pool.size);
}

std::vector<std::string> expand_command(const std::vector<std::string>& argv, const std::string& entry_file)
{
    // "./" makes the entry a path whatever its name begins with: "-" (an option), "@"
    // (gcc's and javac's argument files), "+" (bash's options).
    const std::string file = "./" + entry_file;
    const std::string stem = fs::path(entry_file).stem().string();
    std::vector<std::string> out;
    for (const auto& arg : argv) {
        std::string expanded;
        // One pass, left to right: text a value brings in is never expanded again.
        for (std::size_t pos = 0; pos < arg.size();) {
            bool shell = pos > 0 && arg[pos - 1] == '$'; // ${file} belongs to a shell script
            if (!shell && arg.compare(pos, 6, "{file}") == 0) {
                expanded += file;
                pos += 6;
            } else if (!shell && arg.compare(pos, 6, "{stem}") == 0) {
                // A stem is a name (java's class), which no "./" can protect.
                if (pos == 0 && !stem.empty() && (stem.front() == '-' || stem.front() == '+' || stem.front() == '@'))
                    throw Error(ErrorKind::usage,
                                "entry file '" + entry_file + "' cannot be run: its name without extension, '" + stem +
                                    "', would be read as an option; rename it to begin with a letter",
                                "entry");
                expanded += stem;
                pos += 6;
            } else {
                expanded += arg[pos++];
            }
        }
        out.push_back(std::move(expanded));
    }
    return out;
}

} // namespace sbx::config
