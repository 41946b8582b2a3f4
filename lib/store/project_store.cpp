#include "store/project_store.hpp"

#include <sqlite3.h>

#include "config/units.hpp"
#include "store/sqlite_access.hpp"

namespace sbx::store {
namespace {

constexpr const char* select_projects = R"sql(
    SELECT p.id, p.owner_id, u.name, p.name, p.runtime, p.visibility, p.forked_from, p.created_at, p.updated_at,
           (SELECT count(*) FROM project_files f WHERE f.project_id = p.id),
           (SELECT coalesce(sum(length(f.content)), 0) FROM project_files f WHERE f.project_id = p.id)
    FROM projects p JOIN users u ON u.id = p.owner_id )sql";

ProjectRecord read_project(SQLite::Statement& q)
{
    ProjectRecord p;
    p.id = q.getColumn(0).getInt64();
    p.owner_id = q.getColumn(1).getInt64();
    p.owner = q.getColumn(2).getString();
    p.name = q.getColumn(3).getString();
    p.runtime = q.getColumn(4).getString();
    p.is_public = q.getColumn(5).getString() == "public";
    p.forked_from = optional_column<std::int64_t>(q.getColumn(6));
    p.created_at = q.getColumn(7).getString();
    p.updated_at = q.getColumn(8).getString();
    p.file_count = q.getColumn(9).getInt64();
    p.bytes = q.getColumn(10).getInt64();
    return p;
}

std::vector<ProjectRecord> read_projects(SQLite::Statement& q)
{
    std::vector<ProjectRecord> projects;
    while (q.executeStep())
        projects.push_back(read_project(q));
    return projects;
}

std::int64_t single_number(Database& db, const char* sql, std::int64_t key)
{
    SQLite::Statement q(db.sql(), sql);
    q.bind(1, key);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

void check_file_size(const std::string& path, std::size_t size, const StorageLimits& limits)
{
    if (size > limits.max_file_bytes)
        throw Error(ErrorKind::too_large,
                    "file '" + path + "' is " + std::to_string(size) + " bytes; the largest file allowed is " +
                        config::format_bytes(limits.max_file_bytes),
                    "content");
}

std::int64_t owner_bytes(Database& db, std::int64_t project_id)
{
    return single_number(db,
                         "SELECT coalesce(sum(length(f.content)), 0) FROM project_files f JOIN projects p "
                         "ON p.id = f.project_id WHERE p.owner_id = (SELECT owner_id FROM projects WHERE id = ?)",
                         project_id);
}

// A file cannot also be a folder: "a" and "a/b" cannot both be written out for a run.
void check_no_clash(Database& db, std::int64_t project_id, const std::string& path)
{
    auto clash = [&](const std::string& other) {
        throw Error(ErrorKind::conflict,
                    "'" + path + "' and '" + other + "' cannot both exist: one would be a folder of the other", "path");
    };
    SQLite::Statement under(db.sql(),
                            "SELECT path FROM project_files WHERE project_id = ? AND path > ? AND path < ? LIMIT 1");
    under.bind(1, project_id);
    under.bind(2, path + "/");
    under.bind(3, path + "0"); // '0' follows '/': every "path/..." sorts between the two
    if (under.executeStep())
        clash(under.getColumn(0).getString());
    SQLite::Statement file(db.sql(), "SELECT 1 FROM project_files WHERE project_id = ? AND path = ?");
    for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        file.bind(1, project_id);
        file.bind(2, path.substr(0, slash));
        if (file.executeStep())
            clash(path.substr(0, slash));
        file.reset();
    }
}

// After a write, inside its transaction: throwing rolls the write back. A write that
// leaves the owner's total no bigger than before passes, so one over a lowered quota
// can still shrink files.
void check_totals(Database& db, std::int64_t project_id, const StorageLimits& limits, std::int64_t owned_before)
{
    auto files = single_number(db, "SELECT count(*) FROM project_files WHERE project_id = ?", project_id);
    if (files > static_cast<std::int64_t>(limits.max_files))
        throw Error(ErrorKind::too_large, "a project may have at most " + std::to_string(limits.max_files) + " files",
                    "path");
    auto bytes = single_number(db, "SELECT coalesce(sum(length(content)), 0) FROM project_files WHERE project_id = ?",
                               project_id);
    if (bytes > static_cast<std::int64_t>(limits.max_project_bytes))
        throw Error(ErrorKind::too_large,
                    "the project's files would take " + std::to_string(bytes) + " bytes; a project may hold " +
                        config::format_bytes(limits.max_project_bytes),
                    "content");
    auto owned = owner_bytes(db, project_id);
    if (owned > static_cast<std::int64_t>(limits.max_owner_bytes) && owned > owned_before)
        throw Error(ErrorKind::too_large,
                    "the owner's projects would take " + std::to_string(owned) +
                        " bytes; the owner's storage quota is " + config::format_bytes(limits.max_owner_bytes),
                    "content");
}

void touch(Database& db, std::int64_t id)
{
    SQLite::Statement q(db.sql(),
                        "UPDATE projects SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?");
    q.bind(1, id);
    q.exec();
}

void name_taken(const std::string& name)
{
    throw Error(ErrorKind::conflict, "you already have a project named '" + name + "'", "name");
}

bool is_unique_violation(const SQLite::Exception& e)
{
    return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE;
}

} // namespace

