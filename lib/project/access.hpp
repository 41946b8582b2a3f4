#pragma once
// Who may see and change what. Owner: everything on their projects. Others: read, fork and
// run public projects, never change them. Admin: everything. A private project of someone
// else, and a run of someone else, answer "not found", exactly as if they did not exist.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "account/actor.hpp"
#include "store/database.hpp"
#include "store/project_store.hpp"
#include "store/run_store.hpp"

namespace sbx::project {

enum class Access { read, write };

/// "OWNER/NAME", or "NAME" for a project of the actor's own.
struct ProjectRef {
    std::optional<std::string> owner;
    std::string name;
};

/// Throws Error(usage, field "project") for a malformed reference.
ProjectRef parse_project_ref(std::string_view text);

/// The owner a reference names: its OWNER part, else the actor. Error(usage) when the actor
/// is the admin shell and no owner is given. Error(not_found) for an unknown owner.
std::int64_t owner_of(store::Database& db, const account::Actor& actor, const ProjectRef& ref);

/// Throws unless `actor` may have `access` to `project`: Error(not_found) when they may
/// not even see it, Error(forbidden) when they may see but not change it.
void authorize(const account::Actor& actor, const store::ProjectRecord& project, Access access);

/// The project a reference names, when the actor may have `access` to it.
store::ProjectRecord find_project(store::Database& db, const account::Actor& actor, std::string_view ref,
                                  Access access);
store::ProjectRecord find_project(store::Database& db, const account::Actor& actor, std::int64_t id, Access access);

/// A run the actor may see: their own (a run belongs to whoever started it), or any as admin.
store::RunRecord find_run(store::Database& db, const account::Actor& actor, std::int64_t id);

} // namespace sbx::project
