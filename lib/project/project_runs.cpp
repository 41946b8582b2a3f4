#include "project/project_runs.hpp"

#include "account/quota.hpp"
#include "error.hpp"
#include "project/access.hpp"
#include "store/user_store.hpp"

namespace sbx::project {

std::int64_t submit_run(app::AppContext& context, const account::Actor& actor, runner::RunRequest request)
{
    request.user_id = actor.user_id;
    request.quota.reset();
    if (actor.user_id) {
        auto user = store::UserStore(context.db).get(*actor.user_id);
        if (user.disabled)
            throw Error(ErrorKind::forbidden, "user '" + user.name + "' is disabled", "user");
        request.quota = account::run_quota(account::effective_quota(context.settings.quotas, user.quota));
    }
    return runner::submit(context, request);
}

std::int64_t submit_project_run(app::AppContext& context, const account::Actor& actor,
                                const store::ProjectRecord& project, runner::RunRequest request)
{
    authorize(actor, project, Access::read);
    store::ProjectStore projects(context.db);
    request.runtime = project.runtime;
    request.project_id = project.id;
    request.supersede = true;
    request.files.clear();
    for (auto& file : projects.all_files(project.id))
        request.files.push_back({std::move(file.path), std::move(file.content)});
    if (request.files.empty())
        throw Error(ErrorKind::usage, "project '" + project.owner + "/" + project.name + "' has no files to run",
                    "files");
    // The owner's secrets go only into the owner's own runs (or the admin's).
    if (actor.admin || actor.is(project.owner_id))
        for (const auto& [name, value] : projects.env(project.id))
            request.env.try_emplace(name, value);
    return submit_run(context, actor, std::move(request));
}

store::RunRecord cancel_run(app::AppContext& context, const account::Actor& actor, std::int64_t run_id,
                            const std::string& reason)
{
    find_run(context.db, actor, run_id);
    return runner::cancel(context, run_id, reason);
}

std::vector<store::RunRecord> project_history(app::AppContext& context, const account::Actor& actor,
                                              const store::ProjectRecord& project, std::size_t limit)
{
    authorize(actor, project, Access::read);
    store::RunFilter filter{.project_id = project.id, .limit = limit};
    if (!actor.admin)
        filter.user_id = actor.user_id;
    return store::RunStore(context.db).list(filter);
}

std::vector<store::RunFileRecord> run_files(app::AppContext& context, const account::Actor& actor, std::int64_t run_id)
{
    find_run(context.db, actor, run_id);
    return store::RunStore(context.db).files(run_id);
}

} // namespace sbx::project
