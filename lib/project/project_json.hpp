#pragma once
// Projects and their files as JSON, the same for `sbx project --format=json` and the web API.
#include <nlohmann/json.hpp>

#include "store/project_store.hpp"

namespace sbx::project {

/// {"id", "owner", "name", "full_name": "OWNER/NAME", "runtime", "visibility", "forked_from",
///  "created_at", "updated_at", "files", "bytes"}
nlohmann::json project_json(const store::ProjectRecord& project);

/// {"path", "size", "updated_at"}
nlohmann::json file_entry_json(const store::FileEntry& file);

} // namespace sbx::project
