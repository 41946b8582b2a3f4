// Projects over HTTP: the same lib calls as `sbx project`.
#include "account/names.hpp"
#include "project/access.hpp"
#include "project/project_json.hpp"
#include "project/projects.hpp"
#include "runner/run_json.hpp"
#include "web/api_error.hpp"
#include "web/call.hpp"
#include "web/json_input.hpp"

namespace sbx::web {
namespace {

using project::Access;

store::ProjectRecord project_of(Call& call, Access access)
{
    return project::find_project(call.context.db, call.user(), call.id("id"), access);
}

bool parse_visibility(const std::string& text)
{
    if (text != "public" && text != "private")
        throw HttpError(ErrorKind::usage, "invalid", "'visibility' must be \"public\" or \"private\"", "visibility");
    return text == "public";
}

nlohmann::json projects_json(const std::vector<store::ProjectRecord>& projects)
{
    auto json = nlohmann::json::array();
    for (const auto& p : projects)
        json.push_back(project::project_json(p));
    return json;
}

// Project names over HTTP are the caller's own: OWNER/NAME would let the name say whose.
// A name sent for a project of the caller's own: checked here so that the error names the
// member 'name' (lib, reading OWNER/NAME references, names 'project').
std::string own_name(const std::string& name)
{
    account::check_project_name(name);
    return name;
}

void list(Call& call)
{
    call.reply(200, projects_json(project::list_projects(call.context, call.user())));
}

void gallery(Call& call)
{
    call.user();
    call.reply(200, projects_json(project::gallery(call.context)));
}

void create(Call& call)
{
    JsonInput in(call.request);
    auto name = own_name(in.required_string("name"));
    auto runtime = in.required_string("runtime");
    bool is_public = parse_visibility(in.string("visibility").value_or("private"));
    in.finish();
    const auto& actor = call.user();
    call.reply(201, project::project_json(
                        project::create_project(call.context, actor, actor.name + "/" + name, runtime, is_public)));
}

void show(Call& call)
{
    call.reply(200, project::project_json(project_of(call, Access::read)));
}

void patch(Call& call)
{
    auto p = project_of(call, Access::write);
    JsonInput in(call.request);
    auto name = in.string("name");
    auto runtime = in.string("runtime");
    auto visibility = in.string("visibility");
    in.finish();
    const auto& actor = call.user();
    if (name)
        p = project::rename_project(call.context, actor, p, own_name(*name));
    if (runtime)
        p = project::set_runtime(call.context, actor, p, *runtime);
    if (visibility)
        p = project::set_visibility(call.context, actor, p, parse_visibility(*visibility));
    call.reply(200, project::project_json(p));
}

void remove(Call& call)
{
    project::delete_project(call.context, call.user(), project_of(call, Access::write));
    call.response.status = 204;
}

void list_files(Call& call)
{
    auto json = nlohmann::json::array();
    for (const auto& f : project::list_files(call.context, call.user(), project_of(call, Access::read)))
        json.push_back(project::file_entry_json(f));
    call.reply(200, json);
}

void get_file(Call& call)
{
    auto p = project_of(call, Access::read);
    call.response.body = project::get_file(call.context, call.user(), p, call.params.at("path"));
    call.response.set_header("Content-Type", "application/octet-stream");
    call.response.set_header("X-Content-Type-Options", "nosniff");
}

// The body is the file, unless it is JSON {"text": ...} or {"base64": ...}.
std::string file_content(const Request& request)
{
    if (!request.header("content-type").starts_with("application/json"))
        return request.body;
    JsonInput in(request.body);
    auto text = in.string("text");
    auto encoded = in.string("base64");
    in.finish();
    if (text && !encoded)
        return *text;
    if (encoded && !text) {
        auto decoded = runner::base64_decode(*encoded);
        if (!decoded)
            throw HttpError(ErrorKind::usage, "invalid", "'base64' is not valid base64", "base64");
        return *decoded;
    }
    throw HttpError(ErrorKind::usage, "invalid", "give the content as 'text' or as 'base64'", "text");
}

void put_file(Call& call)
{
    auto p = project_of(call, Access::write);
    bool created = project::put_file(call.context, call.user(), p, call.params.at("path"), file_content(call.request));
    call.reply(created ? 201 : 200, {{"path", common::normalize_path(call.params.at("path"))}, {"created", created}});
}

void delete_file(Call& call)
{
    project::remove_file(call.context, call.user(), project_of(call, Access::write), call.params.at("path"));
    call.response.status = 204;
}

void move_file(Call& call)
{
    auto p = project_of(call, Access::write);
    JsonInput in(call.request);
    auto from = in.required_string("from");
    auto to = in.required_string("to");
    in.finish();
    project::move_file(call.context, call.user(), p, from, to);
    call.reply(200, {{"from", from}, {"to", to}});
}

void list_env(Call& call)
{
    call.reply(200, project::list_env(call.context, call.user(), project_of(call, Access::write)));
}

void set_env(Call& call)
{
    auto p = project_of(call, Access::write);
    JsonInput in(call.request);
    auto value = in.required_string("value");
    in.finish();
    project::set_env(call.context, call.user(), p, call.params.at("name"), value);
    call.response.status = 204;
}

void unset_env(Call& call)
{
    project::unset_env(call.context, call.user(), project_of(call, Access::write), call.params.at("name"));
    call.response.status = 204;
}

void fork(Call& call)
{
    auto source = project_of(call, Access::read);
    std::optional<std::string> name;
    if (!call.request.body.empty()) {
        JsonInput in(call.request);
        name = in.string("name");
        in.finish();
    }
    const auto& actor = call.user();
    std::optional<std::string> target = actor.name + "/" + own_name(name.value_or(source.name));
    call.reply(201, project::project_json(project::fork_project(call.context, actor, source, target)));
}

void import(Call& call)
{
    const auto& actor = call.user();
    auto name = call.request.param("name");
    if (!name)
        throw HttpError(ErrorKind::usage, "missing", "'name' is required (?name=...)", "name");
    bool is_public = parse_visibility(call.request.param("visibility").value_or("private"));
    auto p = project::import_project(call.context, actor, actor.name + "/" + own_name(*name), call.request.body,
                                     call.request.param("runtime"), is_public);
    call.reply(201, project::project_json(p));
}

void do_export(Call& call)
{
    auto p = project_of(call, Access::read);
    auto format = project::parse_archive_format(call.request.param("format").value_or("tar.gz"));
    call.response.body = project::export_project(call.context, call.user(), p, format);
    call.response.set_header("Content-Type", project::archive_media_type(format));
    call.response.set_header("Content-Disposition",
                             "attachment; filename=\"" + p.name + project::archive_extension(format) + "\"");
}

} // namespace

void add_project_routes(Routes& routes)
{
    routes.add("GET", "/api/v1/projects", list);
    routes.add("POST", "/api/v1/projects", create);
    routes.add("POST", "/api/v1/projects/import", import);
    routes.add("GET", "/api/v1/gallery", gallery);
    routes.add("GET", "/api/v1/projects/{id}", show);
    routes.add("PATCH", "/api/v1/projects/{id}", patch);
    routes.add("DELETE", "/api/v1/projects/{id}", remove);
    routes.add("GET", "/api/v1/projects/{id}/files", list_files);
    routes.add("GET", "/api/v1/projects/{id}/files/{path...}", get_file);
    routes.add("PUT", "/api/v1/projects/{id}/files/{path...}", put_file);
    routes.add("DELETE", "/api/v1/projects/{id}/files/{path...}", delete_file);
    routes.add("POST", "/api/v1/projects/{id}/move", move_file);
    routes.add("GET", "/api/v1/projects/{id}/env", list_env);
    routes.add("PUT", "/api/v1/projects/{id}/env/{name}", set_env);
    routes.add("DELETE", "/api/v1/projects/{id}/env/{name}", unset_env);
    routes.add("POST", "/api/v1/projects/{id}/fork", fork);
    routes.add("GET", "/api/v1/projects/{id}/export", do_export);
}

} // namespace sbx::web
