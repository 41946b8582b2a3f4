#pragma once
// Projects, their files and environment: what `sbx project` and the web API's project calls
// do. Every call checks the actor's access first (project/access.hpp).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "account/actor.hpp"
#include "app/app_context.hpp"
#include "project/access.hpp"
#include "project/archive.hpp"
#include "store/project_store.hpp"

namespace sbx::project {

/// A new project starts from its runtime's hello-world template, private unless asked.
store::ProjectRecord create_project(app::AppContext& context, const account::Actor& actor, std::string_view ref,
                                    const std::string& runtime, bool is_public);
/// The actor's projects; for the admin shell, everyone's.
std::vector<store::ProjectRecord> list_projects(app::AppContext& context, const account::Actor& actor);
/// Public projects of everyone.
std::vector<store::ProjectRecord> gallery(app::AppContext& context);

store::ProjectRecord rename_project(app::AppContext& context, const account::Actor& actor,
                                    const store::ProjectRecord& project, const std::string& new_name);
store::ProjectRecord set_runtime(app::AppContext& context, const account::Actor& actor,
                                 const store::ProjectRecord& project, const std::string& runtime);
store::ProjectRecord set_visibility(app::AppContext& context, const account::Actor& actor,
                                    const store::ProjectRecord& project, bool is_public);
/// Cancels the project's unfinished runs, then deletes it with its files and env. Runs
/// already made stay in their runners' history.
void delete_project(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project);

/// Files. Paths are normalised (common/project_path.hpp); sizes are held to the
/// [projects] limits and the owner's storage quota. put_file returns true when created.
bool put_file(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
              std::string_view path, const std::string& content);
std::string get_file(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
                     std::string_view path);
std::vector<store::FileEntry> list_files(app::AppContext& context, const account::Actor& actor,
                                         const store::ProjectRecord& project);
void remove_file(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
                 std::string_view path);
void move_file(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
               std::string_view from, std::string_view to);

/// Environment variables: only those who may change the project may see them.
std::map<std::string, std::string> list_env(app::AppContext& context, const account::Actor& actor,
                                            const store::ProjectRecord& project);
void set_env(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
             const std::string& name, const std::string& value);
/// Error(not_found) when it was not set.
void unset_env(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
               const std::string& name);

/// Copies a project the actor may read (files and runtime, not env) into a new private
/// project of the actor named `ref` (default: the source's name).
store::ProjectRecord fork_project(app::AppContext& context, const account::Actor& actor,
                                  const store::ProjectRecord& source, const std::optional<std::string>& ref);

/// Creates a project from a tar, tar.gz or zip archive, all or nothing. Without a runtime,
/// the one whose entry file name the archive holds, when only one does.
store::ProjectRecord import_project(app::AppContext& context, const account::Actor& actor, std::string_view ref,
                                    std::string_view archive, const std::optional<std::string>& runtime,
                                    bool is_public);
/// The project's files as an archive.
std::string export_project(app::AppContext& context, const account::Actor& actor, const store::ProjectRecord& project,
                           ArchiveFormat format);

/// The [projects] path limits, for normalize_path.
common::PathLimits path_limits(const config::Settings& settings);

} // namespace sbx::project
