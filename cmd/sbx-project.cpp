// sbx-project: projects, their files and env, forks, archives.
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "cli/session.hpp"
#include "common/project_path.hpp"
#include "error.hpp"
#include "project/project_json.hpp"
#include "project/projects.hpp"

namespace {

namespace cli = sbx::cli;
namespace project = sbx::project;
namespace store = sbx::store;
using sbx::Error;
using sbx::ErrorKind;

const char* usage = "usage: sbx project create NAME -r RUNTIME [--public]\n"
                    "       sbx project list [--public]\n"
                    "       sbx project show NAME\n"
                    "       sbx project rename NAME NEW_NAME\n"
                    "       sbx project set-runtime NAME RUNTIME\n"
                    "       sbx project set-visibility NAME public|private\n"
                    "       sbx project delete NAME\n"
                    "       sbx project ls NAME\n"
                    "       sbx project put NAME PATH [--from FILE|-]\n"
                    "       sbx project get NAME PATH\n"
                    "       sbx project rm NAME PATH\n"
                    "       sbx project mv NAME OLD NEW\n"
                    "       sbx project env set NAME K=V... | env unset NAME K... | env ls NAME [--show]\n"
                    "       sbx project fork OWNER/NAME [NEW_NAME]\n"
                    "       sbx project import NAME ARCHIVE|- [-r RUNTIME] [--public]\n"
                    "       sbx project export NAME [--format tar.gz|tar|zip] [-o FILE|-]\n"
                    "  NAME is OWNER/NAME, or NAME for a project of the --as user's own.\n"
                    "  every form also takes [--as USER] [--config FILE] [--set KEY=VALUE]... [--format text|json]\n";

struct Options {
    std::string runtime;
    bool is_public = false;
    std::string from = "-";
    std::string output;
    std::string archive_format = "tar.gz";
    bool show = false;
};

std::string read_input(const std::string& path)
{
    std::ifstream in;
    std::istream* source = &std::cin;
    if (path != "-") {
        in.open(path, std::ios::binary);
        if (!in)
            throw Error(ErrorKind::not_found, "cannot read " + path + ": " + std::strerror(errno));
        source = &in;
    }
    std::ostringstream content;
    content << source->rdbuf();
    return content.str();
}

void write_output(const std::string& path, const std::string& bytes)
{
    if (path.empty() || path == "-") {
        if (isatty(STDOUT_FILENO) && bytes.find('\0') != std::string::npos)
            throw Error(ErrorKind::usage, "not writing binary content to a terminal: redirect stdout (or -o FILE)");
        std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        std::cout.flush();
        return;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush())
        throw Error(ErrorKind::unavailable, "cannot write " + path + ": " + std::strerror(errno));
}

void print_project(const store::ProjectRecord& p, const cli::CommonOptions& common)
{
    if (common.json()) {
        cli::print_json(project::project_json(p));
        return;
    }
    cli::print_table({{"name:", p.owner + "/" + p.name},
                      {"id:", std::to_string(p.id)},
                      {"runtime:", p.runtime},
                      {"visibility:", p.is_public ? "public" : "private"},
                      {"forked from:", p.forked_from ? std::to_string(*p.forked_from) : "-"},
                      {"files:", std::to_string(p.file_count) + " (" + std::to_string(p.bytes) + " bytes)"},
                      {"created:", p.created_at},
                      {"updated:", p.updated_at}});
}

void print_projects(const std::vector<store::ProjectRecord>& projects, const cli::CommonOptions& common)
{
    if (common.json()) {
        auto json = nlohmann::json::array();
        for (const auto& p : projects)
            json.push_back(project::project_json(p));
        cli::print_json(json);
        return;
    }
    std::vector<std::vector<std::string>> rows{{"PROJECT", "RUNTIME", "VISIBILITY", "FILES", "UPDATED"}};
    for (const auto& p : projects)
        rows.push_back({p.owner + "/" + p.name, p.runtime, p.is_public ? "public" : "private",
                        std::to_string(p.file_count), p.updated_at});
    cli::print_table(rows);
}

void expect_args(const std::vector<std::string>& args, std::size_t count, const std::string& form)
{
    if (args.size() != count)
        throw Error(ErrorKind::usage, "usage: sbx project " + form);
}

int env(cli::Session& session, std::vector<std::string>& args, const Options& o, const cli::CommonOptions& common)
{
    std::string action = cli::take_subcommand(args, {"set", "unset", "ls"});
    if (args.empty())
        throw Error(ErrorKind::usage, "usage: sbx project env " + action + " NAME ...");
    auto actor = session.actor();
    auto p = project::find_project(session.db(), actor, args.front(), project::Access::write);
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (action == "ls") {
        auto vars = project::list_env(session.context(), actor, p);
        if (!o.show)
            for (auto& [name, value] : vars)
                value = "********";
        if (common.json()) {
            cli::print_json(vars);
            return 0;
        }
        for (const auto& [name, value] : vars)
            std::cout << name << '=' << value << '\n';
        return 0;
    }
    if (rest.empty())
        throw Error(ErrorKind::usage, action == "set" ? "usage: sbx project env set NAME K=V..."
                                                      : "usage: sbx project env unset NAME K...");
    for (const auto& item : rest) {
        if (action == "unset") {
            project::unset_env(session.context(), actor, p, item);
            continue;
        }
        auto equals = item.find('=');
        if (equals == std::string::npos)
            throw Error(ErrorKind::usage, "expected K=V, not '" + item.substr(0, 64) + "'", "env");
        project::set_env(session.context(), actor, p, item.substr(0, equals), item.substr(equals + 1));
    }
    return 0;
}

// `export` has its own --format (the archive's); the common one is text|json.
void take_archive_format(int& argc, char** argv, Options& o)
{
    // The subcommand is the first argument that is neither an option nor an option's value.
    static const std::set<std::string_view> with_value = {"--as",      "--config", "--set", "-r",
                                                          "--runtime", "--from",   "-o",    "--output"};
    bool is_export = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (with_value.contains(arg)) {
            ++i;
            continue;
        }
        if (arg.starts_with('-'))
            continue;
        is_export = arg == "export";
        break;
    }
    if (!is_export)
        return;
    int out = 1;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--format" && i + 1 < argc) {
            o.archive_format = argv[++i];
            continue;
        }
        if (arg.starts_with("--format=")) {
            o.archive_format = std::string(arg.substr(9));
            continue;
        }
        argv[out++] = argv[i];
    }
    argc = out;
}