std::int64_t ProjectStore::create(const NewProject& project, const StorageLimits& limits)
{
    for (const auto& file : project.files)
        check_file_size(file.path, file.content.size(), limits);
    return guarded("create a project", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(db_.sql(), "INSERT INTO projects (owner_id, name, runtime, visibility, forked_from) "
                                       "VALUES (?, ?, ?, ?, ?)");
        q.bind(1, project.owner_id);
        q.bind(2, project.name);
        q.bind(3, project.runtime);
        q.bind(4, project.is_public ? "public" : "private");
        bind_optional(q, 5, project.forked_from);
        try {
            q.exec();
        } catch (const SQLite::Exception& e) {
            if (is_unique_violation(e))
                name_taken(project.name);
            throw;
        }
        auto id = db_.sql().getLastInsertRowid();
        auto owned_before = owner_bytes(db_, id);
        SQLite::Statement file(db_.sql(), "INSERT INTO project_files (project_id, path, content) VALUES (?, ?, ?)");
        for (const auto& f : project.files) {
            file.bind(1, id);
            file.bind(2, f.path);
            file.bind(3, f.content.data(), static_cast<int>(f.content.size()));
            try {
                file.exec();
            } catch (const SQLite::Exception& e) {
                if (is_unique_violation(e))
                    throw Error(ErrorKind::data, "file '" + f.path + "' is given twice", "path");
                throw;
            }
            file.reset();
        }
        check_totals(db_, id, limits, owned_before);
        transaction.commit();
        return id;
    });
}

std::optional<ProjectRecord> ProjectStore::find(std::int64_t owner_id, const std::string& name)
{
    return guarded("read a project", [&]() -> std::optional<ProjectRecord> {
        SQLite::Statement q(db_.sql(), std::string(select_projects) + "WHERE p.owner_id = ? AND p.name = ?");
        q.bind(1, owner_id);
        q.bind(2, name);
        if (!q.executeStep())
            return std::nullopt;
        return read_project(q);
    });
}

std::optional<ProjectRecord> ProjectStore::find(std::int64_t id)
{
    return guarded("read a project", [&]() -> std::optional<ProjectRecord> {
        SQLite::Statement q(db_.sql(), std::string(select_projects) + "WHERE p.id = ?");
        q.bind(1, id);
        if (!q.executeStep())
            return std::nullopt;
        return read_project(q);
    });
}

std::vector<ProjectRecord> ProjectStore::list_owned(std::int64_t owner_id)
{
    return guarded("list projects", [&] {
        SQLite::Statement q(db_.sql(), std::string(select_projects) + "WHERE p.owner_id = ? ORDER BY p.name");
        q.bind(1, owner_id);
        return read_projects(q);
    });
}

std::vector<ProjectRecord> ProjectStore::list_public(std::size_t limit)
{
    return guarded("list public projects", [&] {
        SQLite::Statement q(
            db_.sql(),
            std::string(select_projects) +
                "WHERE p.visibility = 'public' AND u.disabled = 0 ORDER BY p.updated_at DESC, p.id DESC LIMIT ?");
        q.bind(1, static_cast<std::int64_t>(limit));
        return read_projects(q);
    });
}

void ProjectStore::rename(std::int64_t id, const std::string& name)
{
    guarded("rename a project", [&] {
        SQLite::Statement q(db_.sql(), "UPDATE projects SET name = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
                                       "'now') WHERE id = ?");
        q.bind(1, name);
        q.bind(2, id);
        try {
            q.exec();
        } catch (const SQLite::Exception& e) {
            if (is_unique_violation(e))
                name_taken(name);
            throw;
        }
    });
}

void ProjectStore::set_runtime(std::int64_t id, const std::string& runtime)
{
    guarded("update a project", [&] {
        SQLite::Statement q(db_.sql(), "UPDATE projects SET runtime = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
                                       "'now') WHERE id = ?");
        q.bind(1, runtime);
        q.bind(2, id);
        q.exec();
    });
}

void ProjectStore::set_public(std::int64_t id, bool is_public)
{
    guarded("update a project", [&] {
        SQLite::Statement q(db_.sql(), "UPDATE projects SET visibility = ?, updated_at = "
                                       "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?");
        q.bind(1, is_public ? "public" : "private");
        q.bind(2, id);
        q.exec();
    });
}

void ProjectStore::remove(std::int64_t id)
{
    guarded("delete a project", [&] {
        SQLite::Statement q(db_.sql(), "DELETE FROM projects WHERE id = ?");
        q.bind(1, id);
        q.exec();
    });
}

std::vector<FileEntry> ProjectStore::list_files(std::int64_t id)
{
    return guarded("list files", [&] {
        SQLite::Statement q(db_.sql(), "SELECT path, length(content), updated_at FROM project_files "
                                       "WHERE project_id = ? ORDER BY path");
        q.bind(1, id);
        std::vector<FileEntry> files;
        while (q.executeStep())
            files.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getString()});
        return files;
    });
}

