#include "project/access.hpp"

#include "account/names.hpp"
#include "error.hpp"
#include "store/user_store.hpp"

namespace sbx::project {
namespace {

[[noreturn]] void no_project(const std::string& shown)
{
    throw Error(ErrorKind::not_found, "no project '" + shown + "'", "project");
}

} // namespace

ProjectRef parse_project_ref(std::string_view text)
{
    ProjectRef ref;
    auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        ref.name = std::string(text);
    } else {
        ref.owner = std::string(text.substr(0, slash));
        ref.name = std::string(text.substr(slash + 1));
        try {
            account::check_user_name(*ref.owner);
        } catch (const Error& e) {
            throw Error(ErrorKind::usage, std::string(e.what()) + " (projects are named OWNER/NAME or NAME)",
                        "project");
        }
    }
    try {
        account::check_project_name(ref.name);
    } catch (const Error& e) {
        throw Error(ErrorKind::usage, e.what(), "project");
    }
    return ref;
}

std::int64_t owner_of(store::Database& db, const account::Actor& actor, const ProjectRef& ref)
{
    if (!ref.owner) {
        if (actor.is_shell())
            throw Error(ErrorKind::usage,
                        "say whose project '" + ref.name + "' is: OWNER/" + ref.name + ", or --as OWNER", "project");
        return *actor.user_id;
    }
    auto user = store::UserStore(db).find(*ref.owner);
    if (!user)
        no_project(*ref.owner + "/" + ref.name);
    return user->id;
}

void authorize(const account::Actor& actor, const store::ProjectRecord& project, Access access)
{
    if (actor.admin || actor.is(project.owner_id))
        return;
    if (!project.is_public)
        no_project(project.owner + "/" + project.name);
    if (access == Access::write)
        throw Error(ErrorKind::forbidden,
                    "project '" + project.owner + "/" + project.name + "' belongs to " + project.owner +
                        "; fork it to change it",
                    "project");
}

store::ProjectRecord find_project(store::Database& db, const account::Actor& actor, std::string_view ref_text,
                                  Access access)
{
    ProjectRef ref = parse_project_ref(ref_text);
    auto project = store::ProjectStore(db).find(owner_of(db, actor, ref), ref.name);
    if (!project)
        no_project(std::string(ref_text));
    authorize(actor, *project, access);
    return *project;
}

store::ProjectRecord find_project(store::Database& db, const account::Actor& actor, std::int64_t id, Access access)
{
    auto project = store::ProjectStore(db).find(id);
    if (!project)
        throw Error(ErrorKind::not_found, "no project " + std::to_string(id), "project");
    try {
        authorize(actor, *project, access);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::not_found)
            throw Error(ErrorKind::not_found, "no project " + std::to_string(id), "project");
        throw;
    }
    return *project;
}

store::RunRecord find_run(store::Database& db, const account::Actor& actor, std::int64_t id)
{
    auto run = store::RunStore(db).find(id);
    if (!run || (!actor.admin && !(run->user_id && actor.is(*run->user_id))))
        throw Error(ErrorKind::not_found, "no run " + std::to_string(id), "run");
    return *run;
}

} // namespace sbx::project