int run(int argc, char** argv)
{
    cli::CommonOptions common;
    Options o;
    take_archive_format(argc, argv, o);
    cli::po::options_description options("options");
    auto add = options.add_options();
    add("runtime,r", cli::po::value(&o.runtime), "create, import: runtime id (sbx runtime list)");
    add("public", cli::po::bool_switch(&o.is_public), "create, import: visible to everyone; list: the gallery");
    add("from", cli::po::value(&o.from), "put: read the content from FILE (default: stdin)");
    add("output,o", cli::po::value(&o.output), "export: write the archive to FILE (default: stdout)");
    add("show", cli::po::bool_switch(&o.show), "env ls: show values instead of masking them");
    cli::add_actor_option(options, common);
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    auto args = *parsed;
    std::string verb =
        cli::take_subcommand(args, {"create", "list", "show", "rename", "set-runtime", "set-visibility", "delete", "ls",
                                    "put", "get", "rm", "mv", "env", "fork", "import", "export"});
    cli::Session session(common);
    auto& context = session.context();
    auto& db = session.db();
    auto actor = session.actor();
    auto find = [&](project::Access access) { return project::find_project(db, actor, args.at(0), access); };

    if (verb == "list") {
        expect_args(args, 0, "list [--public]");
        print_projects(o.is_public ? project::gallery(context) : project::list_projects(context, actor), common);
    } else if (verb == "env") {
        return env(session, args, o, common);
    } else if (verb == "create") {
        expect_args(args, 1, "create NAME -r RUNTIME [--public]");
        if (o.runtime.empty())
            throw Error(ErrorKind::usage, "which runtime? give -r RUNTIME (sbx runtime list)", "runtime");
        print_project(project::create_project(context, actor, args[0], o.runtime, o.is_public), common);
    } else if (verb == "show") {
        expect_args(args, 1, "show NAME");
        print_project(find(project::Access::read), common);
    } else if (verb == "rename") {
        expect_args(args, 2, "rename NAME NEW_NAME");
        print_project(project::rename_project(context, actor, find(project::Access::write), args[1]), common);
    } else if (verb == "set-runtime") {
        expect_args(args, 2, "set-runtime NAME RUNTIME");
        print_project(project::set_runtime(context, actor, find(project::Access::write), args[1]), common);
    } else if (verb == "set-visibility") {
        expect_args(args, 2, "set-visibility NAME public|private");
        if (args[1] != "public" && args[1] != "private")
            throw Error(ErrorKind::usage, "visibility is public or private, not '" + args[1] + "'", "visibility");
        print_project(project::set_visibility(context, actor, find(project::Access::write), args[1] == "public"),
                      common);
    } else if (verb == "delete") {
        expect_args(args, 1, "delete NAME");
        project::delete_project(context, actor, find(project::Access::write));
    } else if (verb == "ls") {
        expect_args(args, 1, "ls NAME");
        auto files = project::list_files(context, actor, find(project::Access::read));
        if (common.json()) {
            auto json = nlohmann::json::array();
            for (const auto& f : files)
                json.push_back(project::file_entry_json(f));
            cli::print_json(json);
            return 0;
        }
        std::vector<std::vector<std::string>> rows{{"PATH", "SIZE", "UPDATED"}};
        for (const auto& f : files)
            rows.push_back({sbx::common::printable(f.path), std::to_string(f.size), f.updated_at});
        cli::print_table(rows);
    } else if (verb == "put") {
        expect_args(args, 2, "put NAME PATH [--from FILE|-]");
        auto p = find(project::Access::write);
        bool created = project::put_file(context, actor, p, args[1], read_input(o.from));
        if (common.json())
            cli::print_json({{"path", args[1]}, {"created", created}});
    } else if (verb == "get") {
        expect_args(args, 2, "get NAME PATH");
        write_output("-", project::get_file(context, actor, find(project::Access::read), args[1]));
    } else if (verb == "rm") {
        expect_args(args, 2, "rm NAME PATH");
        project::remove_file(context, actor, find(project::Access::write), args[1]);
    } else if (verb == "mv") {
        expect_args(args, 3, "mv NAME OLD NEW");
        project::move_file(context, actor, find(project::Access::write), args[1], args[2]);
    } else if (verb == "fork") {
        if (args.empty() || args.size() > 2)
            throw Error(ErrorKind::usage, "usage: sbx project fork OWNER/NAME [NEW_NAME]");
        std::optional<std::string> target;
        if (args.size() == 2)
            target = args[1];
        print_project(project::fork_project(context, actor, find(project::Access::read), target), common);
    } else if (verb == "import") {
        expect_args(args, 2, "import NAME ARCHIVE|- [-r RUNTIME] [--public]");
        std::optional<std::string> runtime;
        if (!o.runtime.empty())
            runtime = o.runtime;
        print_project(project::import_project(context, actor, args[0], read_input(args[1]), runtime, o.is_public),
                      common);
    } else {
        expect_args(args, 1, "export NAME [--format tar.gz|tar|zip] [-o FILE|-]");
        auto format = project::parse_archive_format(o.archive_format);
        write_output(o.output, project::export_project(context, actor, find(project::Access::read), format));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return sbx::cli::run_main("sbx-project", [&] { return run(argc, argv); });
}