std::optional<std::string> ProjectStore::read_file(std::int64_t id, const std::string& path)
{
    return guarded("read a file", [&]() -> std::optional<std::string> {
        SQLite::Statement q(db_.sql(), "SELECT content FROM project_files WHERE project_id = ? AND path = ?");
        q.bind(1, id);
        q.bind(2, path);
        if (!q.executeStep())
            return std::nullopt;
        const auto& content = q.getColumn(0);
        return std::string(static_cast<const char*>(content.getBlob()), static_cast<std::size_t>(content.getBytes()));
    });
}

std::vector<ProjectFile> ProjectStore::all_files(std::int64_t id)
{
    return guarded("read files", [&] {
        SQLite::Statement q(db_.sql(), "SELECT path, content FROM project_files WHERE project_id = ? ORDER BY path");
        q.bind(1, id);
        std::vector<ProjectFile> files;
        while (q.executeStep()) {
            const auto& content = q.getColumn(1);
            files.push_back({q.getColumn(0).getString(), std::string(static_cast<const char*>(content.getBlob()),
                                                                     static_cast<std::size_t>(content.getBytes()))});
        }
        return files;
    });
}

bool ProjectStore::put_file(std::int64_t id, const std::string& path, const std::string& content,
                            const StorageLimits& limits)
{
    check_file_size(path, content.size(), limits);
    return guarded("write a file", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        auto owned_before = owner_bytes(db_, id);
        SQLite::Statement update(db_.sql(), "UPDATE project_files SET content = ?, updated_at = "
                                            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE project_id = ? AND path = ?");
        update.bind(1, content.data(), static_cast<int>(content.size()));
        update.bind(2, id);
        update.bind(3, path);
        bool created = update.exec() == 0;
        if (created) {
            check_no_clash(db_, id, path);
            SQLite::Statement insert(db_.sql(),
                                     "INSERT INTO project_files (project_id, path, content) VALUES (?, ?, ?)");
            insert.bind(1, id);
            insert.bind(2, path);
            insert.bind(3, content.data(), static_cast<int>(content.size()));
            insert.exec();
        }
        check_totals(db_, id, limits, owned_before);
        touch(db_, id);
        transaction.commit();
        return created;
    });
}

void ProjectStore::remove_file(std::int64_t id, const std::string& path)
{
    guarded("delete a file", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(db_.sql(), "DELETE FROM project_files WHERE project_id = ? AND path = ?");
        q.bind(1, id);
        q.bind(2, path);
        if (q.exec() == 0)
            throw Error(ErrorKind::not_found, "no file '" + path + "' in the project", "path");
        touch(db_, id);
        transaction.commit();
    });
}

void ProjectStore::move_file(std::int64_t id, const std::string& from, const std::string& to)
{
    guarded("move a file", [&] {
        SQLite::Transaction transaction(db_.sql(), SQLite::TransactionBehavior::IMMEDIATE);
        if (read_file(id, from))
            check_no_clash(db_, id, to);
        SQLite::Statement q(db_.sql(), "UPDATE project_files SET path = ?, updated_at = "
                                       "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE project_id = ? AND path = ?");
        q.bind(1, to);
        q.bind(2, id);
        q.bind(3, from);
        int changed = 0;
        try {
            changed = q.exec();
        } catch (const SQLite::Exception& e) {
            if (is_unique_violation(e))
                throw Error(ErrorKind::conflict, "file '" + to + "' already exists", "to");
            throw;
        }
        if (changed == 0)
            throw Error(ErrorKind::not_found, "no file '" + from + "' in the project", "from");
        touch(db_, id);
        transaction.commit();
    });
}

std::map<std::string, std::string> ProjectStore::env(std::int64_t id)
{
    return guarded("read environment variables", [&] {
        SQLite::Statement q(db_.sql(), "SELECT name, value FROM project_env WHERE project_id = ? ORDER BY name");
        q.bind(1, id);
        std::map<std::string, std::string> env;
        while (q.executeStep())
            env[q.getColumn(0).getString()] = q.getColumn(1).getString();
        return env;
    });
}

void ProjectStore::set_env(std::int64_t id, const std::string& name, const std::string& value)
{
    guarded("set an environment variable", [&] {
        SQLite::Statement q(db_.sql(), "INSERT INTO project_env (project_id, name, value) VALUES (?, ?, ?) "
                                       "ON CONFLICT (project_id, name) DO UPDATE SET value = excluded.value");
        q.bind(1, id);
        q.bind(2, name);
        q.bind(3, value);
        q.exec();
    });
}

bool ProjectStore::unset_env(std::int64_t id, const std::string& name)
{
    return guarded("unset an environment variable", [&] {
        SQLite::Statement q(db_.sql(), "DELETE FROM project_env WHERE project_id = ? AND name = ?");
        q.bind(1, id);
        q.bind(2, name);
        return q.exec() == 1;
    });
}

} // namespace sbx::store
