#pragma once
// Projects, their files and their environment variables, as rows. Size limits are
// checked inside the transaction that writes, so concurrent writers cannot pass them
// together.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace sbx::store {

struct ProjectRecord {
    std::int64_t id = 0;
    std::int64_t owner_id = 0;
    std::string owner; ///< the owner's name
    std::string name;
    std::string runtime;
    bool is_public = false;
    std::optional<std::int64_t> forked_from;
    std::string created_at;
    std::string updated_at;
    std::int64_t file_count = 0;
    std::int64_t bytes = 0; ///< of all its files
};

struct FileEntry {
    std::string path;
    std::int64_t size = 0;
    std::string updated_at;
};

struct ProjectFile {
    std::string path;
    std::string content;
};

/// Limits a write must stay within; checked before it commits.
struct StorageLimits {
    std::uint64_t max_file_bytes = 0;
    std::uint32_t max_files = 0;
    std::uint64_t max_project_bytes = 0;
    std::uint64_t max_owner_bytes = 0; ///< the owner's storage quota, over all their projects
};

struct NewProject {
    std::int64_t owner_id = 0;
    std::string name;
    std::string runtime;
    bool is_public = false;
    std::optional<std::int64_t> forked_from;
    std::vector<ProjectFile> files;
};

class ProjectStore {
  public:
    explicit ProjectStore(Database& db) : db_(db) {}

    /// Creates the project with its files, all or nothing. Throws Error(conflict) when
    /// the owner has a project of that name, Error(too_large) past a limit.
    std::int64_t create(const NewProject& project, const StorageLimits& limits);
    std::optional<ProjectRecord> find(std::int64_t owner_id, const std::string& name);
    std::optional<ProjectRecord> find(std::int64_t id);
    /// Projects of one owner, by name.
    std::vector<ProjectRecord> list_owned(std::int64_t owner_id);
    /// Public projects of everyone, most recently changed first.
    std::vector<ProjectRecord> list_public(std::size_t limit);

    /// Throws Error(conflict) when the owner has a project of the new name.
    void rename(std::int64_t id, const std::string& name);
    void set_runtime(std::int64_t id, const std::string& runtime);
    void set_public(std::int64_t id, bool is_public);
    /// Deletes the project with its files and env.
    void remove(std::int64_t id);

    std::vector<FileEntry> list_files(std::int64_t id);
    std::optional<std::string> read_file(std::int64_t id, const std::string& path);
    std::vector<ProjectFile> all_files(std::int64_t id);
    /// Creates or replaces a file; true when it was created.
    bool put_file(std::int64_t id, const std::string& path, const std::string& content, const StorageLimits& limits);
    /// Throws Error(not_found) when there is no such file.
    void remove_file(std::int64_t id, const std::string& path);
    /// Throws Error(not_found) for a missing source, Error(conflict) when the target exists.
    void move_file(std::int64_t id, const std::string& from, const std::string& to);

    std::map<std::string, std::string> env(std::int64_t id);
    void set_env(std::int64_t id, const std::string& name, const std::string& value);
    /// False when the variable was not set.
    bool unset_env(std::int64_t id, const std::string& name);

  private:
    Database& db_;
};

} // namespace sbx::store
