#include "project/projects.hpp"

#include <algorithm>
#include <regex>

#include "account/names.hpp"
#include "account/quota.hpp"
#include "error.hpp"
#include "store/user_store.hpp"

namespace sbx::project {
namespace {

constexpr std::size_t max_env_vars = 200;
constexpr std::size_t max_env_value = std::size_t{64} * 1024;

// What a write to a project of `owner_id` must stay within.
store::StorageLimits storage_limits(app::AppContext& context, std::int64_t owner_id)
{
    const auto& p = context.settings.projects;
    auto owner = store::UserStore(context.db).get(owner_id);
    auto quota = account::effective_quota(context.settings.quotas, owner.quota);
    return {p.max_file_bytes, p.max_files, p.max_project_bytes, quota.max_storage};
}

store::ProjectRecord reload(app::AppContext& context, std::int64_t id)
{
    auto project = store::ProjectStore(context.db).find(id);
    if (!project)
        throw Error(ErrorKind::not_found, "no project " + std::to_string(id), "project");
    return *project;
}

// `tar czf p.tgz proj/` puts every file under proj/. When no runtime is named and none fits
// the files as they are, the project is what is inside that folder; true when stripped.
bool strip_common_folder(std::vector<ArchiveFile>& files)
{
    auto slash = files.front().path.find('/');
    if (slash == std::string::npos)
        return false;
    std::string prefix = files.front().path.substr(0, slash + 1);
    for (const auto& file : files)
        if (!file.path.starts_with(prefix))
            return false;
    for (auto& file : files)
        file.path.erase(0, prefix.size());
    return true;
}

// The runtimes whose entry file name is among the files.
std::vector<std::string> runtimes_fitting(const config::RuntimeCatalog& catalog, const std::vector<ArchiveFile>& files)
{
    std::vector<std::string> ids;
    for (const auto& runtime : catalog.runtimes())
        if (!runtime.file.empty() &&
            std::any_of(files.begin(), files.end(), [&](const ArchiveFile& f) { return f.path == runtime.file; }))
            ids.push_back(runtime.id);
    return ids;
}

std::string entry_file(const config::Runtime& runtime)
{
    return runtime.file.empty() ? "main" : runtime.file;
}

} // namespace

common::PathLimits path_limits(const config::Settings& settings)
{
    common::PathLimits limits;
    limits.max_length = settings.projects.max_path_length;
    limits.max_depth = settings.projects.max_path_depth;
    return limits;
}

store::ProjectRecord create_project(app::AppContext& context, const account::Actor& actor, std::string_view ref_text,
                                    const std::string& runtime_id, bool is_public)
{
    ProjectRef ref = parse_project_ref(ref_text);
    std::int64_t owner = owner_of(context.db, actor, ref);
    if (!actor.admin && !actor.is(owner))
        throw Error(ErrorKind::forbidden, "you may create projects of your own only", "project");
    const config::Runtime& runtime = context.catalog.get(runtime_id);
    store::NewProject project{owner,     ref.name,     runtime.id,
                              is_public, std::nullopt, {{entry_file(runtime), runtime.hello_world}}};
    return reload(context, store::ProjectStore(context.db).create(project, storage_limits(context, owner)));
}

std::vector<store::ProjectRecord> list_projects(app::AppContext& context, const account::Actor& actor)
{
    store::ProjectStore projects(context.db);
    if (!actor.is_shell())
        return projects.list_owned(*actor.user_id);
    std::vector<store::ProjectRecord> all;
    for (const auto& user : store::UserStore(context.db).list()) {
        auto owned = projects.list_owned(user.id);
        all.insert(all.end(), owned.begin(), owned.end());
    }
    return all;
}

std::vector<store::ProjectRecord> gallery(app::AppContext& context)
{
    return store::ProjectStore(context.db).list_public(1000);
}

store::ProjectRecord rename_project(app::AppContext& context, const account::Actor& actor,
                                    const store::ProjectRecord& project, const std::string& new_name)
{
    authorize(actor, project, Access::write);
    account::check_project_name(new_name);
    store::ProjectStore(context.db).rename(project.id, new_name);
    return reload(context, project.id);
}

store::ProjectRecord set_runtime(app::AppContext& context, const account::Actor& actor,
                                 const store::ProjectRecord& project, const std::string& runtime)
{
    authorize(actor, project, Access::write);
    store::ProjectStore(context.db).set_runtime(project.id, context.catalog.get(runtime).id);
    return reload(context, project.id);
}

store::ProjectRecord set_visibility(app::AppContext& context, const account::Actor& actor,
                                    const store::ProjectRecord& project, bool is_public)
{
    authorize(actor, project, Access::write);
    store::ProjectStore(context.db).set_public(project.id, is_public);
    return reload(context, project.id);
}

void delete_project(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project)
{
    authorize(actor, project, Access::write);
    store::RunStore runs(context.db);
    for (const auto& run : runs.list({.active_only = true, .project_id = project.id}))
        runs.request_cancel(run.id, "project deleted");
    store::ProjectStore(context.db).remove(project.id);
}

bool put_file(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
              std::string_view path, const std::string& content)
{
    authorize(actor, project, Access::write);
    std::string normal = common::normalize_path(path, path_limits(context.settings));
    return store::ProjectStore(context.db)
        .put_file(project.id, normal, content, storage_limits(context, project.owner_id));
}

std::string get_file(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
                     std::string_view path)
{
    authorize(actor, project, Access::read);
    std::string normal = common::normalize_path(path, path_limits(context.settings));
    auto content = store::ProjectStore(context.db).read_file(project.id, normal);
    if (!content)
        throw Error(ErrorKind::not_found, "no file " + common::quote_path(normal) + " in the project", "path");
    return *content;
}

std::vector<store::FileEntry> list_files(app::AppContext& context, const account::Actor& actor,
                                         const store::ProjectRecord& project)
{
    authorize(actor, project, Access::read);
    return store::ProjectStore(context.db).list_files(project.id);
}

void remove_file(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
                 std::string_view path)
{
    authorize(actor, project, Access::write);
    store::ProjectStore(context.db)
        .remove_file(project.id, common::normalize_path(path, path_limits(context.settings)));
}

void move_file(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
               std::string_view from, std::string_view to)
{
    authorize(actor, project, Access::write);
    auto limits = path_limits(context.settings);
    store::ProjectStore(context.db)
        .move_file(project.id, common::normalize_path(from, limits), common::normalize_path(to, limits));
}

std::map<std::string, std::string> list_env(app::AppContext& context, const account::Actor& actor,
                                            const store::ProjectRecord& project)
{
    authorize(actor, project, Access::write);
    return store::ProjectStore(context.db).env(project.id);
}

void set_env(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
             const std::string& name, const std::string& value)
{
    authorize(actor, project, Access::write);
    static const std::regex pattern("[A-Za-z_][A-Za-z0-9_]{0,127}");
    if (!std::regex_match(name, pattern))
        throw Error(ErrorKind::usage,
                    "'" + common::printable(name) +
                        "' is not a valid variable name (letters, digits and '_', not starting with a digit)",
                    "name");
    if (value.find('\0') != std::string::npos)
        throw Error(ErrorKind::usage, "the value of " + name + " contains a NUL byte", "value");
    if (value.size() > max_env_value)
        throw Error(ErrorKind::too_large, "the value of " + name + " is longer than 64K", "value");
    store::ProjectStore projects(context.db);
    auto env = projects.env(project.id);
    if (!env.contains(name) && env.size() >= max_env_vars)
        throw Error(ErrorKind::too_large, "a project may have at most 200 environment variables", "name");
    projects.set_env(project.id, name, value);
}

void unset_env(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
               const std::string& name)
{
    authorize(actor, project, Access::write);
    if (!store::ProjectStore(context.db).unset_env(project.id, name))
        throw Error(ErrorKind::not_found, "no variable '" + common::printable(name) + "' in the project", "name");
}

store::ProjectRecord fork_project(app::AppContext& context, const account::Actor& actor,
                                  const store::ProjectRecord& source, const std::optional<std::string>& ref_text)
{
    authorize(actor, source, Access::read);
    ProjectRef ref = parse_project_ref(ref_text.value_or(source.name));
    if (actor.is_shell() && !ref.owner)
        throw Error(ErrorKind::usage, "whose fork is it? name it OWNER/NAME, or fork --as OWNER", "project");
    std::int64_t owner = owner_of(context.db, actor, ref);
    if (!actor.admin && !actor.is(owner))
        throw Error(ErrorKind::forbidden, "you may fork into projects of your own only", "project");
    store::ProjectStore projects(context.db);
    std::vector<store::ProjectFile> files = projects.all_files(source.id);
    store::NewProject copy{owner, ref.name, source.runtime, false, source.id, std::move(files)};
    return reload(context, projects.create(copy, storage_limits(context, owner)));
}

store::ProjectRecord import_project(app::AppContext& context, const account::Actor& actor, std::string_view ref_text,
                                    std::string_view archive, const std::optional<std::string>& runtime_id,
                                    bool is_public)
{
    ProjectRef ref = parse_project_ref(ref_text);
    std::int64_t owner = owner_of(context.db, actor, ref);
    if (!actor.admin && !actor.is(owner))
        throw Error(ErrorKind::forbidden, "you may import into projects of your own only", "project");
    auto storage = storage_limits(context, owner);
    const auto& p = context.settings.projects;
    ArchiveLimits limits;
    limits.max_total_bytes = p.max_project_bytes;
    limits.max_entries = std::size_t{p.max_files} * 4; // folders are entries too
    limits.max_file_bytes = p.max_file_bytes;
    limits.max_ratio = p.import_max_ratio;
    std::vector<ArchiveFile> read = read_archive(archive, limits, path_limits(context.settings));
    if (read.empty())
        throw Error(ErrorKind::data, "the archive holds no files", "archive");

    std::string runtime;
    if (runtime_id) {
        runtime = context.catalog.get(*runtime_id).id;
    } else {
        std::vector<std::string> matches = runtimes_fitting(context.catalog, read);
        if (matches.empty() && strip_common_folder(read))
            matches = runtimes_fitting(context.catalog, read);
        if (matches.size() != 1) {
            std::string list;
            for (const auto& m : matches)
                list += (list.empty() ? "" : ", ") + m;
            throw Error(ErrorKind::usage,
                        matches.empty() ? "which runtime? no runtime's entry file is in the archive; give --runtime"
                                        : "which runtime? the archive fits " + list + "; give --runtime",
                        "runtime");
        }
        runtime = matches.front();
    }
    store::NewProject project{owner, ref.name, runtime, is_public, std::nullopt, {}};
    for (auto& file : read)
        project.files.push_back({std::move(file.path), std::move(file.content)});
    return reload(context, store::ProjectStore(context.db).create(project, storage));
}

std::string export_project(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
                           ArchiveFormat format)
{
    authorize(actor, project, Access::read);
    std::vector<ArchiveFile> files;
    for (auto& file : store::ProjectStore(context.db).all_files(project.id))
        files.push_back({std::move(file.path), std::move(file.content)});
    return write_archive(files, format, path_limits(context.settings));
}

} // namespace sbx::project
